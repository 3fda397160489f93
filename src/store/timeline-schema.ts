import { z } from "zod";
import type { CpuPercents, GpuIdentity, GpuSample, Sample, TelemetryNote } from "../telemetry/types.js";

const reading = z.number().nullable();

export const CpuPercentsSchema: z.ZodType<CpuPercents> = z.object({
  userPct: z.number(),
  nicePct: z.number(),
  systemPct: z.number(),
  iowaitPct: z.number(),
  irqPct: z.number(),
  softirqPct: z.number(),
  stealPct: z.number(),
  idlePct: z.number(),
});

export const GpuSampleSchema: z.ZodType<GpuSample> = z.object({
  index: z.number().int(),
  ageMs: z.number(),
  utilPct: reading,
  memUtilPct: reading,
  memUsedMiB: reading,
  memTotalMiB: reading,
  powerW: reading,
  smClockMHz: reading,
  memClockMHz: reading,
  tempC: reading,
  pcieGen: reading,
  pcieWidth: reading,
  pstate: z.string().nullable(),
  clocksEventReasons: z.string().nullable(),
  pcieRxMBPerS: reading,
  pcieTxMBPerS: reading,
});

export const SampleSchema: z.ZodType<Sample> = z.object({
  tMs: z.number().nonnegative(),
  cpu: CpuPercentsSchema,
  cores: z.array(CpuPercentsSchema),
  mem: z.object({ totalMiB: reading, availableMiB: reading, pageCacheMiB: reading }),
  io: z.object({ procReadBytesPerS: reading, procStorageReadBytesPerS: reading, diskReadBytesPerS: reading }),
  gpus: z.array(GpuSampleSchema),
});

export const TelemetryNoteSchema: z.ZodType<TelemetryNote> = z.object({
  tMs: z.number(),
  source: z.enum(["nvidia-smi", "dmon", "proc"]),
  level: z.enum(["info", "warning"]),
  message: z.string(),
});

export const GpuIdentitySchema: z.ZodType<GpuIdentity> = z.object({
  index: z.number().int(),
  name: z.string().nullable(),
  uuid: z.string().nullable(),
  busId: z.string().nullable(),
});

export const ToolSchema = z.object({ name: z.literal("gpuprof"), version: z.string() });

export const TIMELINE_SCHEMA_VERSION = 1;

export const TimelineFileSchema = z.object({
  schemaVersion: z.literal(TIMELINE_SCHEMA_VERSION),
  kind: z.literal("gpuprof.timeline"),
  tool: ToolSchema,
  /** Wall-clock time of tMs = 0, ISO 8601. */
  startedAt: z.string(),
  intervalMs: z.number().positive(),
  host: z.object({ hostname: z.string(), logicalCores: z.number().int() }),
  command: z.array(z.string()).optional(),
  gpus: z.array(GpuIdentitySchema),
  notes: z.array(TelemetryNoteSchema),
  samples: z.array(SampleSchema),
  /** Labelled stretches of the timeline, e.g. the measured window of each trial of a sweep. */
  spans: z.array(z.object({ label: z.string(), trialId: z.number().int(), startMs: z.number(), endMs: z.number() })).optional(),
});

export type TimelineSpan = NonNullable<z.infer<typeof TimelineFileSchema>["spans"]>[number];

export type TimelineFile = z.infer<typeof TimelineFileSchema>;
