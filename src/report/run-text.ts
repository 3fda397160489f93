import type { ChalkInstance } from "chalk";
import Table from "cli-table3";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import type { RunAnalysis as Analysis } from "../store/analysis-schema.js";
import { message } from "../messages/catalogue.js";
import type { RunAnswer, StallLevel } from "../store/analysis-schema.js";
import { trialLabel } from "../harness/plan.js";
import type { DryRun } from "../harness/run-types.js";
import type { RunResults, TrialResult } from "../store/results-schema.js";
import { bytes, seconds, count as n0, share as pct0 } from "../util/format.js";
import { formatSize } from "../util/sizes.js";
import { consumerText, modelledText } from "./consumer-text.js";
import { deviceColumns } from "./device-columns.js";
import { glossaryLine, runGlossaryIds } from "./glossary-text.js";

type OkTrial = Extract<TrialResult, { status: "ok" }>;

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
    message("report.col.configuration"),
    message("report.col.samples-per-s"),
    message("report.col.steps-per-s"),
    message("report.col.au"),
    ...device.head,
    message("report.col.stall"),
    message("report.col.wait-p95"),
    message("report.col.transport"),
    message("report.col.host-cpu"),
    message("report.col.read-mbs"),
    message("report.col.rss"),
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
      table.push([
        String(t.spec.id),
        label,
        { colSpan: head.length - 2, content: chalk.red(message("report.trial.failed", { reason: t.reason })) },
      ]);
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
  return table.toString() + "\n" + chalk.dim(glossaryLine(runGlossaryIds(results))) + "\n";
}

/** Notes of single trials, each said once with the trials it came from. */
export function trialNotes(results: RunResults): Map<string, number[]> {
  const notes = new Map<string, number[]>();
  for (const t of results.trials) if (t.status === "ok") for (const n of t.notes) notes.set(n, [...(notes.get(n) ?? []), t.spec.id]);
  return notes;
}

/** A ratio from the analysis as "1.08x", or "n/a" where its base was 0. */
function times(value: number | null): string {
  return value === null ? message("answer.ratio.none") : `${value.toFixed(2)}x`;
}

function levelWords(level: StallLevel): string {
  return message(`level.${level}`);
}

/** The answer: the best configuration and the evidence for each lever the sweep varied, as the analysis decided them. */
export function renderRunAnswer(results: RunResults, analysis: Analysis, outDir: string, cwd: string, chalk: ChalkInstance): string {
  const a = analysis.answer;
  const label = (id: number): string => {
    const trial = results.trials.find((t) => t.spec.id === id);
    return trial ? trialLabel(trial.spec) : message("report.trial.fallback", { id: String(id) });
  };
  const lines: string[] = [];
  const best = a.best;
  if (!best) {
    lines.push(
      chalk.red(
        a.failedTrials > 0 ? message("answer.none-finished-failed", { failed: String(a.failedTrials) }) : message("answer.none-finished"),
      ),
    );
  } else {
    const mean = best.repeats
      ? message("answer.best.mean", { repeats: String(best.repeats.count), spread: pct0(best.repeats.spread) })
      : "";
    const limit =
      best.limit === "host-overhead"
        ? message("answer.best.limit.host-overhead", { overhead: pct0(best.hostOverheadFraction ?? 0) })
        : best.limit === "device"
          ? message("answer.best.limit.device", {
              basis: results.consumer.kind === "sim" ? message("answer.basis.modelled") : message("answer.basis.measured"),
            })
          : message("answer.best.limit.loading", { usable: String(results.host.usableCores) });
    lines.push(
      chalk.bold(
        message("answer.best", {
          label: label(best.trialId),
          rate: n0(best.samplesPerS),
          mean,
          au: pct0(best.au),
          level: levelWords(best.level),
        }),
      ) + limit,
    );
    if (a.fastest) {
      lines.push(
        "  " +
          message("answer.fastest", {
            label: label(a.fastest.trialId),
            rate: n0(a.fastest.samplesPerS),
            ratio: times(a.fastest.ratioToBest),
            tie: `${(analysis.thresholds.tie * 100).toFixed(0)}%`,
          }),
      );
    }
    if (a.vsInline) {
      const v = a.vsInline;
      lines.push("  " + message("answer.vs-inline", { ratio: times(v.samplesRatio), from: pct0(v.auFrom), to: pct0(v.auTo) }));
    }
    const bestDtype = results.trials.find((t) => t.spec.id === best.trialId)?.spec.dtype ?? "";
    for (const p of a.dtypePairs) {
      lines.push(
        "  " + message("answer.dtype", { dtype: bestDtype, other: p.dtype, ratio: times(p.samplesRatio), bytes: times(p.bytesRatio) }),
      );
    }
    for (const g of a.transports) {
      const parts = g.entries.map((e) =>
        message("answer.transport.entry", {
          transport: e.transport,
          rate: n0(e.samplesPerS),
          ms: e.msPerBatch.toFixed(2),
          copied: bytes(e.bytesCopied),
        }),
      );
      lines.push("  " + message("answer.transport", { workers: String(g.workers), dtype: g.dtype, parts: parts.join("; ") }));
    }
    for (const e of a.echoPairs) {
      lines.push(
        "  " +
          message("answer.echo", {
            echo: String(e.echo),
            label: label(e.plainTrialId),
            steps: times(e.stepsRatio),
            samples: times(e.samplesRatio),
            from: pct0(e.auFrom),
            to: pct0(e.auTo),
          }),
      );
    }
    if (a.worst) {
      const w = a.worst;
      lines.push(
        "  " +
          message("answer.worst", { label: label(w.trialId), au: pct0(w.au), level: levelWords(w.level), wait: w.waitP95Ms.toFixed(1) }),
      );
    }
    if (a.ceiling) {
      const c = a.ceiling;
      lines.push(
        "  " +
          message("answer.ceiling", { rate: n0(c.samplesPerS), share: pct0(c.shareReached) }) +
          (c.deviceLimited ? message("answer.ceiling.device") : ""),
      );
    }
  }
  lines.push(datasetLine(results, a));
  if (results.consumer.kind === "webgpu") lines.push(consumerText(results.consumer));
  lines.push(modelledText(results.consumer));
  for (const note of results.notes) lines.push(chalk.yellow(message("answer.note", { note })));
  for (const [note, ids] of trialNotes(results))
    lines.push(chalk.yellow(message(ids.length === 1 ? "answer.trial-note" : "answer.trials-note", { ids: ids.join(", "), note })));
  if (a.partial)
    lines.push(chalk.yellow(message("answer.interrupted", { finished: String(a.partial.finished), planned: String(a.partial.planned) })));
  const shown = relative(cwd, outDir) || ".";
  lines.push(message("answer.saved", { dir: shown.startsWith("..") ? outDir : shown, files: savedFiles(outDir).join(", ") }));
  return lines.join("\n") + "\n";
}

