import type { ChalkInstance } from "chalk";
import Table from "cli-table3";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { collapseRepeats, repeatSpread } from "../analysis/repeats.js";
import { bestTrial, configKey } from "../harness/best.js";
import { trialLabel } from "../harness/plan.js";
import type { DryRun } from "../harness/run-types.js";
import type { RunResults, TrialResult } from "../store/results-schema.js";
import { bytes, seconds, count as n0, share as pct0 } from "../util/format.js";
import { formatSize } from "../util/sizes.js";
import { consumerText, modelledText } from "./consumer-text.js";
import { deviceColumns } from "./device-columns.js";

type OkTrial = Extract<TrialResult, { status: "ok" }>;

const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}x` : "n/a");

/** TensorFlow's input-pipeline analyzer: >= 20% of step time waiting is highly input-bound, >= 5% moderately. */
export function inputBoundLevel(stallFraction: number): "highly input-bound" | "moderately input-bound" | "not input-bound" {
  if (stallFraction >= 0.2) return "highly input-bound";
  if (stallFraction >= 0.05) return "moderately input-bound";
  return "not input-bound";
}

function cpuCell(t: OkTrial): string {
  const c = t.telemetry.cpu;
  const f = (s: { mean: number } | null): string => (s ? s.mean.toFixed(0) : "-");
  return `${f(c.userPct)}/${f(c.systemPct)}/${f(c.iowaitPct)}`;
}

export function renderRunTable(results: RunResults, chalk: ChalkInstance): string {
  // Interrupted before the first trial ended: the answer below says so; an empty table says nothing.
  if (results.trials.length === 0) return "";
  const device = deviceColumns(results);
  const head = [
    "#",
    "configuration",
    "samples/s",
    "steps/s",
    "AU",
    ...device.head,
    "stall",
    "wait p95",
    "transport",
    "host CPU us/sy/wa %",
    "read MB/s",
    "RSS",
  ];
  const table = new Table({
    head,
    style: { head: [], border: [], compact: true },
    colAligns: ["right", "left", ...head.slice(2).map(() => "right" as const)],
  });
  for (const t of results.trials) {
    const best = t.spec.id === results.bestTrialId;
    const mark = (s: string): string => (best ? chalk.bold.green(s) : s);
    const label = (best ? "* " : "") + trialLabel(t.spec) + (results.plan.trials.some((p) => p.repeat > 1) ? ` #${t.spec.repeat}` : "");
    if (t.status === "failed") {
      table.push([String(t.spec.id), label, { colSpan: head.length - 2, content: chalk.red(`failed: ${t.reason}`) }]);
      continue;
    }
    const m = t.metrics;
    const row = [
      String(t.spec.id),
      label,
      n0(m.samplesPerS),
      m.stepsPerS >= 1000 ? n0(m.stepsPerS) : m.stepsPerS.toFixed(1),
      pct0(m.au),
      ...device.cells(t),
      pct0(m.stallFraction),
      `${m.waitMs.p95.toFixed(1)} ms`,
      t.spec.transport === "none" ? "-" : `${m.transport.msPerBatch.mean.toFixed(2)} ms`,
      cpuCell(t),
      t.telemetry.io.procReadMBPerS ? n0(t.telemetry.io.procReadMBPerS.mean) : "-",
      `${m.peakRssMiB.toFixed(0)} MiB`,
    ];
    table.push(row.map(mark));
  }
  return table.toString() + "\n";
}

/** Notes of single trials, each said once with the trials it came from. */
export function trialNotes(results: RunResults): Map<string, number[]> {
  const notes = new Map<string, number[]>();
  for (const t of results.trials) if (t.status === "ok") for (const n of t.notes) notes.set(n, [...(notes.get(n) ?? []), t.spec.id]);
  return notes;
}

function okTrials(results: RunResults): OkTrial[] {
  return results.trials.filter((t): t is OkTrial => t.status === "ok");
}

/** The same configuration as `base` except in the fields given. */
function sibling(results: RunResults, base: OkTrial, change: Partial<OkTrial["spec"]>): OkTrial | undefined {
  const key = configKey({ ...base.spec, ...change });
  return okTrials(results).find((t) => configKey(t.spec) === key && t.spec.repeat === base.spec.repeat);
}

