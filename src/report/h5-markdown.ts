import { onlyFinding } from "../store/only-finding.js";
import { warmPhrase } from "../messages/warm-phrase.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import type { H5Results } from "../store/h5-results-schema.js";
import { formatSize } from "../util/sizes.js";
import { share as pct, markdownCell as cell } from "../util/format.js";
import { adviceLine } from "./advice-text.js";
import { h5ConfigHeads, h5FileLabel, workersText } from "./h5-charts.js";
import { message } from "../messages/catalogue.js";
import { glossaryLine } from "./glossary-text.js";

/** summary.md of an HDF5 study: the verdict with h5py settings, every configuration, the smallest caches, the method. */
export function renderH5Markdown(results: H5Results, analysis: AnalysisFile, pngs: readonly string[] = []): string {
  const label = (i: number): string => cell(h5FileLabel(results.files[i]!));
  const out = [`# ${message("h5.report.title", { verdict: analysis.verdict })}`, ""];
  if (pngs.includes("summary.png")) out.push(`![${message("h5.report.summary-alt")}](summary.png)`, "");
  out.push(glossaryLine(["glossary.rdcc"]), "", onlyFinding(analysis).summary, "");
  const advice = analysis.recommendations;
  if (advice.length > 0) {
    out.push(`## ${message("h5.report.heading.what-to-set")}`, "");
    advice.forEach((r, i) => out.push(`${i + 1}. ${r.text}`, `   <br>_${cell(adviceLine(r))}_`));
    out.push("", `## ${message("h5.report.heading.configurations")}`, "");
  }
  out.push(`| # | ${h5ConfigHeads(message("h5.report.col.samples-measured")).join(" | ")} |`, "|---:|---|---|---|---:|---|---|---:|---|");
  for (const c of results.configs) {
    const sim = c.simulated?.epochs;
    out.push(
      `| ${c.id} | ${label(c.file)} | ${formatSize(c.cache.nbytes)} / ${c.cache.nslots} | ${c.access} | ${c.workers} | ${sim ? sim.map((e) => pct(e.hitRate)).join(" ") : "-"} | ${sim ? sim.map((e) => `${e.readAmplification.toFixed(2)}x`).join(" ") : "-"} | ${c.live ? Math.round(c.live.samplesPerS).toLocaleString("en-US") : "-"} | ${c.live ? `${(c.live.difference * 100).toFixed(2)}%${c.live.agrees ? "" : message("h5.report.md.disagrees")}` : "-"} |`,
    );
  }
  if (results.smallestCache.length > 0) {
    out.push(
      "",
      message("h5.report.smallest.md", { target: pct(results.settings.targetHitRate), warm: warmPhrase(results.settings.epochs) }),
      "",
    );
    for (const s of results.smallestCache)
      out.push(
        `- ${message("h5.report.smallest.item", {
          file: label(s.file),
          access: s.access,
          workers: workersText(s.workers),
          size: s.nbytes === null ? message("h5.report.smallest.none") : formatSize(s.nbytes),
        })}`,
      );
  }
  const charts = pngs.filter((p) => p !== "summary.png");
  if (charts.length > 0)
    out.push("", message("report.md.charts", { links: charts.map((p) => `[${p.replace(/\.png$/, "")}](${p})`).join(", ") }));
  out.push("", message("h5.report.method.md"), "");
  return out.join("\n");
}
