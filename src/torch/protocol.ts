/**
 * The messages between gpuprof (Node) and its Python side (python/gpuprof_torch), one JSON object
 * per line. Node writes requests on the child's fd 3 and reads replies from its fd 4, so whatever
 * the user's Dataset prints on stdout or stderr never mixes with them.
 * python/gpuprof_torch/protocol.py defines the same messages on the Python side: change both.
 */
import { z } from "zod";
import { CudaCalibrationSchema, CudaDeviceSchema, ProcessUseSchema, StepModelSchema } from "../store/results-schema.js";

export const PROTOCOL_VERSION = 1;

/** The oldest torch whose DataLoader has every argument the sweep sets (prefetch_factor, persistent_workers). */
export const MIN_TORCH = "1.8";

/** Where the samples come from, read the way PyTorch users read each kind. */
export const TorchDatasetSchema = z.discriminatedUnion("kind", [
  /** np.load(path, mmap_mode="r"), opened in each worker; nhwc files are transposed to C x H x W. */
  z.object({
    kind: z.literal("npy"),
    path: z.string(),
    count: z.number().int(),
    sampleShape: z.array(z.number().int()),
    layout: z.enum(["nchw", "nhwc"]),
  }),
  /** One raw uint8 file per sample. */
  z.object({ kind: z.literal("raw-files"), files: z.array(z.string()), sampleShape: z.array(z.number().int()) }),
  /** Encoded images decoded as torchvision's ImageFolder does (PIL, RGB or L), resized to sampleShape when they differ. */
  z.object({
    kind: z.literal("image-files"),
    files: z.array(z.string()),
    sampleShape: z.array(z.number().int()),
    decoder: z.enum(["pil", "torchvision"]),
  }),
  /** h5py.File opened in each worker with the chunk cache given. */
  z.object({
    kind: z.literal("h5"),
    path: z.string(),
    dataset: z.string(),
    count: z.number().int(),
    sampleShape: z.array(z.number().int()),
    cache: z.object({ nbytes: z.number(), nslots: z.number(), w0: z.number() }),
  }),
  /** The user's own Dataset: `function` of the module at `file`, returning a Dataset or (Dataset, collate_fn). */
  z.object({ kind: z.literal("factory"), file: z.string(), function: z.string() }),
]);
export type TorchDataset = z.infer<typeof TorchDatasetSchema>;

export const TorchConsumerRequestSchema = z.object({
  kind: z.enum(["sim", "cuda"]),
  stepModel: StepModelSchema,
  /** sim: the modelled host-to-device copy speed. */
  h2dGBPerS: z.number(),
  /** cuda: the torch device index; null picks cuda:0. */
  device: z.number().int().nullable(),
  /** cuda: the batch the matmul load is calibrated for. */
  batch: z.number().int(),
});

/** One trial's settings, as DataLoader arguments and the consumer loop's. */
export const TorchTrialSchema = z.object({
  id: z.number().int(),
  workers: z.number().int().nonnegative(),
  /** uint8: the consumer normalises; float32/float16: normalised in the worker; dataset: the Dataset's own. */
  dtype: z.enum(["uint8", "float16", "float32", "dataset"]),
  pinMemory: z.boolean(),
  echo: z.number().int().positive(),
  echoSplit: z.number().int().positive(),
  /** Workers return a preallocated tensor of the batch's shape: PyTorch's own ceiling. */
  baseline: z.boolean(),
  batch: z.number().int().positive(),
  prefetch: z.number().int().positive(),
  dropLast: z.boolean(),
  order: z.enum(["sequential", "shuffle"]),
  seed: z.number().int(),
  warmupSteps: z.number().int().nonnegative(),
  durationS: z.number().positive().nullable(),
  steps: z.number().int().positive().nullable(),
  dataset: TorchDatasetSchema,
});
export type TorchTrial = z.infer<typeof TorchTrialSchema>;