/** The answer: the best configuration and the evidence for each lever the sweep varied. */
export function renderRunAnswer(results: RunResults, outDir: string, cwd: string, chalk: ChalkInstance): string {
  const lines: string[] = [];
  // Repeats are judged by their mean, as the analysis judges them; the table lists each one.
  const c = collapseRepeats(results);
  const best = bestTrial(c.trials);
  const ok = okTrials(c);
  const failed = results.trials.length - ok.length;
  if (!best) {
    lines.push(chalk.red(`No configuration finished${failed > 0 ? `: ${failed} failed (reasons in the table)` : ""}.`));
  } else {
    const m = best.metrics;
    const level = inputBoundLevel(m.stallFraction);
    const spread = repeatSpread(results, best.spec);
    const mean = spread ? ` (mean of ${spread.repeats} repeats, which spread ${pct0(spread.spread)})` : "";
    lines.push(
      chalk.bold(`Best: ${trialLabel(best.spec)}: ${n0(m.samplesPerS)} samples/s${mean}, AU ${pct0(m.au)}, ${level}`) +
        (level === "not input-bound"
          ? (m.hostOverheadFraction ?? 0) >= 0.05
            ? ` (the device idles ${pct0(m.hostOverheadFraction!)} of the time in the consumer's own host work, not waiting for batches; more loading capacity will not help)`
            : ` (the ${results.consumer.kind === "sim" ? "modelled" : "measured"} device step is the limit; more loading capacity will not help)`
          : ` (loading is the limit: the levers are more workers, up to the ${results.host.usableCores} usable cores; uint8 transfer with normalisation on the device; data in the page cache or on faster storage; batch echoing)`),
    );
    const fastest = ok.filter((t) => !t.spec.baseline).reduce((a, b) => (b.metrics.samplesPerS > a.metrics.samplesPerS ? b : a), best);
    if (fastest !== best) {
      lines.push(
        `  fastest: ${trialLabel(fastest.spec)}: ${n0(fastest.metrics.samplesPerS)} samples/s, ${ratio(fastest.metrics.samplesPerS, m.samplesPerS)} the best; within 5% of it the cheaper configuration is picked (fewer workers, smaller dtype, simpler transport, no echo)`,
      );
    }
    const inline = sibling(c, best, { workers: 0, transport: "none" });
    if (inline && best.spec.workers > 0) {
      lines.push(
        `  vs workers 0 (loading on the training thread): ${ratio(m.samplesPerS, inline.metrics.samplesPerS)} samples/s, AU ${pct0(inline.metrics.au)} -> ${pct0(m.au)}`,
      );
    }
    for (const dtype of ["float32", "float16", "uint8"] as const) {
      if (dtype === best.spec.dtype) continue;
      const other = sibling(c, best, { dtype });
      if (other)
        lines.push(
          `  ${best.spec.dtype} vs ${dtype} at the same settings: ${ratio(m.samplesPerS, other.metrics.samplesPerS)} samples/s, ${ratio(m.transport.bytesDelivered / m.batches, other.metrics.transport.bytesDelivered / other.metrics.batches)} bytes per batch`,
        );
    }
    const transports = ok.filter((t) => !t.spec.baseline && t.spec.transport !== "none" && t.spec.echo === 1 && t.spec.repeat === 1);
    const byWorkersDtype = new Map<string, OkTrial[]>();
    for (const t of transports)
      byWorkersDtype.set(`${t.spec.workers} ${t.spec.dtype}`, [...(byWorkersDtype.get(`${t.spec.workers} ${t.spec.dtype}`) ?? []), t]);
    for (const [key, group] of byWorkersDtype) {
      if (group.length < 2) continue;
      const [workers, dtype] = key.split(" ");
      const parts = group.map(
        (t) =>
          `${t.spec.transport} ${n0(t.metrics.samplesPerS)}/s (${t.metrics.transport.msPerBatch.mean.toFixed(2)} ms, ${bytes(t.metrics.transport.bytesCopied)} copied)`,
      );
      lines.push(`  transport at workers ${workers}, ${dtype}: ${parts.join("; ")}`);
    }
    for (const t of ok.filter((x) => x.spec.echo > 1 && !x.spec.baseline)) {
      const plain = sibling(c, t, { echo: 1 });
      if (!plain) continue;
      lines.push(
        `  echo ${t.spec.echo} at ${trialLabel({ ...t.spec, echo: 1 })}: steps/s ${ratio(t.metrics.stepsPerS, plain.metrics.stepsPerS)}, fresh samples/s ${ratio(t.metrics.samplesPerS, plain.metrics.samplesPerS)}, AU ${pct0(plain.metrics.au)} -> ${pct0(t.metrics.au)}; each sample is seen ${t.spec.echo} times per load`,
      );
    }
    const worst = [...ok].filter((t) => !t.spec.baseline).sort((a, b) => a.metrics.au - b.metrics.au)[0];
    if (worst && worst.metrics.stallFraction >= 0.05 && worst !== best) {
      lines.push(
        `  worst: ${trialLabel(worst.spec)}: AU ${pct0(worst.metrics.au)}, ${inputBoundLevel(worst.metrics.stallFraction)} (wait p95 ${worst.metrics.waitMs.p95.toFixed(1)} ms per step)`,
      );
    }
    const ceiling = sibling(c, best, { baseline: true, echo: 1 });
    if (ceiling) {
      lines.push(
        `  harness ceiling (no reading, no transforms) at these settings: ${n0(ceiling.metrics.samplesPerS)} samples/s; the best configuration reaches ${pct0(best.metrics.samplesPerS / ceiling.metrics.samplesPerS)} of it` +
          (ceiling.metrics.au >= 0.99 ? " (here the ceiling is the device step; --step-ms 0 shows the harness's own limit)" : ""),
      );
    }
  }
  const d = results.dataset;
  // Every repeat read its data: the totals count them all.
  const reads = okTrials(results).reduce(
    (acc, t) => ({ all: acc.all + (t.metrics.reads?.allBytes ?? 0), storage: acc.storage + (t.metrics.reads?.storageBytes ?? 0) }),
    { all: 0, storage: 0 },
  );
  lines.push(
    `Dataset: ${d.label}, ${d.count} samples of ${d.sampleShape.join("x")} uint8, ${bytes(d.diskBytes)} on disk; ` +
      (d.h5
        ? `HDF5 ${d.h5.chunks ? `chunks ${d.h5.chunks.join("x")}${d.h5.compressed ? " (compressed)" : ""}` : "contiguous"}, each worker's chunk cache ${formatSize(d.h5.cache.nbytes)} / ${d.h5.cache.nslots} slots / w0 ${d.h5.cache.w0} (gpuprof h5 studies these); `
        : "") +
      (d.fitsInPageCache === null ? "page cache size unknown" : d.fitsInPageCache ? "fits in RAM" : "larger than available RAM") +
      `; reads in trials: ${bytes(reads.all)}, of which from storage ${bytes(reads.storage)}` +
      (reads.all > 0 ? ` (${pct0(reads.storage / reads.all)})` : "") +
      (results.settings.cold
        ? "; --cold dropped the page cache before each trial, and what a trial read again after that came from the page cache"
        : ""),
  );
  if (results.consumer.kind === "webgpu") lines.push(consumerText(results.consumer));
  lines.push(modelledText(results.consumer));
  for (const note of results.notes) lines.push(chalk.yellow(`Note: ${note}`));
  for (const [note, ids] of trialNotes(results))
    lines.push(chalk.yellow(`Note (trial${ids.length === 1 ? "" : "s"} ${ids.join(", ")}): ${note}`));
  if (results.interrupted)
    lines.push(chalk.yellow(`Interrupted: ${results.trials.length} of ${results.plan.trials.length} trials finished and were saved.`));
  const shown = relative(cwd, outDir) || ".";
  lines.push(`Saved ${shown.startsWith("..") ? outDir : shown}/ (${savedFiles(outDir).join(", ")})`);
  return lines.join("\n") + "\n";
}

