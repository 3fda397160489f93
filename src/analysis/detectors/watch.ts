import { message } from "../../messages/catalogue.js";
import type { WatchResult } from "../../store/summary-schema.js";
import type { Finding } from "../types.js";
import type { Sample } from "../../telemetry/types.js";
import { mbPerS, seconds } from "../../util/format.js";

/** Below this mean GPU utilisation a training job waits on something; above the high mark it is compute-bound. */
const GPU_LOW = 70;
const GPU_HIGH = 90;
/** A dip: utilisation falling below this after being above GPU_HIGH. */
const DIP_BELOW = 30;

export type WatchKind =
  | "compute-bound"
  | "cpu-bound input"
  | "io-bound input"
  | "periodic stalls"
  | "gpu underused"
  | "gpu not used"
  | "no gpu utilisation"
  | "no gpu"
  | "host cpu-bound"
  | "host io-bound"
  | "host neither";

/** Host CPU thresholds, with or without a GPU: user CPU this high is CPU-bound; system + iowait this high, with reads from storage, waits on it. */
const USER_HIGH = 50;
const KERNEL_HIGH = 20;
/** Without a GPU, a run shorter than this is too little to judge the host by (start-up alone fills it). */
const MIN_HOST_S = 1;

/** Below this share of the run with GPU readings, the GPU is not judged. */
const MIN_GPU_COVERAGE = 0.5;
/** A training job holds far more device memory than this (the CUDA context alone is a few hundred MiB). */
const GPU_MEMORY_IN_USE_MIB = 100;

/** When the first GPU's utilisation fell from busy (>= 90%) to idle (< 30%): one time (ms) a fall. */
export function dipTimes(samples: readonly Sample[]): number[] {
  const times: number[] = [];
  let busy = false;
  for (const s of samples) {
    const u = s.gpus[0]?.utilPct;
    if (u === null || u === undefined) continue;
    if (u >= GPU_HIGH) busy = true;
    else if (u < DIP_BELOW && busy) {
      times.push(s.tMs);
      busy = false;
    }
  }
  return times;
}

export function countDips(samples: readonly Sample[]): number {
  return dipTimes(samples).length;
}

/** Dips count as periodic when at least three come at intervals that vary by less than a third of their mean. */
const PERIODIC_MIN_DIPS = 3;
const PERIODIC_MAX_CV = 0.35;

/** The period of the dips in seconds, or null when they are too few or too irregular to have one. */
export function dipPeriodS(times: readonly number[]): number | null {
  if (times.length < PERIODIC_MIN_DIPS) return null;
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
  return mean > 0 && sd / mean < PERIODIC_MAX_CV ? mean / 1000 : null;
}

/**
 * A watched training run: GPU utilisation against host CPU time and storage reads.
 * GPU low with user CPU high: the input pipeline computes too slowly (decode, augment);
 * GPU low with system + iowait high: it waits on storage; GPU high: compute-bound, the pipeline is fine.
 * No GPU listed at all: the host alone is judged (hostOnly), and the summary says so.
 */
