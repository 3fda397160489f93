import { ChunkCacheModel, type CacheParams } from "./chunk-cache.js";
import type { ChunkGeometry } from "./chunk-geometry.js";
import type { ChunkIndex } from "./chunk-index.js";
import { workerTraces } from "./access-order.js";

export interface EpochCounts {
  /** Chunk accesses (a sample spanning k chunks makes k). */
  chunkReads: number;
  hits: number;
  misses: number;
  bypasses: number;
  bytesFetched: number;
  bytesDelivered: number;
}

export interface SimulationResult {
  epochs: EpochCounts[];
  /** Largest cache footprint seen, summed over the workers' caches. */
  peakResidentBytes: number;
  /** Sample index and bytes fetched for every read, in trace order, per worker (for --per-read-out). */
  perReadBytes?: [number, number][][];
}

export interface SimulationInput {
  geometry: ChunkGeometry;
  params: CacheParams;
  compressed: boolean;
  storedChunkBytes: number;
  /** The file's chunk index, when it could be read: stored sizes and index reads. */
  index?: ChunkIndex | null;
  /** Sample order of each epoch. */
  epochs: number[][];
  batch: number;
  /** DataLoader workers; each keeps its own cache for the whole run (a worker's h5py file stays open). */
  workers: number;
  recordPerRead?: boolean;
}

/** Runs the chunk-cache model over an access trace: what each worker's HDF5 cache would do. */
export function simulate(input: SimulationInput): SimulationResult {
  const { geometry } = input;
  const workers = Math.max(1, input.workers);
  const caches = Array.from(
    { length: workers },
    () =>
      new ChunkCacheModel({
        geometry,
        params: input.params,
        compressed: input.compressed,
        storedChunkBytes: input.storedChunkBytes,
        index: input.index,
      }),
  );
  const perReadBytes: [number, number][][] | undefined = input.recordPerRead ? caches.map(() => []) : undefined;
  const epochs: EpochCounts[] = [];
  let peak = 0;
  for (const order of input.epochs) {
    const before = caches.map((c) => ({ ...c.stats }));
    const traces = workerTraces(order, input.batch, workers);
    traces.forEach((trace, w) => {
      const cache = caches[w]!;
      const perChunk = geometry.chunksPerSample;
      const samplesPerChunk = geometry.layout.chunkShape[0]!;
      const parts = Array.from({ length: perChunk }, (_, k) => geometry.sampleBytesInChunk(k));
      const record = perReadBytes?.[w];
      for (const sample of trace) {
        const fetchedBefore = cache.stats.bytesFetched;
        const first = Math.floor(sample / samplesPerChunk) * perChunk;
        for (let k = 0; k < perChunk; k++) cache.access(first + k, parts[k]!);
        record?.push([sample, cache.stats.bytesFetched - fetchedBefore]);
      }
    });
    peak = Math.max(
      peak,
      caches.reduce((s, c) => s + c.residentBytes, 0),
    );
    const sum = (pick: (s: ChunkCacheModel["stats"]) => number): number =>
      caches.reduce((s, c, w) => s + pick(c.stats) - pick(before[w]!), 0);
    epochs.push({
      chunkReads: sum((s) => s.reads),
      hits: sum((s) => s.hits),
      misses: sum((s) => s.misses),
      bypasses: sum((s) => s.bypasses),
      bytesFetched: sum((s) => s.bytesFetched),
      bytesDelivered: order.length * geometry.sampleBytes,
    });
  }
  return { epochs, peakResidentBytes: peak, perReadBytes };
}
