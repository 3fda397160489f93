import { z } from "zod";
import { TelemetrySummarySchema } from "./summary-schema.js";
import { ToolSchema } from "./timeline-schema.js";

export const H5_RESULTS_SCHEMA_VERSION = 1;

const cache = z.object({ nbytes: z.number().int().positive(), nslots: z.number().int().positive(), w0: z.number().min(0).max(1) });

export const H5FileSchema = z.object({
  path: z.string(),
  dataset: z.string(),
  origin: z.enum(["synthetic", "user", "rechunked"]),
  shape: z.array(z.number().int()),
  chunks: z.array(z.number().int()).nullable(),
  compression: z.string(),
  chunkCount: z.number().int().nullable(),
  chunkBytes: z.number().int().nullable(),
  /** Average bytes a chunk takes in the file (below chunkBytes when compressed). */
  storedChunkBytes: z.number(),
  fileBytes: z.number(),
  /** Whether the file is smaller than MemAvailable: then reads after the first are page-cache hits. */
  fitsInPageCache: z.boolean().nullable(),
});

const epoch = z.object({
  hitRate: z.number(),
  chunkReads: z.number().int(),
  hits: z.number().int(),
  misses: z.number().int(),
  bypasses: z.number().int(),
  bytesFetched: z.number(),
  bytesDelivered: z.number(),
  /** bytes fetched / bytes delivered */
  readAmplification: z.number(),
});

export const H5ConfigResultSchema = z.object({
  id: z.number().int(),
  file: z.number().int(),
  cache,
  access: z.enum(["random", "sequential", "chunk-shuffle", "trace"]),
  workers: z.number().int().positive(),
  /** What HDF5's chunk cache would do (the model), per epoch, all workers together. */
  simulated: z.object({ epochs: z.array(epoch), peakCacheBytes: z.number() }).nullable(),
  /** What gpuprof's emulated cache read through h5wasm, measured. */
  live: z
    .object({
      wallS: z.number(),
      samplesPerS: z.number(),
      deliveredMBPerS: z.number(),
      measuredBytes: z.number(),
      /** Of the measured bytes, those that came from storage rather than the page cache (read_bytes). */
      storageBytes: z.number(),
      simulatedBytes: z.number(),
      /** measured / simulated - 1 */
      difference: z.number(),
      agrees: z.boolean(),
      telemetry: TelemetrySummarySchema,
    })
    .nullable(),
  notes: z.array(z.string()),
  error: z.string().nullable(),
});

export const H5ResultsSchema = z.object({
  schemaVersion: z.literal(H5_RESULTS_SCHEMA_VERSION),
  kind: z.literal("gpuprof.h5"),
  tool: ToolSchema,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  interrupted: z.boolean(),
  settings: z.object({
    batch: z.number().int(),
    epochs: z.number().int(),
    seed: z.number().int(),
    windowChunks: z.number().int(),
    targetHitRate: z.number(),
    trace: z.string().nullable(),
  }),
  files: z.array(H5FileSchema),
  configs: z.array(H5ConfigResultSchema),
  /** Per file and access order: the smallest cache (doubling from 1 MiB) whose steady-state hit rate reaches the target. */
  smallestCache: z.array(
    z.object({ file: z.number().int(), access: z.string(), workers: z.number().int(), nbytes: z.number().nullable() }),
  ),
  notes: z.array(z.string()),
});

export type H5Results = z.infer<typeof H5ResultsSchema>;
export type H5ConfigResult = z.infer<typeof H5ConfigResultSchema>;
export type H5FileInfo = z.infer<typeof H5FileSchema>;
