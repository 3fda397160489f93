import type { TrialMetrics, TrialSpec } from "../store/results-schema.js";
import type { Dtype } from "../store/trial-axes.js";
import { LoaderFailure, type BatchLoader, type LoadedBatch } from "./batch-loader.js";
import type { Consumer } from "./consumer.js";
import { datasetFiles, type DatasetDescriptor } from "./dataset/descriptor.js";
import { echoSteps } from "./echo.js";
import { BatchPlan } from "./index-order.js";
import { InlineLoader } from "./inline-loader.js";
import { findPageCacheEvictor, selfIo, type PageCacheEvictor } from "./page-cache.js";
import type { TrialSettings } from "./plan.js";
import { settleMemory } from "./settle-memory.js";
import { emptyBatchRecords, metricsFromRecords } from "./trial-metrics.js";
import { ThreadLoader } from "./thread-loader.js";

export interface TrialContext {
  dataset: DatasetDescriptor;
  settings: TrialSettings;
  consumer: Consumer;
  signal?: AbortSignal;
  workerUrl?: URL;
  /** Drops the dataset from the page cache for --cold; found (and checked) here when not given. */
  evictor?: PageCacheEvictor;
  /** Sees every loaded batch before its bytes are released (tests check contents here). */
  onBatch?(batch: LoadedBatch): void;
  /** Sees the sample indices of every step, warm-up included. */
  onStep?(indices: readonly number[]): void;
}

export interface TrialMeasurement {
  /** The measured window on the performance.now() clock. */
  window: { startMs: number; endMs: number };
  metrics: TrialMetrics;
  notes: string[];
}

export class TrialInterrupted extends Error {}

const MIB = 1024 * 1024;

/** The harness converts to one of its dtypes; the user's own Dataset runs only in the torch loader. */
function harnessDtype(spec: TrialSpec): Dtype {
  if (spec.dtype === "dataset" || spec.loader !== "harness") throw new Error(`trial ${spec.id} is not a harness trial`);
  return spec.dtype;
}

function makeLoader(spec: TrialSpec, ctx: TrialContext, plan: BatchPlan): BatchLoader {
  const dtype = harnessDtype(spec);
  if (spec.workers === 0 || spec.transport === "none") return new InlineLoader(ctx.dataset, dtype, plan, spec.baseline);
  return new ThreadLoader({
    dataset: ctx.dataset,
    dtype,
    transport: spec.transport,
    workers: spec.workers,
    prefetch: ctx.settings.prefetch,
    plan,
    baseline: spec.baseline,
    workerUrl: ctx.workerUrl,
  });
}

/** A promise that rejects when the signal aborts, and a way to stop listening. */
function untilAborted(signal: AbortSignal | undefined): { promise: Promise<never>; dispose(): void } {
  let dispose = (): void => undefined;
  const promise = new Promise<never>((_, reject) => {
    if (!signal) return;
    const stop = (): void => reject(new TrialInterrupted("interrupted"));
    if (signal.aborted) stop();
    signal.addEventListener("abort", stop, { once: true });
    dispose = () => signal.removeEventListener("abort", stop);
  });
  promise.catch(() => undefined);
  return { promise, dispose };
}

/**
 * One trial: fresh loader, warm-up steps, then the measured window. The device runs on a clock of
 * its own: a step starts when both its batch and the device are ready, so the host's timer lateness
 * never counts as a stall and AU = device-busy / window exactly.
 * Memory is settled first, so the trial's RSS figures are its own and not what earlier trials left.
 * Throws LoaderFailure (the trial failed), TrialInterrupted, or EnvironmentError (--cold could not
 * evict); the loader is closed either way.
 */
