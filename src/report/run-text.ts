import type { ChalkInstance } from "chalk";
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
import { adviceLines, diagnosisLine, findingLines, findingTitles } from "./analysis-text.js";
import { judgedConsumer, loaderLine, loaderPairLines, processLines } from "./torch-text.js";
import { FULL_LAYOUT, fitTable, wrapToWidth, type TableColumn, type TableRow, type TerminalLayout } from "./terminal-layout.js";

type OkTrial = Extract<TrialResult, { status: "ok" }>;

/** The text in a column head that says the table shows the column an abbreviation belongs to. */
const COLUMN_MARKERS: Partial<Record<ReturnType<typeof runGlossaryIds>[number], string>> = {
  "glossary.p95": "p95",
  "glossary.us-sy-wa": "us/sy/wa",
  "glossary.rss": "RSS",
};

function cpuCell(t: OkTrial): string {
  const c = t.telemetry.cpu;
  const f = (s: { mean: number } | null): string => (s ? s.mean.toFixed(0) : "-");
  return `${f(c.userPct)}/${f(c.systemPct)}/${f(c.iowaitPct)}`;
}

export function renderRunTable(
  results: RunResults,
  chalk: ChalkInstance,
  layout: TerminalLayout = FULL_LAYOUT,
  /** The analysis's best (PyTorch's in a run with torch trials); results.bestTrialId when not given. */
  bestId: number | null = results.bestTrialId,
): string {
  // Interrupted before the first trial ended: the answer below says so; an empty table says nothing.
  if (results.trials.length === 0) return "";
  const device = deviceColumns(results);
  // When the table is wider than the terminal, the columns with a drop number go, the lowest first;
  // #, configuration, samples/s, AU, stall and wait p95 stay (summary.md and report.html have them all).
  const columns: TableColumn[] = [
    { head: "#", align: "right" },
    { head: message("report.col.configuration"), align: "left", wrap: true },
    { head: message("report.col.samples-per-s"), align: "right" },
    { head: message("report.col.steps-per-s"), align: "right", drop: 3 },
    { head: message("report.col.au"), align: "right" },
    ...device.head.map((head) => ({ head, align: "right" as const, drop: 6 })),
    { head: message("report.col.stall"), align: "right" },
    { head: message("report.col.wait-p95"), align: "right" },
    { head: message("report.col.transport"), align: "right", drop: 1 },
    { head: message("report.col.host-cpu"), align: "right", drop: 4 },
    { head: message("report.col.read-mbs"), align: "right", drop: 2 },
    { head: message("report.col.rss"), align: "right", drop: 5 },
  ];
  const rows: TableRow[] = [];
  for (const t of results.trials) {
    const best = t.spec.id === bestId;
    const mark = (s: string): string => (best ? chalk.bold.green(s) : s);
    const label = (best ? "* " : "") + trialLabel(t.spec) + (results.plan.trials.some((p) => p.repeat > 1) ? ` #${t.spec.repeat}` : "");
    if (t.status === "failed") {
      rows.push({ lead: [String(t.spec.id), label], span: chalk.red(message("report.trial.failed", { reason: t.reason })) });
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
    rows.push(row.map(mark));
  }
  const table = fitTable(columns, rows, layout.width);
  // The key defines what this table shows: a column dropped to fit the width takes its abbreviation with it.
  const ids = runGlossaryIds(results).filter((id) => {
    const marker = COLUMN_MARKERS[id];
    return marker === undefined || table.includes(marker);
  });
  return table + "\n" + chalk.dim(wrapToWidth(glossaryLine(ids), layout.width)) + "\n";
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

/**
 * What `gpuprof run` prints: the verdict first (the diagnosis, the best configuration, what to change),
 * then the table sized to the width, then, with --verbose, the comparisons, every finding and the
 * notes; without it one line says where they are. Every line is wrapped to the width.
 */
export function renderRunTerminal(
  results: RunResults,
  analysis: Analysis,
  outDir: string,
  cwd: string,
  chalk: ChalkInstance,
  layout: TerminalLayout,
): string {
  const answer = runAnswerParts(results, analysis, outDir, cwd, chalk);
  const findings = findingTitles(analysis, chalk);
  const text = [
    diagnosisLine(analysis, chalk),
    ...answer.best,
    ...(layout.verbose ? answer.comparisons : []),
    ...answer.partial,
    ...adviceLines(analysis, chalk),
  ].join("\n");
  const after = [
    ...(layout.verbose ? [message("terminal.findings.heading"), ...findingLines(analysis, chalk)] : findings ? [findings] : []),
    ...(layout.verbose ? [answer.dataset] : []),
    ...answer.modelled,
    ...(layout.verbose ? answer.notes : []),
    answer.saved,
    ...(layout.verbose ? [] : [message("terminal.more.run", { report: moreReport(outDir, cwd) })]),
  ].join("\n");
  return (
    wrapToWidth(text, layout.width) +
    "\n" +
    renderRunTable(results, chalk, layout, analysis.answer.best?.trialId ?? results.bestTrialId) +
    wrapToWidth(after, layout.width) +
    "\n"
  );
}

/** Where the rest is: report.html or summary.md in the run folder, or `gpuprof report` on it. */
export function moreReport(outDir: string, cwd: string): string {
  const file = ["report.html", "summary.md"].find((f) => existsSync(join(outDir, f)));
  return file ?? message("terminal.more.report-cli", { dir: shownDir(outDir, cwd) });
}

function shownDir(outDir: string, cwd: string): string {
  const shown = relative(cwd, outDir) || ".";
  return shown.startsWith("..") ? outDir : shown;
}

/** The answer: the best configuration and the evidence for each lever the sweep varied, as the analysis decided them. */
export function renderRunAnswer(results: RunResults, analysis: Analysis, outDir: string, cwd: string, chalk: ChalkInstance): string {
  const p = runAnswerParts(results, analysis, outDir, cwd, chalk);
  return [...p.best, ...p.comparisons, p.dataset, ...p.modelled, ...p.notes, ...p.partial, p.saved].join("\n") + "\n";
}

interface RunAnswerParts {
  best: string[];
  comparisons: string[];
  dataset: string;
  modelled: string[];
  notes: string[];
  partial: string[];
  saved: string;
}

function runAnswerParts(results: RunResults, analysis: Analysis, outDir: string, cwd: string, chalk: ChalkInstance): RunAnswerParts {
  const a = analysis.answer;
  const label = (id: number): string => {
    const trial = results.trials.find((t) => t.spec.id === id);
    return trial ? trialLabel(trial.spec) : message("report.trial.fallback", { id: String(id) });
  };
  const head: string[] = [];
  const lines: string[] = [];
  const best = a.best;
  if (!best) {
    head.push(
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
              basis: judgedConsumer(results).kind === "sim" ? message("answer.basis.modelled") : message("answer.basis.measured"),
            })
          : best.limit === "loading-at-cores"
            ? message("answer.best.limit.loading-at-cores", { usable: String(results.host.usableCores) })
            : message("answer.best.limit.loading", { usable: String(results.host.usableCores) });
    head.push(
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
      const values = { rate: n0(c.samplesPerS), share: pct0(c.shareReached) };
      lines.push(
        "  " +
          (a.judged === "torch" ? message("answer.ceiling.torch", values) : message("answer.ceiling", values)) +
          (c.deviceLimited ? message("answer.ceiling.device") : ""),
      );
    }
  }
  lines.push(...loaderPairLines(results, a).map((l) => "  " + l), ...processLines(results).map((l) => "  " + l));
  const consumer = judgedConsumer(results);
  const loader = loaderLine(results);
  const notes = results.notes.map((note) => chalk.yellow(message("answer.note", { note })));
  for (const [note, ids] of trialNotes(results))
    notes.push(chalk.yellow(message(ids.length === 1 ? "answer.trial-note" : "answer.trials-note", { ids: ids.join(", "), note })));
  return {
    best: head,
    comparisons: lines,
    dataset: datasetLine(results, a),
    modelled: [...(loader ? [loader] : []), ...(consumer.kind === "webgpu" ? [consumerText(consumer)] : []), modelledText(consumer)],
    notes,
    partial: a.partial
      ? [chalk.yellow(message("answer.interrupted", { finished: String(a.partial.finished), planned: String(a.partial.planned) }))]
      : [],
    saved: message("answer.saved", { dir: shownDir(outDir, cwd), files: savedFiles(outDir).join(", ") }),
  };
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
