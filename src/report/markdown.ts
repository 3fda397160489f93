import type { RunAnalysis as Analysis } from "../store/analysis-schema.js";
import { repeatSuffix, trialLabel } from "../harness/plan.js";
import type { RunResults } from "../store/results-schema.js";
import { share as pct, count as n0, markdownCell as cell } from "../util/format.js";
import { consumerText } from "./consumer-text.js";
import { adviceLine } from "./advice-text.js";
import { trialNotes } from "./run-text.js";
import { deviceColumns } from "./device-columns.js";
import { message } from "../messages/catalogue.js";
import { findingState, glossaryLine, runGlossaryIds } from "./glossary-text.js";
import { judgedConsumer, loaderLine, loaderPairTable, processTable } from "./torch-text.js";

/** A Markdown table of already-formatted cells. */
function table(t: { head: string[]; rows: string[][] }): string[] {
  return [`| ${t.head.join(" | ")} |`, `|${t.head.map(() => "---").join("|")}|`, ...t.rows.map((r) => `| ${r.map(cell).join(" | ")} |`)];
}

/** summary.md: for a pull-request comment. Verdict, advice, the sweep, the evidence, the method. */
export function renderRunMarkdown(results: RunResults, analysis: Analysis, pngs: readonly string[] = []): string {
  const out: string[] = [];
  out.push(`# ${message("report.md.title", { verdict: analysis.headline })}`, "");
  if (pngs.includes("summary.png")) out.push(`![${message("report.md.summary-alt")}](summary.png)`, "");
  const gpus = results.host.gpus.length;
  out.push(
    message("report.md.host", {
      trials: String(results.trials.length),
      host: cell(results.host.hostname),
      cores: String(results.host.usableCores),
      gpus: gpus > 0 ? message("report.md.host.gpus", { count: String(gpus) }) : message("report.md.host.no-gpu"),
      dataset: cell(results.dataset.label),
      count: String(results.dataset.count),
      shape: results.dataset.sampleShape.join("x"),
    }),
    "",
    glossaryLine(runGlossaryIds(results)),
    "",
  );
  const loader = loaderLine(results);
  if (loader) out.push(cell(loader), "");
  if (analysis.recommendations.length > 0) {
    out.push(`## ${message("report.heading.what-to-change")}`, "");
    analysis.recommendations.forEach((r, i) =>
      out.push(`${i + 1}. ${r.text}${r.basis === "measured" ? "" : ` _(${r.basis})_`}`, `   <br>_${cell(adviceLine(r))}_`),
    );
    out.push("");
  }
  const device = deviceColumns(results);
  // The analysis's best: in a run with torch trials, PyTorch's.
  const bestId = analysis.answer.best?.trialId ?? results.bestTrialId;
  const repeated = results.plan.trials.some((p) => p.repeat > 1);
  const extra = (cells: string[]): string => cells.map((c) => ` ${c} |`).join("");
  out.push(
    `## ${message("report.heading.sweep")}`,
    "",
    `| # | ${message("report.col.configuration")} | ${message("report.col.samples-per-s")} | ${message("report.col.steps-per-s")} | ${message("report.col.au")} |${extra(device.head)} ${message("report.col.stall")} | ${message("report.col.wait-p95-ms")} | ${message("report.col.status")} |`,
    `|---:|---|---:|---:|---:|${extra(device.head.map(() => "---:"))}---:|---:|---|`,
  );
  for (const t of results.trials) {
    const best = t.spec.id === bestId ? ` **(${message("report.md.best")})**` : "";
    if (t.status === "failed")
      out.push(
        `| ${t.spec.id} | ${trialLabel(t.spec)}${repeatSuffix(t.spec, repeated)} | | | |${extra(device.head.map(() => ""))} | | ${message("report.trial.failed", { reason: cell(t.reason) })} |`,
      );
    else
      out.push(
        `| ${t.spec.id} | ${trialLabel(t.spec)}${repeatSuffix(t.spec, repeated)}${best} | ${n0(t.metrics.samplesPerS)} | ${t.metrics.stepsPerS.toFixed(1)} | ${pct(t.metrics.au)} |${extra(device.cells(t))} ${pct(t.metrics.stallFraction)} | ${t.metrics.waitMs.p95.toFixed(1)} | ${message("report.md.status-ok")} |`,
      );
  }
  const pairs = loaderPairTable(results, analysis.answer);
  if (pairs) out.push("", `## ${message("report.heading.loaders")}`, "", ...table(pairs));
  const processes = processTable(results);
  if (processes) out.push("", `## ${message("report.heading.processes")}`, "", message("report.processes.intro"), "", ...table(processes));
  const charts = pngs.filter((p) => p !== "summary.png");
  if (charts.length > 0)
    out.push("", message("report.md.charts", { links: charts.map((p) => `[${p.replace(/\.png$/, "")}](${p})`).join(", ") }));
  out.push("", `## ${message("report.heading.findings")}`, "");
  for (const f of analysis.findings) {
    out.push(`- **${f.title}** (${findingState(f)}): ${f.summary}`);
  }
  const notes = [
    ...results.notes,
    ...[...trialNotes(results)].map(([note, ids]) =>
      message(ids.length === 1 ? "report.note.trial" : "report.note.trials", { note, ids: ids.join(", ") }),
    ),
  ];
  if (notes.length > 0) out.push("", `## ${message("report.heading.notes")}`, "", ...notes.map((n) => `- ${cell(n)}`));
  const c = judgedConsumer(results);
  out.push("", `## ${message("report.heading.method")}`, "");
  if (c.kind === "webgpu") out.push(cell(consumerText(c)), "");
  out.push(
    message("report.md.method", {
      smi: gpus > 0 ? message("report.method.smi") : "",
      webgpu: c.kind === "webgpu" ? message("report.method.webgpu") : "",
      modelled: c.modelled.map(cell).join("; "),
      high: pct(analysis.thresholds.highStall),
      moderate: pct(analysis.thresholds.moderateStall),
    }),
    "",
  );
  return out.join("\n");
}
