import { z } from "zod";
import { ToolSchema } from "./timeline-schema.js";

const gpu = z.object({
  index: z.number().int(),
  name: z.string().nullable(),
  uuid: z.string().nullable(),
  busId: z.string().nullable(),
  driverVersion: z.string().nullable(),
  memoryTotalMiB: z.number().nullable(),
  pcieGenCurrent: z.number().nullable(),
  pcieGenMax: z.number().nullable(),
  pcieWidthCurrent: z.number().nullable(),
  pcieWidthMax: z.number().nullable(),
});

export const INFO_SCHEMA_VERSION = 1;

/** What `gpuprof info --json` prints. */
export const InfoResultSchema = z.object({
  schemaVersion: z.literal(INFO_SCHEMA_VERSION),
  kind: z.literal("gpuprof.info"),
  tool: ToolSchema,
  host: z.object({
    hostname: z.string(),
    os: z.object({ distro: z.string(), release: z.string(), kernel: z.string(), arch: z.string() }),
    cpu: z.object({
      model: z.string(),
      physicalCores: z.number().int(),
      logicalCores: z.number().int(),
      usable: z.object({ count: z.number().int().positive(), limitedBy: z.enum(["affinity", "cgroup-quota"]) }),
    }),
    memory: z.object({ totalMiB: z.number().nullable(), availableMiB: z.number().nullable(), pageCacheMiB: z.number().nullable() }),
    disks: z.array(z.object({ name: z.string(), sizeBytes: z.number(), rotational: z.boolean().nullable(), model: z.string() })),
    filesystems: z.array(
      z.object({ mount: z.string(), fs: z.string(), type: z.string(), sizeBytes: z.number(), availableBytes: z.number() }),
    ),
    gpus: z.array(gpu),
    gpuProblem: z.string().nullable(),
  }),
  /** The facts a loader tuning starts from. */
  loader: z.object({
    /** Usable cores: PyTorch warns when num_workers exceeds this, and the training process needs a core too. */
    workerCeiling: z.number().int().positive(),
    /** Page cache now: a dataset smaller than this plus available memory will be served from RAM after one epoch. */
    pageCacheMiB: z.number().nullable(),
    availableMiB: z.number().nullable(),
  }),
});

export type InfoResult = z.infer<typeof InfoResultSchema>;