/** What the sweep read: the dataset, where it lives, and how much of it came from storage. */
function datasetLine(results: RunResults, a: RunAnswer): string {
  const d = results.dataset;
  const layout = !d.h5
    ? ""
    : message("answer.dataset.h5", {
        layout: d.h5.chunks
          ? message(d.h5.compressed ? "answer.dataset.h5.chunks-compressed" : "answer.dataset.h5.chunks", { chunks: d.h5.chunks.join("x") })
          : message("answer.dataset.h5.contiguous"),
        nbytes: formatSize(d.h5.cache.nbytes),
        slots: String(d.h5.cache.nslots),
        w0: String(d.h5.cache.w0),
      });
  const ram =
    d.fitsInPageCache === null
      ? message("answer.dataset.ram.unknown")
      : d.fitsInPageCache
        ? message("answer.dataset.ram.fits")
        : message("answer.dataset.ram.larger");
  return message("answer.dataset", {
    label: d.label,
    count: String(d.count),
    shape: d.sampleShape.join("x"),
    size: bytes(d.diskBytes),
    h5: layout,
    ram,
    all: bytes(a.reads.allBytes),
    storage: bytes(a.reads.storageBytes),
    share: a.reads.allBytes > 0 ? message("answer.dataset.share", { share: pct0(a.reads.storageBytes / a.reads.allBytes) }) : "",
    cold: results.settings.cold ? message("answer.dataset.cold") : "",
  });
}

export function renderDryRun(dry: DryRun): string {
  const count = String(dry.plan.length);
  const lines = [
    message("report.dry.plan", {
      trials: message(dry.plan.length === 1 ? "report.dry.trials.one" : "report.dry.trials.many", { n: count }),
      duration: seconds(dry.estimatedS),
      dataset: dry.datasetLabel,
      generated: dry.datasetReady ? "" : message("report.dry.generated"),
    }),
  ];
  for (const spec of dry.plan)
    lines.push(
      `  ${String(spec.id).padStart(3)}  ${trialLabel(spec)}${spec.repeat > 1 ? message("report.dry.repeat", { n: String(spec.repeat) }) : ""}`,
    );
  const s = dry.settings;
  lines.push(
    message("report.dry.each", {
      batch: String(s.batch),
      prefetch: String(s.prefetch),
      order: s.order,
      dropLast: s.dropLast ? message("report.dry.drop-last") : "",
      warmup: String(s.warmupSteps),
      length: s.steps !== null ? message("report.dry.steps", { n: String(s.steps) }) : `${s.durationS} s`,
      cold: s.cold ? message("report.dry.cold") : "",
    }),
    message("report.dry.consumer", { kind: dry.consumer.kind, reason: dry.consumer.reason }),
  );
  return lines.join("\n") + "\n";
}

function savedFiles(outDir: string): string[] {
  const optional = [
    ["report.html", "report.html"],
    ["summary.md", "summary.md"],
    ["summary.png", message("report.saved.pngs")],
    ["analysis.json", "analysis.json"],
  ]
    .filter(([file]) => existsSync(join(outDir, file!)))
    .map(([, label]) => label!);
  return [...optional, "results.json", "timeline.json", "timeline.csv"];
}
