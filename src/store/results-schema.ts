import { z } from "zod";
import { TelemetrySummarySchema } from "./summary-schema.js";
import { GpuIdentitySchema, TelemetryNoteSchema, ToolSchema } from "./timeline-schema.js";
import { LOADERS, TRIAL_DTYPES, TRANSPORTS } from "./trial-axes.js";

/** 2: the consumer may be a real GPU (webgpu), and trial metrics say whether device times were modelled or measured. */
export const RESULTS_SCHEMA_VERSION = 2;

/** One point of the sweep. */
export const TrialSpecSchema = z.object({
  /** 1-based position in the plan. */
  id: z.number().int().positive(),
  /** Who made the batches: gpuprof's worker_threads harness, or the user's PyTorch DataLoader (absent before 0.2: harness). */
  loader: z.enum(LOADERS).default("harness"),
  workers: z.number().int().nonnegative(),
  /** "dataset": the user's own Dataset (--dataset-factory) returns its own dtype. */
  dtype: z.enum(TRIAL_DTYPES),
  /** "none" when workers is 0: the batch never leaves the main thread. */
  transport: z.enum([...TRANSPORTS, "none"]),
  echo: z.number().int().positive(),
  echoSplit: z.number().int().positive(),
  /** Workers skip reading and transforms: the harness's own ceiling. */
  baseline: z.boolean(),
  /** 1-based repetition of the same configuration. */
  repeat: z.number().int().positive(),
  /** torch: DataLoader(pin_memory=...); always false for the harness. */
  pinMemory: z.boolean().default(false),
});

/** One point of the sweep. */
export type TrialSpec = z.infer<typeof TrialSpecSchema>;

export const StepModelSchema = z.union([
  z.object({ kind: z.literal("preset"), name: z.string(), msPerSample: z.number(), source: z.string() }),
  z.object({ kind: z.literal("fixed"), msPerBatch: z.number(), batch: z.number().int() }),
]);

/** How the consumer was picked: what was asked (--consumer) and why this one. */
const SelectionSchema = z.object({ requested: z.enum(["auto", "sim", "webgpu", "cuda"]), reason: z.string() });

/** The CUDA device torch drove, and the matrix-multiply load calibrated to the step model on it. */
export const CudaDeviceSchema = z.object({ index: z.number().int(), name: z.string(), capability: z.string(), totalMiB: z.number() });
export const CudaCalibrationSchema = z.object({
  targetMsPerBatch: z.number(),
  batch: z.number().int(),
  matrixN: z.number().int(),
  matmulsPerBatch: z.number().int(),
  achievedMsPerBatch: z.number(),
  tflopsPerS: z.number(),
});

export const ConsumerInfoSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("sim"),
    stepModel: StepModelSchema,
    h2dGBPerS: z.number(),
    /** What this consumer models instead of measuring; results carry it so no one mistakes it for a measurement. */
    modelled: z.array(z.string()),
    selection: SelectionSchema.optional(),
  }),
  z.object({
    kind: z.literal("webgpu"),
    stepModel: StepModelSchema,
    adapter: z.object({
      index: z.number().int(),
      backend: z.string(),
      name: z.string(),
      vendor: z.string(),
      architecture: z.string(),
      description: z.string(),
      software: z.boolean(),
    }),
    /** The nvidia-smi GPU this adapter is, and how that was established; null when it could not be. */
    physicalGpu: z
      .object({
        index: z.number().int(),
        name: z.string().nullable(),
        uuid: z.string().nullable(),
        busId: z.string().nullable(),
        identifiedBy: z.enum(["name", "load", "name and load"]),
      })
      .nullable(),
    deviceTiming: z.enum(["gpu-timestamps", "submit-to-completion"]),
    upload: z.object({
      method: z.enum(["write-buffer", "mapped-staging"]),
      bytes: z.number(),
      gbPerS: z.object({ "write-buffer": z.number(), "mapped-staging": z.number() }),
    }),
    calibration: z.object({
      targetMsPerBatch: z.number(),
      batch: z.number().int(),
      matrixN: z.number().int(),
      dispatchesPerBatch: z.number().int(),
      achievedMsPerBatch: z.number(),
      gflopsPerS: z.number(),
      /** The calibration's span on the timeline's clock (ms since the sampler started). */
      window: z.object({ startMs: z.number(), endMs: z.number() }).nullable(),
    }),
    modelled: z.array(z.string()),
    selection: SelectionSchema.optional(),
  }),
  /** The torch loader's consumer on a CUDA GPU: real copies and a calibrated matmul load, timed with CUDA events. */
  z.object({
    kind: z.literal("cuda"),
    stepModel: StepModelSchema,
    device: CudaDeviceSchema,
    calibration: CudaCalibrationSchema,
    modelled: z.array(z.string()),
    selection: SelectionSchema.optional(),
  }),
]);