export function detectWatch(result: WatchResult, samples: readonly Sample[]): Finding {
  const base = { id: "watch", title: message("watch.title"), basis: "measured" as const, trials: [] };
  const gpu = result.summary.gpus[0]?.utilPct ?? null;
  const cpu = result.summary.cpu;
  const user = cpu.userPct?.mean ?? null;
  const kernel = cpu.systemPct && cpu.iowaitPct ? cpu.systemPct.mean + cpu.iowaitPct.mean : null;
  const storage = result.summary.io.procStorageReadBytes ?? 0;
  const allReads = result.summary.io.procReadBytes ?? 0;
  // The templates speak of the share of reads that reached storage (the rest came from the page cache).
  // read_bytes also counts pages of memory-mapped files (the program itself) that rchar never sees, so
  // storage can exceed all reads: the share that reached storage is then all of it.
  const storageShare = allReads > 0 ? `${(100 * Math.min(1, storage / allReads)).toFixed(1)}%` : "0.0%";
  const times = dipTimes(samples);
  const dips = times.length;
  const periodS = dipPeriodS(times);
  const minutes = result.summary.durationS / 60;
  const evidence = {
    gpuUtilPct: gpu?.mean ?? null,
    gpuUtilP5: gpu?.p5 ?? null,
    userPct: user,
    systemPlusIowaitPct: kernel,
    storageReadBytes: storage,
    dips,
    dipsPerMinute: minutes > 0 ? Math.round((dips / minutes) * 10) / 10 : null,
    dipPeriodS: periodS === null ? null : Math.round(periodS * 10) / 10,
  };
  const first = result.summary.gpus[0];
  const insufficient = (summary: string, kind: WatchKind): Finding => ({
    ...base,
    verdict: "insufficient-data",
    summary,
    evidence: { ...evidence, kind },
    recommend: [],
  });
  if (!first) {
    if (user === null || kernel === null || result.summary.durationS < MIN_HOST_S) {
      return insufficient(
        message("watch.summary.no-gpu", { duration: `${result.summary.durationS.toFixed(2)} s`, min: seconds(MIN_HOST_S) }),
        "no gpu",
      );
    }
    return hostOnly(result, { base, evidence, user, kernel, storage, storageShare });
  }
  if (gpu === null) return insufficient(message("watch.summary.no-utilisation", { gpu: String(first.index) }), "no gpu utilisation");
  if (gpu.coverage < MIN_GPU_COVERAGE) {
    return insufficient(
      message("watch.summary.sparse-readings", { coverage: `${(gpu.coverage * 100).toFixed(0)}%` }),
      "no gpu utilisation",
    );
  }
  const memMax = first.memUsedMiB?.max ?? null;
  if (memMax !== null && memMax < GPU_MEMORY_IN_USE_MIB && gpu.mean < 5) {
    return insufficient(message("watch.summary.gpu-not-used", { memory: memMax.toFixed(0) }), "gpu not used");
  }
  if (user === null || kernel === null) return insufficient(message("watch.summary.few-cpu-samples"), "no gpu");
  const period = periodS === null ? null : `${periodS.toFixed(1)} s`;
  const dipClause =
    period !== null
      ? message("watch.clause.dips-periodic", { dips: String(dips), period })
      : dips >= PERIODIC_MIN_DIPS
        ? message("watch.clause.dips-irregular", { dips: String(dips) })
        : "";
  const shares = { gpu: `${gpu.mean.toFixed(0)}%`, user: `${user.toFixed(0)}%`, kernel: `${kernel.toFixed(0)}%` };
  const periodic = (): Finding["recommend"][number] => ({
    template: "advice.periodic-stalls",
    values: { period: period!, dips: String(dips) },
    knob: message("watch.advice.periodic-stalls.knob"),
    value: message("watch.advice.periodic-stalls.value"),
    gain: message("watch.advice.periodic-stalls.gain", { idle: `${(100 - gpu!.mean).toFixed(0)}%` }),
  });
  if (gpu.mean >= GPU_HIGH) {
    return {
      ...base,
      verdict: "none",
      summary: message("watch.summary.compute-bound", { gpu: shares.gpu, p5: `${gpu.p5.toFixed(0)}%`, dipClause }),
      evidence: { ...evidence, kind: "compute-bound" },
      recommend: [],
    };
  }
  if (gpu.mean < GPU_LOW && waitsOnStorage(user, kernel, storage)) {
    return {
      ...base,
      verdict: "issue",
      summary: message("watch.summary.io-bound", { ...shares, dipClause }),
      evidence: { ...evidence, kind: "io-bound input" },
      recommend: [
        {
          template: "advice.io-bound",
          values: { user: shares.user, kernel: shares.kernel, storage: storageShare, levers: message("watch.levers.storage") },
          knob: message("watch.advice.io-bound.knob"),
          value: message("watch.advice.io-bound.value"),
          gain: null,
        },
      ],
    };
  }
  if (gpu.mean < GPU_LOW && user >= USER_HIGH) {
    return {
      ...base,
      verdict: "issue",
      summary: message("watch.summary.cpu-bound", { gpu: shares.gpu, user: shares.user, dipClause }),
      evidence: { ...evidence, kind: "cpu-bound input" },
      recommend: [
        {
          template: "advice.cpu-bound",
          values: { user: shares.user, kernel: shares.kernel, storage: storageShare },
          knob: message("watch.advice.cpu-bound.knob"),
          value: message("watch.advice.cpu-bound.value"),
          gain: null,
        },
      ],
    };
  }
  if (period !== null) {
    return {
      ...base,
      verdict: "issue",
      summary: message("watch.summary.periodic-stalls", { ...shares, period, dips: String(dips) }),
      evidence: { ...evidence, kind: "periodic stalls" },
      recommend: [periodic()],
    };
  }
  return {
    ...base,
    verdict: gpu.mean < GPU_LOW ? "issue" : "none",
    summary: message("watch.summary.gpu-underused", { ...shares, dipClause }),
    evidence: { ...evidence, kind: "gpu underused" },
    recommend: [],
  };
}

/** System + iowait high, above half the user time, with reads from storage: the host waits on storage. */
function waitsOnStorage(user: number, kernel: number, storageBytes: number): boolean {
  return kernel >= KERNEL_HIGH && kernel > user / 2 && storageBytes > 0;
}

/**
 * No GPU readings: the host alone, with the same thresholds as beside a GPU. CPU-bound or waiting on
 * storage is an issue with its advice; neither is no issue found, and every summary says it is host-only.
 */
function hostOnly(
  result: WatchResult,
  h: {
    base: Pick<Finding, "id" | "title" | "basis" | "trials">;
    evidence: Finding["evidence"];
    user: number;
    kernel: number;
    storage: number;
    storageShare: string;
  },
): Finding {
  const shares = { user: `${h.user.toFixed(0)}%`, kernel: `${h.kernel.toFixed(0)}%` };
  if (waitsOnStorage(h.user, h.kernel, h.storage)) {
    return {
      ...h.base,
      verdict: "issue",
      summary: message("watch.host.summary.io-bound", {
        ...shares,
        rate: mbPerS(result.summary.io.procStorageReadMBPerS?.mean),
        storage: h.storageShare,
      }),
      evidence: { ...h.evidence, kind: "host io-bound" },
      recommend: [
        {
          template: "advice.io-bound",
          values: { ...shares, storage: h.storageShare, levers: message("watch.levers.storage") },
          knob: message("watch.advice.io-bound.knob"),
          value: message("watch.advice.io-bound.value"),
          gain: null,
        },
      ],
    };
  }
  if (h.user >= USER_HIGH) {
    return {
      ...h.base,
      verdict: "issue",
      summary: message("watch.host.summary.cpu-bound", shares),
      evidence: { ...h.evidence, kind: "host cpu-bound" },
      recommend: [
        {
          template: "advice.cpu-bound",
          values: { ...shares, storage: h.storageShare },
          knob: message("watch.advice.cpu-bound.knob"),
          value: message("watch.advice.cpu-bound.value"),
          gain: null,
        },
      ],
    };
  }
  return {
    ...h.base,
    verdict: "none",
    summary: message("watch.host.summary.neither", { ...shares, storage: h.storageShare }),
    evidence: { ...h.evidence, kind: "host neither" },
    recommend: [],
  };
}
