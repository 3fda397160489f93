import { onlyFinding } from "../store/only-finding.js";
import { warmPhrase } from "../messages/warm-phrase.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import type { H5Results } from "../store/h5-results-schema.js";
import { formatSize } from "../util/sizes.js";
import { share as pct, markdownCell as cell } from "../util/format.js";
import { adviceLine } from "./advice-text.js";
import { h5FileLabel } from "./h5-charts.js";

/** summary.md of an HDF5 study: the verdict with h5py settings, every configuration, the smallest caches, the method. */
export function renderH5Markdown(results: H5Results, analysis: AnalysisFile, pngs: readonly string[] = []): string {
  const label = (i: number): string => cell(h5FileLabel(results.files[i]!));
  const out = [`# gpuprof h5: ${analysis.verdict}`, ""];
  if (pngs.includes("summary.png")) out.push("![gpuprof h5 summary](summary.png)", "");
  out.push(onlyFinding(analysis).summary, "");
  const advice = analysis.recommendations;
  if (advice.length > 0) {
    out.push("## What to set", "");
    advice.forEach((r, i) => out.push(`${i + 1}. ${r.text}`, `   <br>_${cell(adviceLine(r))}_`));
    out.push("", "## Configurations", "");
  }
  out.push(
    "| # | file | cache / slots | access | workers | hit rate by epoch | read amp. by epoch | samples/s (measured) | bytes measured vs model |",
    "|---:|---|---|---|---:|---|---|---:|---|",
  );
  for (const c of results.configs) {
    const sim = c.simulated?.epochs;
    out.push(
      `| ${c.id} | ${label(c.file)} | ${formatSize(c.cache.nbytes)} / ${c.cache.nslots} | ${c.access} | ${c.workers} | ${sim ? sim.map((e) => pct(e.hitRate)).join(" ") : "-"} | ${sim ? sim.map((e) => `${e.readAmplification.toFixed(2)}x`).join(" ") : "-"} | ${c.live ? Math.round(c.live.samplesPerS).toLocaleString("en-US") : "-"} | ${c.live ? `${(c.live.difference * 100).toFixed(2)}%${c.live.agrees ? "" : " (disagrees)"}` : "-"} |`,
    );
  }
  if (results.smallestCache.length > 0) {
    out.push(
      "",
      `Smallest cache per worker reaching ${pct(results.settings.targetHitRate)} chunk hits ${warmPhrase(results.settings.epochs)} (simulated):`,
      "",
    );
    for (const s of results.smallestCache)
      out.push(
        `- ${label(s.file)}, ${s.access}, ${s.workers} worker${s.workers === 1 ? "" : "s"}: ${s.nbytes === null ? "none" : formatSize(s.nbytes)}`,
      );
  }
  const charts = pngs.filter((p) => p !== "summary.png");
  if (charts.length > 0) out.push("", `Charts: ${charts.map((p) => `[${p.replace(/\.png$/, "")}](${p})`).join(", ")}`);
  out.push(
    "",
    "Hit rates and read amplification are simulated with HDF5's chunk-cache rules; samples/s and bytes are measured on this machine through h5wasm with the cache emulated.",
    "",
  );
  return out.join("\n");
}
