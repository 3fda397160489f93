import { z } from "zod";
import { FindingSchema, type Finding } from "./analysis-schema.js";
import type { SeriesStats } from "../telemetry/series-stats.js";
import type { TelemetrySummary } from "../telemetry/summary.js";
import { GpuIdentitySchema, TelemetryNoteSchema, ToolSchema } from "./timeline-schema.js";

export const SeriesStatsSchema: z.ZodType<SeriesStats> = z.object({
  mean: z.number(),
  min: z.number(),
  max: z.number(),
  p5: z.number(),
  p95: z.number(),
  coverage: z.number().min(0).max(1),
});

const stats = SeriesStatsSchema.nullable();

export const TelemetrySummarySchema: z.ZodType<TelemetrySummary> = z.object({
  durationS: z.number(),
  sampleCount: z.number().int(),
  cpu: z.object({ userPct: stats, systemPct: stats, iowaitPct: stats, stealPct: stats, idlePct: stats }),
  io: z.object({
    procReadMBPerS: stats,
    procStorageReadMBPerS: stats,
    diskReadMBPerS: stats,
    procReadBytes: z.number().nullable(),
    procStorageReadBytes: z.number().nullable(),
    diskReadBytes: z.number().nullable(),
  }),
  gpus: z.array(GpuIdentitySchema.and(z.object({ utilPct: stats, memUsedMiB: stats, powerW: stats, pcieRxMBPerS: stats }))),
});

export const WATCH_SCHEMA_VERSION = 1;

/** What `gpuprof watch --json` prints and what summary.json in the run folder holds. */
export const WatchResultSchema = z.object({
  schemaVersion: z.literal(WATCH_SCHEMA_VERSION),
  kind: z.literal("gpuprof.watch"),
  tool: ToolSchema,
  command: z.array(z.string()),
  startedAt: z.string(),
  intervalMs: z.number(),
  /** How the watched command ended: an exit code, or the signal that ended it. */
  exit: z.object({ code: z.number().int().nullable(), signal: z.string().nullable() }),
  /** What gpuprof itself exits with: the command's code, or 128 + the signal number. */
  exitCode: z.number().int(),
  /** True when gpuprof got SIGINT/SIGTERM/SIGHUP while the command ran. */
  interrupted: z.boolean(),
  outDir: z.string(),
  files: z.object({ timelineJson: z.string(), timelineCsv: z.string(), summaryJson: z.string() }),
  summary: TelemetrySummarySchema,
  notes: z.array(TelemetryNoteSchema),
  /** What held the GPU back: the verdict printed after the summary, with its evidence. */
  diagnosis: FindingSchema,
});

/**
 * A watch result. The type leaves `diagnosis` optional only because the watch detector judges a
 * result before it has one; every result printed or written carries it, and the schema requires it.
 */
export type WatchResult = Omit<z.infer<typeof WatchResultSchema>, "diagnosis"> & { diagnosis?: Finding };
