import type { TrialSpec } from "../store/results-schema.js";
import type { Dtype, Loader, Transport } from "../store/trial-axes.js";
import type { SampleOrder } from "./index-order.js";
import { message } from "../messages/catalogue.js";

/** Settings every trial of a sweep shares. */
export interface TrialSettings {
  batch: number;
  prefetch: number;
  dropLast: boolean;
  order: SampleOrder;
  seed: number;
  cold: boolean;
  warmupSteps: number;
  /** The measured window: seconds, or a number of steps (exactly one of the two is set). */
  durationS: number | null;
  steps: number | null;
}

export interface SweepAxes {
  /** harness, torch or both (side by side at every setting). */
  loaders: Loader[];
  workers: number[];
  /** Empty for the user's own Dataset (--dataset-factory): its dtype is its own. */
  dtypes: Dtype[];
  /** torch's pin_memory; the harness has no pinned memory, so its trials take false alone. */
  pinMemory: boolean[];
  transports: Transport[];
  echoes: number[];
  echoSplit: number;
  baseline: boolean;
  repeat: number;
}

/**
 * The cartesian product of the axes, workers 0 taking no transport, then the baseline trials. The
 * loaders are the innermost axis but one, so the harness and torch trials of one setting run
 * minutes apart at most and meet the same machine. The torch loader has its own transport (worker
 * processes and shared memory), so the transport axis is the harness's, and pin memory torch's.
 */
export function buildPlan(axes: SweepAxes): TrialSpec[] {
  const plan: TrialSpec[] = [];
  const seen = new Set<string>();
  const add = (spec: Omit<TrialSpec, "id">): void => {
    const key = JSON.stringify(spec);
    if (seen.has(key)) return;
    seen.add(key);
    plan.push({ id: plan.length + 1, ...spec });
  };
  const dtypes: TrialSpec["dtype"][] = axes.dtypes.length > 0 ? axes.dtypes : ["dataset"];
  for (let repeat = 1; repeat <= axes.repeat; repeat++) {
    for (const workers of axes.workers) {
      for (const dtype of dtypes) {
        for (const loader of axes.loaders) {
          const variants =
            loader === "harness"
              ? axes.transports.map((transport) => ({ transport: workers === 0 ? ("none" as const) : transport, pinMemory: false }))
              : axes.pinMemory.map((pinMemory) => ({ transport: "none" as const, pinMemory }));
          for (const { transport, pinMemory } of variants) {
            const base = { loader, workers, dtype, transport, echoSplit: axes.echoSplit, repeat, pinMemory };
            // The split applies to echo 1 too, so every trial of a sweep steps on sub-batches of the same size.
            for (const echo of axes.echoes) add({ ...base, echo, baseline: false });
            if (axes.baseline) add({ ...base, echo: 1, baseline: true });
          }
        }
      }
    }
  }
  return plan;
}

export function trialLabel(spec: TrialSpec): string {
  const parts = [message("report.trial.workers", { n: String(spec.workers) })];
  if (spec.loader === "torch") parts.unshift(message("report.trial.torch"));
  if (spec.dtype !== "dataset") parts.push(spec.dtype);
  if (spec.transport !== "none") parts.push(spec.transport);
  if (spec.pinMemory) parts.push(message("report.trial.pinned"));
  if (spec.echo > 1) parts.push(message("report.trial.echo", { n: String(spec.echo) }));
  if (spec.echoSplit > 1) parts.push(message("report.trial.split", { n: String(spec.echoSplit) }));
  if (spec.baseline) parts.push(message("report.trial.baseline"));
  return parts.join(", ");
}

/** " #2" after a trial's label when the plan repeats configurations (--repeat), so repeats tell apart. */
export function repeatSuffix(spec: TrialSpec, repeated: boolean): string {
  return repeated ? message("report.trial.repeat", { n: String(spec.repeat) }) : "";
}

/** Fixed costs per trial seen on a 2-core machine: starting workers and opening the data. */
const TRIAL_START_S = 0.3;
/**
 * --cold runs dd once per file (page-cache.ts): a folder of 2048 files took 2.3 s to 6 s on 2-core
 * machines, a single .npy file about 0.02 s. 1 ms a file keeps the estimate a lower bound.
 */
const EVICT_START_S = 0.05;
const EVICT_PER_FILE_S = 0.001;

/**
 * The most workers a sweep may start. Each is a thread with its own V8 heap (about 10 MiB) and its
 * prefetched batches, so 256 already take a few GiB before any data; past a few per core, workers
 * only compete. A fixed number, so a command line valid on one machine is valid on every machine.
 */
export const MAX_WORKERS = 256;

/**
 * A lower bound on a trial's time: start-up, eviction for --cold (`datasetFiles` files), warm-up and
 * the window at the modelled device speed. An input-bound trial takes longer when the window is a step count.
 */
export function estimateTrialS(spec: TrialSpec, settings: TrialSettings, deviceMsPerStep: number, datasetFiles: number): number {
  const stepsPerBatch = spec.echo * spec.echoSplit;
  const stepMs = deviceMsPerStep / spec.echoSplit;
  const warmup = (settings.warmupSteps * stepMs) / 1000;
  const window = settings.durationS ?? ((settings.steps ?? 0) * stepMs) / 1000;
  const evict = settings.cold ? EVICT_START_S + EVICT_PER_FILE_S * datasetFiles : 0;
  return TRIAL_START_S + evict + warmup + window + (stepsPerBatch * stepMs) / 1000;
}