export function renderDryRun(dry: DryRun): string {
  const lines = [
    `Plan: ${dry.plan.length} trial${dry.plan.length === 1 ? "" : "s"}, at least ${seconds(dry.estimatedS)} (dataset: ${dry.datasetLabel}${dry.datasetReady ? "" : ", generated on first use"})`,
  ];
  for (const spec of dry.plan)
    lines.push(`  ${String(spec.id).padStart(3)}  ${trialLabel(spec)}${spec.repeat > 1 ? ` (repeat ${spec.repeat})` : ""}`);
  const s = dry.settings;
  lines.push(
    `Each trial: batch ${s.batch}, prefetch ${s.prefetch}, ${s.order}${s.dropLast ? ", drop-last" : ""}, ${s.warmupSteps} warm-up steps, then ${s.steps !== null ? `${s.steps} steps` : `${s.durationS} s`}${s.cold ? ", page cache dropped first" : ""}`,
    `Consumer: ${dry.consumer.kind} (${dry.consumer.reason})`,
  );
  return lines.join("\n") + "\n";
}

function savedFiles(outDir: string): string[] {
  const optional = [
    ["report.html", "report.html"],
    ["summary.md", "summary.md"],
    ["summary.png", "PNG charts"],
    ["analysis.json", "analysis.json"],
  ]
    .filter(([file]) => existsSync(join(outDir, file!)))
    .map(([, label]) => label!);
  return [...optional, "results.json", "timeline.json", "timeline.csv"];
}
