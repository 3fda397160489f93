// npm run bench:report: render every format for a 48-trial sweep with a 1-hour 10 Hz timeline.
// Goals: all formats in under 2 s, HTML under 3 MB. The baseline, measured in the same run, is
// only serialising the same results and timeline to JSON.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyseRun } from "../../src/analysis/analyse.js";
import { renderRunHtml } from "../../src/report/html.js";
import { renderRunMarkdown } from "../../src/report/markdown.js";
import { runCharts, writeRunPngs } from "../../src/report/run-pngs.js";
import { RunFiles } from "../../src/store/run-files.js";
import type { Sample } from "../../src/telemetry/types.js";
import { syntheticRun, type TrialShape } from "../analysis/synthetic-results.js";

const shapes: TrialShape[] = [];
for (const workers of [0, 1, 2, 4, 8, 12])
  for (const dtype of ["uint8", "float32"] as const)
    for (const transport of ["transfer", "shared", "clone", "transfer"] as const)
      shapes.push({ workers, dtype, transport, samplesPerS: 300 + workers * 100, au: Math.min(1, 0.2 + workers * 0.1) });
const results = syntheticRun(shapes.slice(0, 48), { noise: 0.02 });
const cpu = { userPct: 40, nicePct: 0, systemPct: 5, iowaitPct: 2, irqPct: 0, softirqPct: 0, stealPct: 0, idlePct: 53 };
const samples: Sample[] = Array.from({ length: 36000 }, (_, i) => ({
  tMs: i * 100,
  cpu: { ...cpu, userPct: 40 + (i % 37) },
  cores: [cpu, cpu],
  mem: { totalMiB: 24000, availableMiB: 20000, pageCacheMiB: 1000 },
  io: { procReadBytesPerS: 1e8 + (i % 13) * 1e6, procStorageReadBytesPerS: 0, diskReadBytesPerS: 0 },
  gpus: [],
}));
const spans = results.trials.map((t, i) => ({
  label: `trial ${t.spec.id}`,
  trialId: t.spec.id,
  startMs: i * 70000,
  endMs: i * 70000 + 60000,
}));
const dir = mkdtempSync(join(tmpdir(), "gpuprof-bench-report-"));
const files = new RunFiles(dir);

const t0 = performance.now();
JSON.stringify({ results, samples });
const baselineMs = performance.now() - t0;

const t1 = performance.now();
const analysis = analyseRun(results);
const tAnalyse = performance.now() - t1;
const t2 = performance.now();
renderRunMarkdown(results, analysis);
const tMd = performance.now() - t2;
const t3 = performance.now();
// The chart specs are built once, as the commands do, and serve the HTML and the PNGs.
const charts = runCharts(results, analysis, { samples, spans });
const html = renderRunHtml(results, analysis, charts);
const tHtml = performance.now() - t3;
const t4 = performance.now();
await writeRunPngs(files, results, analysis, charts);
const tPng = performance.now() - t4;
rmSync(dir, { recursive: true, force: true });

const total = tAnalyse + tMd + tHtml + tPng;
const f = (ms: number): string => `${ms.toFixed(0)} ms (${(ms / baselineMs).toFixed(1)}x the baseline)`;
console.log(`report bench: ${results.trials.length} trials, timeline of ${samples.length} samples (1 hour at 10 Hz)`);
console.log(`  baseline: JSON.stringify of results and timeline: ${baselineMs.toFixed(0)} ms`);
console.log(`  analysis ${f(tAnalyse)}; markdown ${f(tMd)}; html ${f(tHtml)}; 4 PNGs ${f(tPng)}`);
console.log(`  all formats: ${total.toFixed(0)} ms = ${(total / 2000).toFixed(2)} of the 2 s goal: ${total < 2000 ? "met" : "NOT met"}`);
console.log(
  `  HTML: ${(html.length / 1e6).toFixed(2)} MB = ${(html.length / 3e6).toFixed(2)} of the 3 MB goal: ${html.length < 3e6 ? "met" : "NOT met"}`,
);
