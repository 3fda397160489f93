import type { RunAnalysis as Analysis } from "../store/analysis-schema.js";
import { repeatSuffix, trialLabel } from "../harness/plan.js";
import type { RunResults } from "../store/results-schema.js";
import { share as pct, count as n0, markdownCell as cell } from "../util/format.js";
import { consumerText } from "./consumer-text.js";
import { adviceLine } from "./advice-text.js";
import { trialNotes } from "./run-text.js";
import { deviceColumns } from "./device-columns.js";

/** summary.md: for a pull-request comment. Verdict, advice, the sweep, the evidence, the method. */
export function renderRunMarkdown(results: RunResults, analysis: Analysis, pngs: readonly string[] = []): string {
  const out: string[] = [];
  out.push(`# gpuprof run: ${analysis.verdict}`, "");
  if (pngs.includes("summary.png")) out.push("![gpuprof summary](summary.png)", "");
  out.push(
    `${results.trials.length} trials on ${cell(results.host.hostname)} (${results.host.usableCores} usable cores${results.host.gpus.length > 0 ? `, ${results.host.gpus.length} GPU` : ", no GPU"}), dataset ${cell(results.dataset.label)} (${results.dataset.count} samples of ${results.dataset.sampleShape.join("x")}).`,
    "",
  );
  if (analysis.recommendations.length > 0) {
    out.push("## What to change", "");
    analysis.recommendations.forEach((r, i) =>
      out.push(`${i + 1}. ${r.text}${r.basis === "measured" ? "" : ` _(${r.basis})_`}`, `   <br>_${cell(adviceLine(r))}_`),
    );
    out.push("");
  }
  const device = deviceColumns(results);
  const repeated = results.plan.trials.some((p) => p.repeat > 1);
  const extra = (cells: string[]): string => cells.map((c) => ` ${c} |`).join("");
  out.push(
    "## Sweep",
    "",
    `| # | configuration | samples/s | steps/s | AU |${extra(device.head)} stall | wait p95 ms | status |`,
    `|---:|---|---:|---:|---:|${extra(device.head.map(() => "---:"))}---:|---:|---|`,
  );
  for (const t of results.trials) {
    const best = t.spec.id === results.bestTrialId ? " **(best)**" : "";
    if (t.status === "failed")
      out.push(
        `| ${t.spec.id} | ${trialLabel(t.spec)}${repeatSuffix(t.spec, repeated)} | | | |${extra(device.head.map(() => ""))} | | failed: ${cell(t.reason)} |`,
      );
    else
      out.push(
        `| ${t.spec.id} | ${trialLabel(t.spec)}${repeatSuffix(t.spec, repeated)}${best} | ${n0(t.metrics.samplesPerS)} | ${t.metrics.stepsPerS.toFixed(1)} | ${pct(t.metrics.au)} |${extra(device.cells(t))} ${pct(t.metrics.stallFraction)} | ${t.metrics.waitMs.p95.toFixed(1)} | ok |`,
      );
  }
  const charts = pngs.filter((p) => p !== "summary.png");
  if (charts.length > 0) out.push("", `Charts: ${charts.map((p) => `[${p.replace(/\.png$/, "")}](${p})`).join(", ")}`);
  out.push("", "## Findings", "");
  for (const f of analysis.findings) {
    out.push(`- **${f.title}** (${f.verdict}, ${f.basis}): ${f.summary}`);
  }
  const notes = [
    ...results.notes,
    ...[...trialNotes(results)].map(([note, ids]) => `${note} (trial${ids.length === 1 ? "" : "s"} ${ids.join(", ")})`),
  ];
  if (notes.length > 0) out.push("", "## Notes", "", ...notes.map((n) => `- ${cell(n)}`));
  const c = results.consumer;
  out.push("", "## Method", "");
  if (c.kind === "webgpu") out.push(cell(consumerText(c)), "");
  out.push(
    `Measured on this machine: arrival of every batch, waits, load and transport times, CPU and I/O from /proc, memory${results.host.gpus.length > 0 ? ", GPU utilisation from nvidia-smi" : ""}${c.kind === "webgpu" ? ", host-to-device copies and device time on the GPU" : ""}. Modelled: ${c.modelled.map(cell).join("; ")}. AU is device-busy time / wall time over each trial's window, warm-up excluded (DLIO, MLPerf Storage); a stall of ${pct(analysis.thresholds.highStall)} or more is highly input-bound, ${pct(analysis.thresholds.moderateStall)} moderately (TensorFlow's input-pipeline analyzer).`,
    "",
  );
  return out.join("\n");
}