export async function runTrial(spec: TrialSpec, ctx: TrialContext): Promise<TrialMeasurement> {
  const { settings, consumer, dataset } = ctx;
  const notes: string[] = [];
  if (!(await settleMemory())) {
    notes.push(
      "no garbage collection could be forced before this trial: its resident memory may include what earlier trials left behind (run node with --expose-gc)",
    );
  }
  if (settings.cold) await (ctx.evictor ?? (await findPageCacheEvictor())).evict(datasetFiles(dataset));
  const ioBefore = selfIo();
  // Taken before the workers start: their threads and buffers are this trial's memory too.
  const startRss = process.memoryUsage.rss();
  let peakRss = startRss;
  const plan = new BatchPlan({
    count: dataset.count,
    batch: settings.batch,
    dropLast: settings.dropLast,
    order: settings.order,
    seed: settings.seed,
  });
  const loader = makeLoader(spec, ctx, plan);
  const abort = untilAborted(ctx.signal);
  const aborted = abort.promise;
  try {
    await Promise.race([loader.start(), aborted]);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    let deviceFreeAt = performance.now();
    let stepsSoFar = 0;
    let windowStart: number | null = null;
    let cpuAtWindow: NodeJS.CpuUsage | null = null;
    const records = emptyBatchRecords();
    let windowSteps = 0;
    for (;;) {
      const batch = await Promise.race([loader.next(), aborted]);
      ctx.onBatch?.(batch);
      if (windowStart === null && stepsSoFar >= settings.warmupSteps) {
        windowStart = deviceFreeAt;
        cpuAtWindow = process.cpuUsage();
      }
      const startAt = Math.max(batch.readyAtMs, deviceFreeAt);
      const wait = Math.max(0, batch.readyAtMs - deviceFreeAt);
      const steps = echoSteps(batch.indices, spec.echo, spec.echoSplit, batch.batchId);
      for (const step of steps) ctx.onStep?.(step);
      const work = await Promise.race([
        consumer.process({ batch, dtype: harnessDtype(spec), stepSizes: steps.map((s) => s.length), startAtMs: startAt }),
        aborted,
      ]);
      // release() may hand the buffer back to its worker, which empties this view: measure first.
      const batchByteLength = batch.data.byteLength;
      loader.release(batch);
      deviceFreeAt = work.endAtMs;
      stepsSoFar += steps.length;
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      if (windowStart === null) continue;
      windowSteps += steps.length;
      records.waitMs.push(wait);
      records.loadMs.push(batch.loadMs);
      records.transportMs.push(batch.transportMs);
      records.freshSamples.push(batch.indices.length);
      records.steps.push(steps.length);
      records.consumedSamples.push(steps.reduce((sum, s) => sum + s.length, 0));
      records.bytesDelivered.push(batchByteLength);
      records.bytesCopied.push(batch.bytesCopied);
      records.busyMs.push(work.busyMs);
      records.h2dMs.push(work.h2dMs);
      records.h2dBytes.push(work.h2dBytes);
      const windowMs = deviceFreeAt - windowStart;
      const done = settings.steps !== null ? windowSteps >= settings.steps : windowMs >= (settings.durationS ?? 0) * 1000;
      if (!done) continue;
      const ioAfter = selfIo();
      const reads =
        ioBefore && ioAfter ? { allBytes: ioAfter.rchar - ioBefore.rchar, storageBytes: ioAfter.readBytes - ioBefore.readBytes } : null;
      if (settings.cold && reads && reads.storageBytes === 0) {
        notes.push(
          "--cold: no reads reached storage; the page cache eviction had no effect here (a filesystem that ignores posix_fadvise?)",
        );
      }
      return {
        window: { startMs: windowStart, endMs: deviceFreeAt },
        notes,
        metrics: metricsFromRecords(records, {
          windowMs,
          modelled: consumer.describe().kind === "sim",
          ...(cpuAtWindow ? { processCpu: cpuSince(cpuAtWindow) } : {}),
          peakRssMiB: Math.round((peakRss / MIB) * 10) / 10,
          startRssMiB: Math.round((startRss / MIB) * 10) / 10,
          reads,
        }),
      };
    }
  } finally {
    abort.dispose();
    await loader.close();
  }
}

/** Every thread of this process, workers included (getrusage of the process). */
function cpuSince(before: NodeJS.CpuUsage): { userS: number; systemS: number } {
  const used = process.cpuUsage(before);
  return { userS: Math.round(used.user / 1000) / 1000, systemS: Math.round(used.system / 1000) / 1000 };
}

export { LoaderFailure };
