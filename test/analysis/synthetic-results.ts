// Seeded synthetic run results for the analysis tests: the shape of a real results.json with the
// numbers a scenario asks for, plus multiplicative noise.
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RunResults, TrialMetrics, TrialResult, TrialSpec } from "../../src/store/results-schema.js";

export interface TrialShape {
  loader?: TrialSpec["loader"];
  pinMemory?: boolean;
  workers: number;
  dtype?: TrialSpec["dtype"];
  transport?: TrialSpec["transport"];
  echo?: number;
  samplesPerS: number;
  au: number;
  userPct?: number;
  kernelPct?: number;
  storageShare?: number;
  loadMs?: number;
  deviceMsPerBatch?: number;
  rssMiB?: number;
  /** A real device's idle share that is the consumer's own host work, not waiting for batches. */
  hostOverhead?: number;
  /** gpuprof's own user CPU seconds over the window (metrics.processCpu); absent in older results. */
  processUserS?: number;
  /** Worker to main per batch, ms (default 30 for clone, else 0.3). */
  transportMs?: number;
  waitMs?: number;
  /** torch trials: the first batch after iter(), ms (default 900), and each worker's peak RSS (default 400 MiB). */
  firstBatchMs?: number;
  workerRssMiB?: number;
  workerUserS?: number;
}

const stats = (mean: number) => ({ mean, min: mean, max: mean, p5: mean, p95: mean, coverage: 1 });

export function syntheticRun(
  shapes: TrialShape[],
  options: { noise?: number; seed?: number; fits?: boolean | null; cold?: boolean; usableCores?: number; logicalCores?: number } = {},
): RunResults {
  const rng = xoroshiro128plus(options.seed ?? 1);
  const jitter = (v: number): number => v * (1 + (uniformInt(rng, -1000, 1000) / 1000) * (options.noise ?? 0));
  const trials: TrialResult[] = shapes.map((s, i) => {
    const batches = 100;
    const samplesPerS = jitter(s.samplesPerS);
    const au = Math.min(1, Math.max(0, jitter(s.au)));
    const deviceMs = s.deviceMsPerBatch ?? 36;
    const bytesPerBatch = 64 * 116412 * (s.dtype === "float32" ? 4 : s.dtype === "float16" ? 2 : 1);
    const all = 1e9;
    const z = { mean: 1, p50: 1, p95: 2, p99: 3, max: 4 };
    return {
      status: "ok",
      spec: {
        id: i + 1,
        loader: s.loader ?? "harness",
        workers: s.workers,
        dtype: s.dtype ?? "uint8",
        transport: s.workers === 0 || s.loader === "torch" ? "none" : (s.transport ?? "transfer"),
        echo: s.echo ?? 1,
        echoSplit: 1,
        baseline: false,
        repeat: 1,
        pinMemory: s.pinMemory ?? false,
      },
      window: { startMs: i * 4000, endMs: i * 4000 + 3000 },
      metrics: {
        windowS: 3,
        steps: batches,
        batches,
        freshSamples: batches * 64,
        consumedSamples: batches * 64,
        samplesPerS,
        stepsPerS: samplesPerS / 64,
        consumedSamplesPerS: samplesPerS,
        au,
        stallFraction: Math.max(0, 1 - au - (s.hostOverhead ?? 0)),
        ...(s.hostOverhead !== undefined ? { hostOverheadFraction: s.hostOverhead } : {}),
        waitMs: s.waitMs === undefined ? z : { ...z, mean: s.waitMs },
        loadMsPerBatch: { ...z, mean: s.loadMs ?? 10 },
        transport: {
          msPerBatch: { ...z, mean: s.transportMs ?? (s.transport === "clone" ? 30 : 0.3) },
          bytesCopied: s.transport === "clone" ? bytesPerBatch * batches : 0,
          bytesDelivered: bytesPerBatch * batches,
          deliveredMBPerS: 0,
        },
        ...(s.processUserS !== undefined ? { processCpu: { userS: s.processUserS, systemS: 0.1 } } : {}),
        ...(s.loader === "torch" ? torchProcesses(s, i) : {}),
        peakRssMiB: s.rssMiB ?? 100 + 150 * s.workers,
        startRssMiB: 90,
        reads: { allBytes: all, storageBytes: Math.round(all * (s.storageShare ?? 0)) },
        device: {
          basis: "modelled",
          deviceBusyS: (deviceMs * batches) / 1000,
          h2dMsPerBatch: 0.3,
          deviceMsPerStep: deviceMs,
          h2dBytes: batches * 64 * 1000,
          h2dGBPerS: 25,
        },
      },
      telemetry: {
        durationS: 3,
        sampleCount: 30,
        cpu: {
          userPct: stats(s.userPct ?? 50),
          systemPct: stats((s.kernelPct ?? 5) / 2),
          iowaitPct: stats((s.kernelPct ?? 5) / 2),
          stealPct: stats(0),
          idlePct: stats(40),
        },
        io: {
          procReadMBPerS: stats(100),
          procStorageReadMBPerS: stats(0),
          diskReadMBPerS: stats(0),
          procReadBytes: 0,
          procStorageReadBytes: 0,
          diskReadBytes: 0,
        },
        gpus: [],
      },
      notes: [],
    };
  });
  return {
    schemaVersion: 2,
    kind: "gpuprof.run",
    tool: { name: "gpuprof", version: "0.0.0" },
    startedAt: "2026-11-23T00:00:00.000Z",
    finishedAt: "2026-11-23T00:01:00.000Z",
    interrupted: false,
    host: {
      hostname: "test-host",
      logicalCores: options.logicalCores ?? 8,
      usableCores: options.usableCores ?? options.logicalCores ?? 8,
      memTotalMiB: 32000,
      gpus: [],
    },
    dataset: {
      label: "synthetic npy",
      origin: "synthetic",
      kind: "npy",
      location: "/tmp/x.npy",
      count: 2048,
      sampleShape: [3, 218, 178],
      sampleBytes: 116412,
      diskBytes: 238e6,
      memAvailableMiB: 20000,
      fitsInPageCache: options.fits === undefined ? true : options.fits,
      generatedNow: false,
    },
    consumer: {
      kind: "sim",
      stepModel: { kind: "fixed", msPerBatch: 36, batch: 64 },
      h2dGBPerS: 25,
      modelled: ["device step time", "host-to-device copy time"],
    },
    settings: {
      batch: 64,
      prefetch: 2,
      dropLast: false,
      order: "shuffle",
      seed: 0,
      cold: options.cold ?? false,
      warmupSteps: 5,
      durationS: 3,
      steps: null,
    },
    plan: { trials: trials.map((t) => t.spec), estimatedS: 10 },
    trials,
    bestTrialId: null,
    notes: [],
    telemetryNotes: [],
  };
}

