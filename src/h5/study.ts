import { Worker } from "node:worker_threads";
import type { H5Dataset } from "../harness/dataset/descriptor.js";
import { compiledWorkerUrl } from "../harness/worker-path.js";
import { epochOrder, workerTraces, type AccessOrder } from "./access-order.js";
import type { CacheParams } from "./chunk-cache.js";
import { ChunkGeometry } from "./chunk-geometry.js";
import type { ChunkIndex } from "./chunk-index.js";
import type { LiveJob, LiveReport } from "./live-worker.js";
import { simulate } from "./simulate.js";
import { Interrupted } from "../util/errors.js";

export interface StudyConfig {
  id: number;
  dataset: H5Dataset;
  cache: CacheParams;
  access: AccessOrder | "trace";
  workers: number;
  /** The file's chunk index (stored sizes, B-tree nodes); null when contiguous or when it could not be read. */
  index: ChunkIndex | null;
}

export interface StudySettings {
  batch: number;
  epochs: number;
  seed: number;
  windowChunks: number;
  /** An exact access order to replay instead of generated epochs (--trace). */
  trace: number[] | null;
}

/** The sample order of every epoch for a configuration. */
export function studyEpochs(config: StudyConfig, settings: StudySettings): number[][] {
  // A trace is one epoch's exact order, replayed every epoch.
  if (config.access === "trace") return Array.from({ length: settings.epochs }, () => settings.trace ?? []);
  const samplesPerChunk = config.dataset.chunkShape?.[0] ?? 1;
  return Array.from({ length: settings.epochs }, (_, e) =>
    epochOrder(config.access as AccessOrder, config.dataset.count, samplesPerChunk, e, settings.seed, settings.windowChunks),
  );
}

/** Samples read in all epochs of a configuration (a --trace is replayed every epoch). */
export function samplesRead(config: StudyConfig, settings: StudySettings): number {
  return config.access === "trace" ? (settings.trace?.length ?? 0) * settings.epochs : config.dataset.count * settings.epochs;
}

export function geometryOf(dataset: H5Dataset): ChunkGeometry | null {
  return dataset.chunkShape
    ? new ChunkGeometry({ datasetShape: dataset.datasetShape, chunkShape: dataset.chunkShape, elementBytes: 1 })
    : null;
}

export function simulateConfig(config: StudyConfig, settings: StudySettings, recordPerRead = false) {
  const geometry = geometryOf(config.dataset);
  if (!geometry) return null;
  return simulate({
    geometry,
    params: config.cache,
    compressed: config.dataset.compressed,
    storedChunkBytes: config.dataset.storedChunkBytes,
    index: config.index,
    epochs: studyEpochs(config, settings),
    batch: settings.batch,
    workers: config.workers,
    recordPerRead,
  });
}

/**
 * The smallest cache, doubling from 1 MiB, whose steady-state hit rate (last epoch) reaches
 * `target`, with a slot for every chunk so that collisions do not decide it. null when even a
 * cache of the whole dataset does not (e.g. every chunk bypasses).
 */
export function smallestCacheFor(target: number, config: StudyConfig, settings: StudySettings): number | null {
  const geometry = geometryOf(config.dataset);
  if (!geometry) return null;
  const whole = geometry.chunkBytes * geometry.chunkCount;
  for (let nbytes = 1024 * 1024; ; nbytes *= 2) {
    const size = Math.min(nbytes, Math.max(whole, geometry.chunkBytes));
    const result = simulateConfig(
      { ...config, cache: { nbytes: size, nslots: 1_000_003, w0: config.cache.w0 } },
      { ...settings, epochs: Math.max(2, settings.epochs) },
    );
    const last = result!.epochs[result!.epochs.length - 1]!;
    if (last.chunkReads > 0 && last.hits / last.chunkReads >= target) return size;
    if (size >= whole && size >= geometry.chunkBytes) return null;
  }
}

/** Runs the configuration for real: each worker thread reads its share through its own emulated cache. */
/** Reads the configuration in its workers; an abort (Ctrl-C, SIGTERM) terminates them and throws Interrupted. */
export async function runLive(
  config: StudyConfig,
  settings: StudySettings,
  signal?: AbortSignal,
): Promise<{ reports: LiveReport[]; wallMs: number }> {
  if (signal?.aborted) throw new Interrupted("interrupted");
  const epochs = studyEpochs(config, settings);
  const perWorker: number[][][] = Array.from({ length: config.workers }, () => []);
  for (const order of epochs) workerTraces(order, settings.batch, config.workers).forEach((trace, w) => perWorker[w]!.push(trace));
  const started = performance.now();
  const reports = await Promise.all(
    perWorker.map(
      (workerEpochs) =>
        new Promise<LiveReport>((resolve, reject) => {
          const job: LiveJob = { dataset: config.dataset, epochs: workerEpochs, index: config.index };
          const worker = new Worker(compiledWorkerUrl("h5/live-worker.js"), { workerData: job });
          const stop = (): void => {
            reject(new Interrupted("interrupted"));
            void worker.terminate();
          };
          signal?.addEventListener("abort", stop, { once: true });
          worker.once("message", (message: { ok: true; report: LiveReport } | { ok: false; message: string }) => {
            signal?.removeEventListener("abort", stop);
            if (message.ok) resolve(message.report);
            else reject(new Error(message.message));
            void worker.terminate();
          });
          worker.once("error", reject);
          worker.once("exit", (code) => {
            if (code !== 0) reject(new Error(`live worker exited with code ${code}`));
          });
        }),
    ),
  );
  return { reports, wallMs: performance.now() - started };
}