/** One process of the torch loader's tree over a trial: the DataLoader's main process or one of its workers. */
export const ProcessUseSchema = z.object({
  role: z.enum(["main", "worker"]),
  pid: z.number().int(),
  userS: z.number(),
  systemS: z.number(),
  peakRssMiB: z.number(),
  reads: z.object({ allBytes: z.number(), storageBytes: z.number() }).nullable(),
});

/** The torch loader: the interpreter, its versions, and the consumer that ran in it. */
export const LoaderInfoSchema = z.object({
  /** --loader as given, and why the loaders were the ones used (auto's choice). */
  requested: z.array(z.enum(["auto", ...LOADERS])),
  reason: z.string(),
  torch: z
    .object({
      interpreter: z.string(),
      pythonVersion: z.string(),
      torchVersion: z.string(),
      numpyVersion: z.string().nullable(),
      h5pyVersion: z.string().nullable(),
      pilVersion: z.string().nullable(),
      torchvisionVersion: z.string().nullable(),
      /** How images were decoded in the workers (image folders only). */
      decoder: z.enum(["pil", "torchvision"]).nullable(),
      consumer: ConsumerInfoSchema,
    })
    .nullable(),
});
export type LoaderInfo = z.infer<typeof LoaderInfoSchema>;

const percentiles = z.object({ mean: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() });

export const TrialMetricsSchema = z.object({
  /** Length of the measured window (warm-up excluded), seconds. */
  windowS: z.number(),
  steps: z.number().int(),
  batches: z.number().int(),
  /** Samples loaded from the dataset in the window; echoed uses are not counted again. */
  freshSamples: z.number().int(),
  /** Samples the steps consumed, echoed uses included. */
  consumedSamples: z.number().int(),
  samplesPerS: z.number(),
  stepsPerS: z.number(),
  consumedSamplesPerS: z.number(),
  /** Accelerator utilisation: device-busy time / wall time (DLIO, MLPerf Storage). */
  au: z.number(),
  /**
   * Share of the window the device sat waiting for a batch. The sim consumer's device is idle only
   * for that (1 - AU); the webgpu consumer's is also idle while its host thread submits work and
   * waits for results, which is not the input's fault: that share is hostOverheadFraction.
   */
  stallFraction: z.number(),
  /** webgpu only: idle share spent in the consumer's own host work (1 - AU - stall). */
  hostOverheadFraction: z.number().optional(),
  /** Wait before each step for its batch, milliseconds. */
  waitMs: percentiles,
  /** Reading and transforming one batch, where it ran (worker or main thread), milliseconds. */
  loadMsPerBatch: percentiles,
  transport: z.object({
    msPerBatch: percentiles,
    bytesCopied: z.number(),
    bytesDelivered: z.number(),
    deliveredMBPerS: z.number(),
  }),
  /** Resident memory of the whole process: the trial's peak, and where it stood when the trial began. */
  peakRssMiB: z.number(),
  startRssMiB: z.number(),
  /**
   * CPU seconds of this process over the window, every thread (workers, consumer, sampler): the
   * loader's own CPU, apart from whatever else runs on the host. With the webgpu consumer on a CPU
   * adapter the driver's threads are in it too.
   */
  processCpu: z.object({ userS: z.number(), systemS: z.number() }).optional(),
  /** torch: the first batch after iter() (worker start-up), kept out of the window, ms. */
  firstBatchMs: z.number().optional(),
  /** torch: every process of the loader (main and workers), CPU in the window, peak memory and reads over the trial. */
  processes: z.array(ProcessUseSchema).optional(),
  /** This process's reads over the trial (warm-up included): every read vs reads that reached storage. */
  reads: z.object({ allBytes: z.number(), storageBytes: z.number() }).nullable(),
  /** The device's side: modelled by the sim consumer, measured on a real GPU by the webgpu consumer. */
  device: z.object({
    basis: z.enum(["modelled", "measured"]),
    deviceBusyS: z.number(),
    h2dMsPerBatch: z.number(),
    /** Compute time of one step (the copy excluded). */
    deviceMsPerStep: z.number(),
    /** Bytes copied host to device in the window, and the speed of those copies. */
    h2dBytes: z.number(),
    h2dGBPerS: z.number(),
  }),
});