export const ToPythonSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), protocol: z.number().int() }),
  /** Opens the dataset in the Python process and says what one sample is. */
  z.object({ type: z.literal("describe"), dataset: TorchDatasetSchema }),
  z.object({ type: z.literal("open-consumer"), consumer: TorchConsumerRequestSchema }),
  z.object({ type: z.literal("trial"), trial: TorchTrialSchema }),
  /** Ends the trial in progress (Ctrl-C): its DataLoader and workers shut down, then `trial-stopped`. */
  z.object({ type: z.literal("stop") }),
  z.object({ type: z.literal("bye") }),
]);
export type ToPython = z.infer<typeof ToPythonSchema>;

/** Per loaded batch in the measured window, in step order (all arrays have one entry per batch). */
const BatchRecordsSchema = z.object({
  /** The device's wait for this batch: max(0, batch in hand - device free), ms. */
  waitMs: z.array(z.number()),
  /** From the first __getitem__ of the batch to the end of collate, in the process that made it, ms. */
  loadMs: z.array(z.number()),
  /** From the end of collate in the worker to the batch in the main process's hand, ms (0 for workers 0). */
  transportMs: z.array(z.number()),
  freshSamples: z.array(z.number().int()),
  /** The steps this batch made (echo x split) and the samples they consumed. */
  steps: z.array(z.number().int()),
  consumedSamples: z.array(z.number().int()),
  bytesDelivered: z.array(z.number()),
  /** Bytes copied on the way to the consumer that gpuprof can see (pin_memory's copy into pinned memory). */
  bytesCopied: z.array(z.number()),
  busyMs: z.array(z.number()),
  h2dMs: z.array(z.number()),
  h2dBytes: z.array(z.number()),
});
export type BatchRecords = z.infer<typeof BatchRecordsSchema>;

export const TorchConsumerInfoSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("sim"), h2dGBPerS: z.number() }),
  z.object({
    kind: z.literal("cuda"),
    device: CudaDeviceSchema,
    calibration: CudaCalibrationSchema,
  }),
]);
export type TorchConsumerInfo = z.infer<typeof TorchConsumerInfoSchema>;

export const FromPythonSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("ready"),
    protocol: z.number().int(),
    python: z.object({ version: z.string(), executable: z.string() }),
    /** null when torch cannot be imported; `problem` says why. */
    torch: z.object({ version: z.string(), cuda: z.array(z.object({ index: z.number().int(), name: z.string() })) }).nullable(),
    numpy: z.string().nullable(),
    h5py: z.string().nullable(),
    pil: z.string().nullable(),
    torchvision: z.string().nullable(),
    problem: z.string().nullable(),
  }),
  z.object({
    type: z.literal("described"),
    count: z.number().int().nullable(),
    /** The first sample's shape and dtype as the Dataset returns it (after collate, one sample's share). */
    sampleShape: z.array(z.number().int()),
    sampleDtype: z.string(),
    sampleBytes: z.number().int(),
    iterable: z.boolean(),
    collate: z.boolean(),
    datasetClass: z.string(),
  }),
  z.object({ type: z.literal("consumer"), info: TorchConsumerInfoSchema }),
  /** Sent at most once a second while a trial runs: the Node side knows the Python side is alive. */
  z.object({ type: z.literal("progress"), id: z.number().int(), steps: z.number().int() }),
  z.object({
    type: z.literal("trial-done"),
    id: z.number().int(),
    /** The measured window on CLOCK_MONOTONIC (time.monotonic_ns), the clock of Node's process.hrtime. */
    window: z.object({ startNs: z.number(), endNs: z.number() }),
    /** The first batch after iter(): worker start-up, kept apart from the window. */
    firstBatchMs: z.number(),
    /** The main process's resident memory when the trial began. */
    startRssMiB: z.number().optional(),
    batches: BatchRecordsSchema,
    deviceBasis: z.enum(["modelled", "measured"]),
    processes: z.array(ProcessUseSchema),
    notes: z.array(z.string()),
  }),
  /** The trial failed (an exception in the Dataset, a worker killed): `where` is the user's file:line when known. */
  z.object({ type: z.literal("trial-failed"), id: z.number().int(), reason: z.string(), where: z.string().nullable() }),
  z.object({ type: z.literal("trial-stopped"), id: z.number().int() }),
  /** A request that could not be served (bad factory, no CUDA): one line for the user. */
  z.object({ type: z.literal("error"), problem: z.string(), usage: z.boolean() }),
]);
export type FromPython = z.infer<typeof FromPythonSchema>;
