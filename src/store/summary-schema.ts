import { z } from "zod";
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

/** One detector's verdict with its evidence. */
export const FindingSchema = z.object({
  id: z.string(),
  title: z.string(),
  verdict: z.enum(["issue", "none", "insufficient-data"]),
  /** One sentence a user can act on, with the numbers in it. */
  summary: z.string(),
  evidence: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  /** Trial ids the finding rests on. */
  trials: z.array(z.number().int()),
  basis: z.enum(["measured", "modelled", "measured and modelled"]),
  /** Recommendations this finding asks for, by template id, with the values to fill in. */
  recommend: z.array(
    z.object({
      template: z.string(),
      values: z.record(z.string(), z.string()),
      knob: z.string(),
      value: z.string(),
      /** The expected gain in words with its basis ("1.80x samples/s against num_workers=0, measured"); null when nothing measured it. */
      gain: z.string().nullable(),
    }),
  ),
});

export type Finding = z.infer<typeof FindingSchema>;

/** What a detector concludes: an issue, no issue, or not enough data to say (a real answer, not an error). */
export type Verdict = Finding["verdict"];

/** Whether the numbers behind a finding were measured on this machine or come from the device model. */
export type Basis = Finding["basis"];

/** One piece of advice: which knob, to what, what it should gain (and on what that rests), and the prose template. */
export type Advice = Finding["recommend"][number];

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