export const TrialResultSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("ok"),
    spec: TrialSpecSchema,
    /** The measured window on the timeline's clock (ms since the sampler started). */
    window: z.object({ startMs: z.number(), endMs: z.number() }),
    metrics: TrialMetricsSchema,
    telemetry: TelemetrySummarySchema,
    notes: z.array(z.string()),
  }),
  z.object({ status: z.literal("failed"), spec: TrialSpecSchema, reason: z.string() }),
]);

export const RunResultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  kind: z.literal("gpuprof.run"),
  tool: ToolSchema,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** True when Ctrl-C stopped the sweep: the trials listed are the ones that finished. */
  interrupted: z.boolean(),
  host: z.object({
    hostname: z.string(),
    logicalCores: z.number().int(),
    usableCores: z.number(),
    memTotalMiB: z.number().nullable(),
    gpus: z.array(GpuIdentitySchema),
    /** CPU model and operating system (absent from results written before gpuprof recorded them). */
    cpuModel: z.string().nullable().optional(),
    os: z.string().nullable().optional(),
  }),
  dataset: z.object({
    label: z.string(),
    origin: z.enum(["synthetic", "user"]),
    /** "python": the user's own Dataset, made by --dataset-factory. */
    kind: z.enum(["npy", "raw-files", "image-files", "h5", "python"]),
    location: z.string(),
    count: z.number().int(),
    sampleShape: z.array(z.number().int()),
    sampleBytes: z.number().int(),
    diskBytes: z.number(),
    /** MemAvailable when the run started: a dataset smaller than this is probably read from the page cache. */
    memAvailableMiB: z.number().nullable(),
    fitsInPageCache: z.boolean().nullable(),
    generatedNow: z.boolean(),
    /** The user's Dataset (kind "python"): the dtype of a sample's largest tensor, as torch names it. */
    sampleDtype: z.string().optional(),
    /** HDF5 data: the dataset, its chunking, and the chunk cache each worker held. */
    h5: z
      .object({
        dataset: z.string(),
        chunks: z.array(z.number().int()).nullable(),
        compressed: z.boolean(),
        cache: z.object({ nbytes: z.number(), nslots: z.number(), w0: z.number() }),
      })
      .optional(),
  }),
  /** The harness's consumer; for a sweep of the torch loader alone, the torch loader's. */
  consumer: ConsumerInfoSchema,
  /** The loaders of the sweep (absent before 0.2: the harness alone). */
  loader: LoaderInfoSchema.optional(),
  settings: z.object({
    batch: z.number().int().positive(),
    prefetch: z.number().int().positive(),
    dropLast: z.boolean(),
    order: z.enum(["sequential", "shuffle"]),
    seed: z.number().int(),
    cold: z.boolean(),
    warmupSteps: z.number().int().nonnegative(),
    durationS: z.number().positive().nullable(),
    steps: z.number().int().positive().nullable(),
  }),
  plan: z.object({ trials: z.array(TrialSpecSchema), estimatedS: z.number() }),
  trials: z.array(TrialResultSchema),
  /** The trial recommended: most fresh samples/s, ties (within 5%) to fewer workers and smaller dtypes. */
  bestTrialId: z.number().int().nullable(),
  notes: z.array(z.string()),
  telemetryNotes: z.array(TelemetryNoteSchema),
});

export type ConsumerInfo = z.infer<typeof ConsumerInfoSchema>;
export type TrialMetrics = z.infer<typeof TrialMetricsSchema>;
export type TrialResult = z.infer<typeof TrialResultSchema>;
export type RunResults = z.infer<typeof RunResultsSchema>;