/** A torch trial's processes: the main process and one per worker, the workers' CPU and memory growing with their count. */
function torchProcesses(s: TrialShape, i: number): Pick<TrialMetrics, "firstBatchMs" | "processes"> {
  const reads = { allBytes: 5e8, storageBytes: 0 };
  const workers = Array.from({ length: s.workers }, (_, w) => ({
    role: "worker" as const,
    pid: 2000 + 100 * i + w,
    userS: s.workerUserS ?? 2.4,
    systemS: 0.2,
    peakRssMiB: (s.workerRssMiB ?? 400) + 10 * w,
    reads,
  }));
  return {
    firstBatchMs: s.firstBatchMs ?? 900,
    processes: [
      { role: "main", pid: 1000 + i, userS: 1.1, systemS: 0.3, peakRssMiB: 900, reads: s.workers === 0 ? reads : null },
      ...workers,
    ],
  };
}

/** A torch loader as results.json records it: the interpreter, its versions and its consumer (the run's own when none is given). */
export function withTorchLoader(
  run: RunResults,
  options: {
    consumer?: RunResults["consumer"];
    requested?: NonNullable<RunResults["loader"]>["requested"];
    decoder?: "pil" | "torchvision" | null;
  } = {},
): RunResults {
  return {
    ...run,
    loader: {
      requested: options.requested ?? ["harness", "torch"],
      reason: "asked for with --loader",
      torch: {
        interpreter: "/usr/bin/python3",
        pythonVersion: "3.11.9",
        torchVersion: "2.3.1",
        numpyVersion: "1.26.4",
        h5pyVersion: null,
        pilVersion: "10.3.0",
        torchvisionVersion: null,
        decoder: options.decoder === undefined ? "pil" : options.decoder,
        consumer: options.consumer ?? run.consumer,
      },
    },
  };
}

/** A CUDA consumer of the torch loader, as results.json records it. */
export function cudaConsumer(): Extract<RunResults["consumer"], { kind: "cuda" }> {
  return {
    kind: "cuda",
    stepModel: { kind: "fixed", msPerBatch: 36, batch: 64 },
    device: { index: 3, name: "NVIDIA H100 80GB HBM3", capability: "9.0", totalMiB: 81559 },
    calibration: { targetMsPerBatch: 36, batch: 64, matrixN: 4096, matmulsPerBatch: 40, achievedMsPerBatch: 36.2, tflopsPerS: 190 },
    modelled: ["what the GPU computes"],
  };
}

/** The nvidia-smi GPU the synthetic WebGPU adapter is. */
export const SYNTHETIC_GPU = { index: 3, name: "NVIDIA H100 80GB HBM3", uuid: "GPU-3", busId: "00000000:1B:00.0" };

/**
 * A WebGPU consumer as results.json records it: `software` for a CPU Vulkan driver, `physical` when it
 * was matched to the nvidia-smi GPU (`busId: false` for one without a bus id), `timestamps: false`
 * where the device had no GPU timestamps.
 */
export function webgpuConsumer(
  options: {
    software?: boolean;
    physical?: boolean;
    busId?: boolean;
    timestamps?: boolean;
    stepModel?: Extract<RunResults["consumer"], { kind: "webgpu" }>["stepModel"];
  } = {},
): Extract<RunResults["consumer"], { kind: "webgpu" }> {
  const gpu = SYNTHETIC_GPU;
  return {
    kind: "webgpu",
    stepModel: options.stepModel ?? { kind: "fixed", msPerBatch: 36, batch: 64 },
    adapter: {
      index: 0,
      backend: "vulkan",
      name: options.software ? "llvmpipe" : gpu.name,
      vendor: "nvidia",
      architecture: "hopper",
      description: "",
      software: options.software ?? false,
    },
    physicalGpu: options.physical ? { ...gpu, busId: options.busId === false ? null : gpu.busId, identifiedBy: "load" } : null,
    deviceTiming: options.timestamps === false ? "submit-to-completion" : "gpu-timestamps",
    upload: { method: "write-buffer", bytes: 7e6, gbPerS: { "write-buffer": 20, "mapped-staging": 12 } },
    calibration: {
      targetMsPerBatch: 36,
      batch: 64,
      matrixN: 1024,
      dispatchesPerBatch: 40,
      achievedMsPerBatch: 36.1,
      gflopsPerS: 2400,
      window: null,
    },
    modelled: ["what the GPU computes"],
  };
}
