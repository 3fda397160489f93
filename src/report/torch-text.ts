import { message } from "../messages/catalogue.js";
import type { RunAnswer } from "../store/analysis-schema.js";
import { trialLabel } from "../harness/plan.js";
import type { ConsumerInfo, RunResults, TrialResult } from "../store/results-schema.js";
import { count as n0, share as pct } from "../util/format.js";
import { consumerText } from "./consumer-text.js";

type OkTrial = Extract<TrialResult, { status: "ok" }>;

/** Whether the run has torch trials: then the analysis judged those, and the torch loader's consumer stood for the device. */
export function hasTorch(results: RunResults): boolean {
  return results.trials.some((t) => t.spec.loader === "torch");
}

/** The consumer behind the trials the analysis judged: the torch loader's in a run with torch trials. */
export function judgedConsumer(results: RunResults): ConsumerInfo {
  return (hasTorch(results) ? results.loader?.torch?.consumer : undefined) ?? results.consumer;
}

/** A clause of text as a sentence: capital first, full stop last. */
function sentence(text: string): string {
  const s = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** The loader line of a run with torch trials: the interpreter, the versions, the consumer; null for a harness-only run. */
export function loaderLine(results: RunResults): string | null {
  const torch = results.loader?.torch;
  if (!hasTorch(results) || !torch) return null;
  const libraries = [
    ["numpy", torch.numpyVersion],
    ["h5py", torch.h5pyVersion],
    ["Pillow", torch.pilVersion],
    ["torchvision", torch.torchvisionVersion],
  ].filter((x): x is [string, string] => x[1] !== null);
  return message("report.loader.torch", {
    beside: results.trials.some((t) => t.spec.loader === "harness") ? message("report.loader.beside") : "",
    torch: torch.torchVersion,
    python: torch.pythonVersion,
    interpreter: torch.interpreter,
    decoder: torch.decoder ? message("report.loader.decoder", { decoder: torch.decoder }) : "",
    libraries:
      libraries.length > 0 ? message("report.loader.libraries", { list: libraries.map(([name, v]) => `${name} ${v}`).join(", ") }) : "",
    consumer: sentence(consumerText(torch.consumer)),
  });
}

function specOf(results: RunResults, id: number): OkTrial["spec"] | null {
  return results.trials.find((t) => t.spec.id === id)?.spec ?? null;
}

const label = (results: RunResults, id: number): string => {
  const spec = specOf(results, id);
  return spec ? trialLabel(spec) : message("report.trial.fallback", { id: String(id) });
};

const ms = (v: number): string => (v > 0 && v < 1 ? v.toPrecision(2) : v.toFixed(2));

/** PyTorch against the harness at each setting both measured: one row each, for summary.md and report.html. */
export function loaderPairTable(results: RunResults, answer: RunAnswer): { head: string[]; rows: string[][] } | null {
  if (answer.loaderPairs.length === 0) return null;
  return {
    head: [
      message("report.loaders.col.torch"),
      message("report.loaders.col.torch-rate"),
      message("report.loaders.col.harness"),
      message("report.loaders.col.share"),
      message("report.loaders.col.load"),
      message("report.loaders.col.transport"),
      message("report.loaders.col.wait"),
      message("report.loaders.col.cause"),
    ],
    rows: answer.loaderPairs.map((p) => [
      `${p.torchTrialId}: ${label(results, p.torchTrialId)}`,
      n0(p.torchSamplesPerS),
      message("report.loaders.harness", {
        rate: n0(p.harnessSamplesPerS),
        label: `${p.harnessTrialId}: ${label(results, p.harnessTrialId)}`,
      }),
      pct(p.share),
      `${ms(p.torchLoadMsPerSample)} / ${ms(p.harnessLoadMsPerSample)}`,
      `${ms(p.torchTransportMs)} / ${ms(p.harnessTransportMs)}`,
      `${p.torchWaitMs.toFixed(1)} / ${p.harnessWaitMs.toFixed(1)}`,
      message(`report.loaders.cause.${p.cause}`),
    ]),
  };
}

/** One line per pair, for the terminal's comparisons (--verbose). */
export function loaderPairLines(results: RunResults, answer: RunAnswer): string[] {
  return answer.loaderPairs.map((p) =>
    message("report.loaders.line", {
      label: label(results, p.torchTrialId),
      share: pct(p.share),
      torch: n0(p.torchSamplesPerS),
      harness: n0(p.harnessSamplesPerS),
      cause: message(`report.loaders.cause.${p.cause}`),
    }),
  );
}

type Process = NonNullable<OkTrial["metrics"]["processes"]>[number];

const torchTrials = (results: RunResults): OkTrial[] =>
  results.trials.filter((t): t is OkTrial => t.status === "ok" && t.spec.loader === "torch" && (t.metrics.processes?.length ?? 0) > 0);

const cpu = (p: Pick<Process, "userS" | "systemS">): string => (p.userS + p.systemS).toFixed(2);
const reads = (r: Process["reads"]): string =>
  r ? message("report.processes.reads", { mb: (r.allBytes / 1e6).toFixed(1), storage: (r.storageBytes / 1e6).toFixed(1) }) : "-";

/**
 * The torch loader's processes per trial: the main process and each worker (CPU in the window, peak
 * RSS over the trial, reads), then the workers summed: copy-on-read growth shows in their RSS. The
 * first batch (worker start-up) on the main process's row. Null when no torch trial recorded them.
 */
export function processTable(results: RunResults): { head: string[]; rows: string[][] } | null {
  const trials = torchTrials(results);
  if (trials.length === 0) return null;
  const rows: string[][] = [];
  for (const t of trials) {
    const processes = t.metrics.processes!;
    const workers = processes.filter((p) => p.role === "worker");
    const first = t.metrics.firstBatchMs === undefined ? "-" : n0(t.metrics.firstBatchMs);
    let w = 0;
    for (const p of processes) {
      const role = p.role === "main" ? message("report.processes.main") : message("report.processes.worker", { n: String(++w) });
      rows.push([
        String(t.spec.id),
        trialLabel(t.spec),
        role,
        String(p.pid),
        cpu(p),
        n0(p.peakRssMiB),
        reads(p.reads),
        p.role === "main" ? first : "",
      ]);
    }
    if (workers.length > 1) {
      const sum = (pick: (p: Process) => number): number => workers.reduce((s, p) => s + pick(p), 0);
      rows.push([
        String(t.spec.id),
        trialLabel(t.spec),
        message("report.processes.workers-total", { n: String(workers.length) }),
        "",
        cpu({ userS: sum((p) => p.userS), systemS: sum((p) => p.systemS) }),
        n0(sum((p) => p.peakRssMiB)),
        "",
        "",
      ]);
    }
  }
  return {
    head: [
      "#",
      message("report.col.configuration"),
      message("report.processes.col.process"),
      message("report.processes.col.pid"),
      message("report.processes.col.cpu"),
      message("report.col.peak-rss-mib"),
      message("report.processes.col.reads"),
      message("report.processes.col.first-batch"),
    ],
    rows,
  };
}

/** The torch processes in one line per trial, for the terminal (--verbose). */
export function processLines(results: RunResults): string[] {
  return torchTrials(results).map((t) => {
    const processes = t.metrics.processes!;
    const main = processes.find((p) => p.role === "main");
    const workers = processes.filter((p) => p.role === "worker");
    const common = {
      label: trialLabel(t.spec),
      first: t.metrics.firstBatchMs === undefined ? "-" : n0(t.metrics.firstBatchMs),
      mainCpu: main ? cpu(main) : "-",
      mainRss: main ? n0(main.peakRssMiB) : "-",
    };
    if (workers.length === 0) return message("report.processes.line.inline", common);
    return message("report.processes.line", {
      ...common,
      workers: String(workers.length),
      workersCpu: cpu({ userS: workers.reduce((s, p) => s + p.userS, 0), systemS: workers.reduce((s, p) => s + p.systemS, 0) }),
      workersRss: n0(workers.reduce((s, p) => s + p.peakRssMiB, 0)),
      each: workers.map((p) => n0(p.peakRssMiB)).join(", "),
    });
  });
}
