import type { Finding } from "../analysis/types.js";
import type { H5Results } from "../store/h5-results-schema.js";
import { formatSize } from "../util/sizes.js";
import { share as pct, markdownCell as cell } from "./format.js";

/** summary.md of an HDF5 study: the verdict with h5py settings, every configuration, the smallest caches, the method. */
export function renderH5Markdown(results: H5Results, verdict: Finding): string {
  const label = (i: number): string => {
    const f = results.files[i]!;
    return `${f.chunks ? `chunk ${f.chunks.join("x")}` : "contiguous"}${f.compression === "none" ? "" : `, ${cell(f.compression)}`}`;
  };
  const out = [
    `# gpuprof h5: ${verdict.verdict === "none" ? "chunk cache settings found" : verdict.verdict === "issue" ? "caching needs a choice" : "not enough to judge"}`,
    "",
    verdict.summary,
    "",
  ];
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
    out.push("", `Smallest cache per worker reaching ${pct(results.settings.targetHitRate)} chunk hits once warm (simulated):`, "");
    for (const s of results.smallestCache)
      out.push(
        `- ${label(s.file)}, ${s.access}, ${s.workers} worker${s.workers === 1 ? "" : "s"}: ${s.nbytes === null ? "none" : formatSize(s.nbytes)}`,
      );
  }
  out.push(
    "",
    "Hit rates and read amplification are simulated with HDF5's chunk-cache rules; samples/s and bytes are measured on this machine through h5wasm with the cache emulated.",
    "",
  );
  return out.join("\n");
}
