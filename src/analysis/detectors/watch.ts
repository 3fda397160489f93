import type { WatchResult } from "../../store/summary-schema.js";
import type { Finding } from "../types.js";
import type { Sample } from "../../telemetry/types.js";

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
  | "no gpu";

/** What to change about storage when all that is known is that the job waits on it (watch sees no dataset). */
const WATCH_STORAGE_LEVERS =
  "Read larger contiguous pieces: pack many small files into one (`.npy`, or HDF5 with chunks of many samples and a chunk cache: `gpuprof h5` sizes them), use faster storage, or give the page cache room for the dataset; more DataLoader workers overlap the waits meanwhile.";

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
 */
export function detectWatch(result: WatchResult, samples: readonly Sample[]): Finding {
  const base = { id: "watch", title: "Training run", basis: "measured" as const, trials: [] };
  const gpu = result.summary.gpus[0]?.utilPct ?? null;
  const cpu = result.summary.cpu;
  const user = cpu.userPct?.mean ?? null;
  const kernel = cpu.systemPct && cpu.iowaitPct ? cpu.systemPct.mean + cpu.iowaitPct.mean : null;
  const storage = result.summary.io.procStorageReadBytes ?? 0;
  const allReads = result.summary.io.procReadBytes ?? 0;
  // The templates speak of the share of reads that reached storage (the rest came from the page cache).
  const storageShare = allReads > 0 ? `${((100 * storage) / allReads).toFixed(1)}%` : "0.0%";
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
  if (!first) return insufficient("No GPU readings (no NVIDIA GPU, or nvidia-smi failed): only host telemetry to judge from.", "no gpu");
  if (gpu === null) {
    return insufficient(
      `nvidia-smi lists GPU ${first.index} but reports no utilisation for it (N/A: MIG mode, or a GPU that does not support the field), so whether it waited cannot be judged from here.`,
      "no gpu utilisation",
    );
  }
  if (gpu.coverage < MIN_GPU_COVERAGE) {
    return insufficient(
      `GPU readings cover only ${(gpu.coverage * 100).toFixed(0)}% of the run (nvidia-smi stopped answering or started late: see the notes), too little to judge the GPU by.`,
      "no gpu utilisation",
    );
  }
  const memMax = first.memUsedMiB?.max ?? null;
  if (memMax !== null && memMax < GPU_MEMORY_IN_USE_MIB && gpu.mean < 5) {
    return insufficient(
      `The GPU stayed idle with ${memMax.toFixed(0)} MiB of its memory in use: the command did not use it, so there is no training step for the input pipeline to keep busy.`,
      "gpu not used",
    );
  }
  if (user === null || kernel === null) return insufficient("Too few CPU samples to judge (a very short run?).", "no gpu");
  const dipNote =
    periodS !== null
      ? `; utilisation fell from busy to idle ${dips} times, every ${periodS.toFixed(1)} s: periodic stalls, e.g. a loader that cannot refill its prefetch queue between bursts`
      : dips >= PERIODIC_MIN_DIPS
        ? `; utilisation fell from busy to idle ${dips} times at irregular intervals`
        : "";
  const periodic = (): Finding["recommend"][number] => ({
    template: "advice.periodic-stalls",
    values: { period: `${periodS!.toFixed(1)} s`, dips: String(dips) },
    knob: "prefetch_factor, num_workers, persistent_workers",
    value: "more batches in flight; persistent_workers=True",
    gain: `up to the ${(100 - gpu!.mean).toFixed(0)}% of the time the GPU is idle (measured)`,
  });
  if (gpu.mean >= GPU_HIGH) {
    return {
      ...base,
      verdict: "none",
      summary: `The GPU is busy ${gpu.mean.toFixed(0)}% of the time (p5 ${gpu.p5.toFixed(0)}%): compute-bound, the input pipeline keeps up${dipNote}.`,
      evidence: { ...evidence, kind: "compute-bound" },
      recommend: [],
    };
  }
  if (gpu.mean < GPU_LOW && kernel >= 20 && kernel > user / 2 && storage > 0) {
    return {
      ...base,
      verdict: "issue",
      summary: `The GPU is busy only ${gpu.mean.toFixed(0)}% of the time while the host spends ${kernel.toFixed(0)}% in system + iowait against ${user.toFixed(0)}% user: the input pipeline waits on storage${dipNote}.`,
      evidence: { ...evidence, kind: "io-bound input" },
      recommend: [
        {
          template: "advice.io-bound",
          values: {
            user: `${user.toFixed(0)}%`,
            kernel: `${kernel.toFixed(0)}%`,
            storage: storageShare,
            levers: WATCH_STORAGE_LEVERS,
          },
          knob: "storage layout",
          value: "larger contiguous reads (packed files, HDF5 chunks with a cache)",
          gain: null,
        },
      ],
    };
  }
  if (gpu.mean < GPU_LOW && user >= 50) {
    return {
      ...base,
      verdict: "issue",
      summary: `The GPU is busy only ${gpu.mean.toFixed(0)}% of the time while the host's CPU user time (every process on it, the command's among them) is ${user.toFixed(0)}%: the input pipeline is CPU-bound, unless other work on this host takes that CPU${dipNote}.`,
      evidence: { ...evidence, kind: "cpu-bound input" },
      recommend: [
        {
          template: "advice.cpu-bound",
          values: {
            user: `${user.toFixed(0)}%`,
            kernel: `${kernel.toFixed(0)}%`,
            storage: storageShare,
          },
          knob: "host work per sample",
          value: "less decoding and transforming on the host; more DataLoader workers",
          gain: null,
        },
      ],
    };
  }
  if (periodS !== null) {
    return {
      ...base,
      verdict: "issue",
      summary: `The GPU is busy ${gpu.mean.toFixed(0)}% of the time and falls from busy to idle every ${periodS.toFixed(1)} s (${dips} times): periodic stalls, the loader refilling in bursts, while the host is neither CPU-bound (user ${user.toFixed(0)}%) nor waiting on storage (system + iowait ${kernel.toFixed(0)}%).`,
      evidence: { ...evidence, kind: "periodic stalls" },
      recommend: [periodic()],
    };
  }
  return {
    ...base,
    verdict: gpu.mean < GPU_LOW ? "issue" : "none",
    summary: `The GPU is busy ${gpu.mean.toFixed(0)}% of the time with the host neither CPU-bound (user ${user.toFixed(0)}%) nor waiting on storage (system + iowait ${kernel.toFixed(0)}%): look at the step itself (small batches, synchronisation, a single-threaded loader)${dipNote}.`,
    evidence: { ...evidence, kind: "gpu underused" },
    recommend: [],
  };
}
