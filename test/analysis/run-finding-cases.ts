// Synthetic runs that walk every verdict and every clause of the run detectors, shared by the test
// that every message is reachable and the test that every message renders in every format.
import { detectAuVsSmi } from "../../src/analysis/detectors/au-vs-smi.js";
import { detectCpuOrIo } from "../../src/analysis/detectors/cpu-or-io.js";
import { detectDtype } from "../../src/analysis/detectors/dtype.js";
import { detectEcho } from "../../src/analysis/detectors/echo.js";
import { detectInputBound } from "../../src/analysis/detectors/input-bound.js";
import { detectLoader } from "../../src/analysis/detectors/loader.js";
import { judgedView, loaderPairs } from "../../src/analysis/loaders.js";
import { detectPageCache } from "../../src/analysis/detectors/page-cache.js";
import { detectTransport } from "../../src/analysis/detectors/transport.js";
import { detectWorkers } from "../../src/analysis/detectors/workers.js";
import { DEFAULT_THRESHOLDS as T, type Finding } from "../../src/analysis/types.js";
import type { RunResults } from "../../src/store/results-schema.js";
import { SYNTHETIC_GPU, cudaConsumer, syntheticRun, webgpuConsumer, withTorchLoader, type TrialShape } from "./synthetic-results.js";

const GPU = SYNTHETIC_GPU;
const stats = (mean: number, coverage = 1) => ({ mean, min: mean, max: mean, p5: mean, p95: mean, coverage });

/** A run on a WebGPU consumer: `software` for a CPU Vulkan driver, `physical` when it was matched to an nvidia-smi GPU. */
export function onWebgpu(run: RunResults, options: { software?: boolean; physical?: boolean } = {}): RunResults {
  return {
    ...run,
    host: { ...run.host, gpus: [GPU] },
    consumer: webgpuConsumer(options),
  };
}

/** A matched GPU whose nvidia-smi utilisation reads `smiPct` for each trial of AU `au` (5% of the busy time copies). */
function smiRun(trials: { au: number; smiPct: number; coverage?: number }[]): RunResults {
  const base = onWebgpu(syntheticRun(trials.map((t, i) => ({ workers: i, samplesPerS: 1000 + i, au: t.au }))), { physical: true });
  return {
    ...base,
    trials: base.trials.map((t, i) => {
      if (t.status !== "ok") return t;
      const spec = trials[i]!;
      const m = t.metrics;
      const busyS = m.au * m.windowS;
      return {
        ...t,
        metrics: {
          ...m,
          device: { ...m.device, basis: "measured" as const, deviceBusyS: busyS, h2dMsPerBatch: (busyS * 0.05 * 1000) / m.batches },
        },
        telemetry: {
          ...t.telemetry,
          gpus: [{ ...GPU, utilPct: stats(spec.smiPct, spec.coverage), memUsedMiB: null, powerW: null, pcieRxMBPerS: null }],
        },
      };
    }),
  };
}

const run = (shapes: TrialShape[], options?: Parameters<typeof syntheticRun>[1]): RunResults => syntheticRun(shapes, options);
const lone = run([{ workers: 1, samplesPerS: 500, au: 0.5 }]);
const noTrials: RunResults = { ...lone, trials: [] };
const noCpu = (r: RunResults): RunResults => {
  for (const t of r.trials)
    if (t.status === "ok") t.telemetry.cpu = { userPct: null, systemPct: null, iowaitPct: null, stealPct: null, idlePct: null };
  return r;
};
const mixed = run([
  { workers: 0, samplesPerS: 300, au: 0.3, userPct: 60, loadMs: 120 },
  { workers: 2, samplesPerS: 600, au: 0.6, userPct: 90, loadMs: 120 },
  { workers: 4, samplesPerS: 605, au: 0.61, userPct: 95, loadMs: 120 },
  { workers: 2, dtype: "float32", samplesPerS: 400, au: 0.4, userPct: 95, loadMs: 180 },
  { workers: 2, transport: "clone", samplesPerS: 420, au: 0.42, userPct: 92, loadMs: 120 },
]);
const fine: TrialShape = { workers: 2, samplesPerS: 1000, au: 0.99 };
/** The shape back from a synthetic trial, for a run made of some of another's trials. */
const shapeOf = (t: RunResults["trials"][number]): TrialShape => {
  if (t.status !== "ok") throw new Error("a finished trial");
  const m = t.metrics;
  return {
    loader: t.spec.loader,
    pinMemory: t.spec.pinMemory,
    workers: t.spec.workers,
    samplesPerS: m.samplesPerS,
    au: m.au,
    loadMs: m.loadMsPerBatch.mean,
    transportMs: m.transport.msPerBatch.mean,
    waitMs: m.waitMs.mean,
  };
};
const disk = { workers: 2, samplesPerS: 200, au: 0.3, userPct: 10, kernelPct: 60, storageShare: 0.9 };
const idle = { samplesPerS: 200, au: 0.3, userPct: 2, kernelPct: 1, loadMs: 100 };

/** The loader finding as analyseRun makes it: the whole run, its torch trials judged. */
export function loaderFinding(r: RunResults): Finding | null {
  return detectLoader(r, judgedView(r), loaderPairs(r, T), T);
}

const torch = (shape: TrialShape): TrialShape => ({ ...shape, loader: "torch" });
/**
 * torch at 60% of the harness at 2 workers, its per-sample load 2.5x the harness's (its best); pinned at
 * 50%, its extra time in the transport; faster than the harness at workers 0.
 */
export const torchSlowerLoad = withTorchLoader(
  run([
    { workers: 0, samplesPerS: 400, au: 0.24, loadMs: 160 },
    torch({ workers: 0, samplesPerS: 500, au: 0.3, loadMs: 128 }),
    { workers: 2, samplesPerS: 1000, au: 0.6, loadMs: 100, transportMs: 0.3, waitMs: 20 },
    torch({ workers: 2, samplesPerS: 600, au: 0.36, loadMs: 250, transportMs: 1.5, waitMs: 60 }),
    torch({ workers: 2, pinMemory: true, samplesPerS: 500, au: 0.3, loadMs: 100, transportMs: 80, waitMs: 50 }),
  ]),
);
/** torch faster than the harness at every setting both measured. */
export const torchFaster = withTorchLoader(
  run([{ workers: 2, samplesPerS: 1000, au: 0.6, loadMs: 100 }, torch({ workers: 2, samplesPerS: 1400, au: 0.8, loadMs: 70 })]),
);

/** Per detector, runs that reach each of its verdicts and clauses. */
/** The user's own Dataset (--dataset-factory) returning `sampleDtype` samples. */
function userDataset(r: RunResults, sampleDtype: string): RunResults {
  return { ...r, dataset: { ...r.dataset, kind: "python", origin: "user", diskBytes: 0, fitsInPageCache: null, sampleDtype } };
}

/** PyTorch at 0 and 2 workers, each pinned and not (a full sweep), 2 workers pinned at `pinnedRate` against 600. */
function pinned(pinnedRate: number, consumer?: RunResults["consumer"]): RunResults {
  const r = run([
    torch({ workers: 0, samplesPerS: 300, au: 0.3 }),
    torch({ workers: 0, pinMemory: true, samplesPerS: pinnedRate / 2, au: 0.3 }),
    torch({ workers: 2, samplesPerS: 600, au: 0.6 }),
    torch({ workers: 2, pinMemory: true, samplesPerS: pinnedRate, au: 0.6 }),
  ]);
  return consumer ? { ...r, consumer } : r;
}

export const CASES: Record<string, (() => Finding)[]> = {
  "cpu-or-io": [
    () => detectCpuOrIo(noTrials, T),
    () => detectCpuOrIo(run([fine]), T),
    () => detectCpuOrIo(noCpu(run([{ workers: 1, samplesPerS: 500, au: 0.5 }])), T),
    // The best does not stall; one configuration did, CPU-bound (busy cores, one loading thread).
    () => detectCpuOrIo(run([fine, { workers: 0, samplesPerS: 500, au: 0.5, userPct: 90 }]), T),
    // Two did, waiting on storage, with 1.5 loading threads on average.
    () => detectCpuOrIo(run([{ ...fine, samplesPerS: 2000 }, { ...disk, workers: 1 }, disk]), T),
    // Two did, neither CPU- nor I/O-bound.
    () => detectCpuOrIo(run([fine, { ...idle, workers: 2 }, { ...idle, workers: 2, samplesPerS: 210 }]), T),
    () => detectCpuOrIo(run([{ ...idle, workers: 2 }]), T),
    () => detectCpuOrIo(run([{ ...idle, workers: 2, userPct: 50, processUserS: 0.3 }]), T),
    () => detectCpuOrIo(run([{ ...idle, workers: 1 }], { logicalCores: 96 }), T),
    () => detectCpuOrIo(run([{ workers: 0, samplesPerS: 200, au: 0.03, userPct: 7, kernelPct: 1, loadMs: 25 }]), T),
    () => detectCpuOrIo(run([{ workers: 0, samplesPerS: 200, au: 0.03, userPct: 7, kernelPct: 1, loadMs: 25, processUserS: 1.68 }]), T),
    () => detectCpuOrIo(run([disk], { fits: true, cold: true }), T),
    () => detectCpuOrIo(run([disk], { fits: false }), T),
    () => {
      const r = run([disk]);
      return detectCpuOrIo({ ...r, dataset: { ...r.dataset, kind: "image-files" } }, T);
    },
    // The torch loader's processes: busy cores, then user CPU per second spent loading.
    () => detectCpuOrIo(run([torch({ ...fine, au: 0.5, samplesPerS: 500 })]), T),
    () => detectCpuOrIo(run([torch({ workers: 8, samplesPerS: 200, au: 0.3, userPct: 2, kernelPct: 1, loadMs: 30, workerUserS: 0.3 })]), T),
  ],
  workers: [
    () => detectWorkers(lone, T),
    // pin_memory swept: on the modelled device, then on a GPU where it helps, hurts, or ties.
    () => detectWorkers(pinned(590), T),
    () => detectWorkers(run([torch({ workers: 0, samplesPerS: 300, au: 0.3 }), torch({ workers: 2, samplesPerS: 600, au: 0.6 })]), T),
    () => detectWorkers(pinned(700, cudaConsumer()), T),
    () => detectWorkers(pinned(500, cudaConsumer()), T),
    () => detectWorkers(pinned(605, cudaConsumer()), T),
    // One worker within the tie of two, not the fastest itself.
    () =>
      detectWorkers(
        run([
          { workers: 0, samplesPerS: 500, au: 0.5 },
          { workers: 1, samplesPerS: 980, au: 0.97 },
          { workers: 2, samplesPerS: 1000, au: 0.99 },
        ]),
        T,
      ),
    () => detectWorkers(mixed, T),
    () =>
      detectWorkers(
        run([
          { workers: 0, samplesPerS: 300, au: 0.3, rssMiB: 100 },
          { workers: 2, samplesPerS: 600, au: 0.6, rssMiB: 400 },
          { workers: 4, samplesPerS: 450, au: 0.45, rssMiB: 700 },
        ]),
        T,
      ),
    () =>
      detectWorkers(
        run(
          [
            { workers: 1, samplesPerS: 600, au: 0.6 },
            { workers: 4, samplesPerS: 450, au: 0.45 },
          ],
          { usableCores: 2 },
        ),
        T,
      ),
    () =>
      detectWorkers(
        run([
          { workers: 0, samplesPerS: 300, au: 0.3 },
          { workers: 2, samplesPerS: 600, au: 0.6 },
        ]),
        T,
      ),
    () =>
      detectWorkers(
        run([
          { workers: 1, samplesPerS: 900, au: 0.5 },
          { workers: 2, samplesPerS: 700, au: 0.4 },
        ]),
        T,
      ),
    () =>
      detectWorkers(
        run([
          { workers: 0, samplesPerS: 6226, au: 1 },
          { workers: 1, samplesPerS: 6395, au: 1 },
        ]),
        T,
      ),
  ],
  dtype: [
    () => detectDtype(lone, T),
    () => detectDtype(userDataset(run([torch({ workers: 2, dtype: "dataset", samplesPerS: 600, au: 0.6 })]), "float32"), T),
    () => detectDtype(userDataset(run([torch({ workers: 2, dtype: "dataset", samplesPerS: 600, au: 0.6 })]), "uint8"), T),
    () => detectDtype(mixed, T),
    // At the best configuration's settings (4 workers, transfer), and over all pairs.
    () =>
      detectDtype(
        run([
          { workers: 0, dtype: "uint8", samplesPerS: 1000, au: 0.5 },
          { workers: 0, dtype: "float32", samplesPerS: 500, au: 0.25 },
          { workers: 4, dtype: "uint8", samplesPerS: 2040, au: 0.98 },
          { workers: 4, dtype: "float32", samplesPerS: 2000, au: 0.96 },
        ]),
        T,
      ),
    // 0 workers, echo 2: a gain.
    () =>
      detectDtype(
        run([
          { workers: 0, echo: 2, dtype: "uint8", samplesPerS: 1000, au: 0.5 },
          { workers: 0, echo: 2, dtype: "float32", samplesPerS: 500, au: 0.25 },
        ]),
        T,
      ),
    // float16, inside the tie.
    () =>
      detectDtype(
        run([
          { workers: 2, dtype: "uint8", samplesPerS: 1040, au: 0.9 },
          { workers: 2, dtype: "float16", samplesPerS: 1000, au: 0.88 },
        ]),
        T,
      ),
    // Slower, at 1 worker, in the device model, on the device, and on a CPU Vulkan driver.
    ...[undefined, { software: false }, { software: true }].map((webgpu) => () => {
      const r = run([
        { workers: 1, dtype: "uint8", samplesPerS: 770, au: 0.9 },
        { workers: 1, dtype: "float32", samplesPerS: 1000, au: 0.9 },
      ]);
      return detectDtype(webgpu ? onWebgpu(r, webgpu) : r, T);
    }),
    // The best configuration has no pair: one matched pair, then two.
    () =>
      detectDtype(
        run([
          { workers: 2, dtype: "uint8", samplesPerS: 500, au: 0.5 },
          { workers: 2, dtype: "float32", samplesPerS: 400, au: 0.4 },
          { workers: 4, dtype: "uint8", samplesPerS: 1000, au: 0.9 },
        ]),
        T,
      ),
    () =>
      detectDtype(
        run([
          { workers: 0, dtype: "uint8", samplesPerS: 300, au: 0.3 },
          { workers: 0, dtype: "float32", samplesPerS: 200, au: 0.2 },
          { workers: 2, dtype: "uint8", samplesPerS: 500, au: 0.5 },
          { workers: 2, dtype: "float32", samplesPerS: 400, au: 0.4 },
          { workers: 4, dtype: "uint8", samplesPerS: 1000, au: 0.9 },
        ]),
        T,
      ),
  ],
  echo: [
    () => detectEcho(noTrials, T),
    () => detectEcho(run([{ workers: 4, samplesPerS: 1700, au: 0.9, loadMs: 100, deviceMsPerBatch: 36 }]), T),
    // Echo 4 was swept too (and was slower), so the advice may name a factor up to 4.
    () =>
      detectEcho(
        run([
          { workers: 1, samplesPerS: 200, au: 0.3, loadMs: 110, deviceMsPerBatch: 36 },
          { workers: 1, echo: 4, samplesPerS: 150, au: 0.9, loadMs: 110, deviceMsPerBatch: 144 },
        ]),
        T,
      ),
    () => detectEcho(run([{ workers: 1, samplesPerS: 200, au: 0.99, loadMs: 110, deviceMsPerBatch: 36 }]), T),
    () => detectEcho(run([{ workers: 1, echo: 4, samplesPerS: 400, au: 0.98, loadMs: 120, deviceMsPerBatch: 140 }]), T),
    () => detectEcho(run([{ workers: 1, echo: 8, samplesPerS: 400, au: 0.98, loadMs: 120, deviceMsPerBatch: 280 }]), T),
    () => detectEcho(run([{ workers: 0, samplesPerS: 1100, au: 0.64, loadMs: 20, deviceMsPerBatch: 36 }]), T),
    // Sub-millisecond times.
    () => detectEcho(run([{ workers: 4, samplesPerS: 1700, au: 0.9, loadMs: 0.5, deviceMsPerBatch: 0.3 }]), T),
  ],
  "input-bound": [
    () => detectInputBound(noTrials, T),
    () => detectInputBound(run([{ workers: 2, samplesPerS: 900, au: 0.6, hostOverhead: 0.38 }]), T),
    () => detectInputBound(mixed, T),
    () => detectInputBound(run([{ workers: 2, samplesPerS: 900, au: 0.87 }]), T),
    () => detectInputBound(run([{ workers: 2, samplesPerS: 900, au: 0.97 }]), { ...T, auTarget: 0.99 }),
    () => detectInputBound(run([{ workers: 2, samplesPerS: 900, au: 0.91 }]), T),
    () =>
      detectInputBound(
        run([
          { workers: 2, samplesPerS: 900, au: 0.95 },
          { workers: 0, samplesPerS: 800, au: 0.92 },
        ]),
        T,
      ),
    () =>
      detectInputBound(
        run([
          { workers: 2, samplesPerS: 900, au: 0.95 },
          { workers: 0, samplesPerS: 500, au: 0.5 },
        ]),
        T,
      ),
    () =>
      detectInputBound(
        run([
          { workers: 2, samplesPerS: 900, au: 0.95 },
          { workers: 0, samplesPerS: 500, au: 0.5 },
          { workers: 1, samplesPerS: 600, au: 0.6 },
        ]),
        T,
      ),
  ],
  "page-cache": [
    () => detectPageCache(noTrials),
    () => detectPageCache(run([{ workers: 1, samplesPerS: 100, au: 1 }], { fits: null })),
    () => detectPageCache(run([{ workers: 1, samplesPerS: 100, au: 1, storageShare: 0 }], { cold: true })),
    () => detectPageCache(run([{ workers: 1, samplesPerS: 100, au: 1, storageShare: 0.6 }], { cold: true })),
    () => detectPageCache(run([{ workers: 1, samplesPerS: 100, au: 1, storageShare: 0.6 }], { fits: false })),
    () => detectPageCache(mixed),
    () => detectPageCache(userDataset(run([torch({ workers: 1, samplesPerS: 100, au: 1, storageShare: 0.2 })]), "float32")),
  ],
  transport: [
    () => detectTransport(lone, T),
    () => detectTransport(run([torch({ workers: 2, samplesPerS: 600, au: 0.6 })]), T),
    () =>
      detectTransport(
        run([
          { workers: 2, transport: "transfer", samplesPerS: 600, au: 0.6 },
          { workers: 2, transport: "shared", samplesPerS: 600, au: 0.6 },
        ]),
        T,
      ),
    () => detectTransport(mixed, T),
    () =>
      detectTransport(
        run([
          { workers: 2, transport: "transfer", samplesPerS: 600, au: 0.6 },
          { workers: 2, transport: "clone", samplesPerS: 600, au: 0.6 },
        ]),
        T,
      ),
  ],
  loader: [
    // Harness only: from an old file, then where --loader auto fell back to the harness.
    () => loaderFinding(lone)!,
    () => loaderFinding(withTorchLoader(run([{ workers: 0, samplesPerS: 300, au: 0.3 }, fine]), { requested: ["auto"] }))!,
    // Both, at no setting in common.
    () => loaderFinding(withTorchLoader(run([fine, torch({ ...fine, workers: 4 })])))!,
    // torch slower, its load the cause; at the best configuration, with others faster.
    () => loaderFinding(torchSlowerLoad)!,
    () => loaderFinding(withTorchLoader(run([torchSlowerLoad.trials[2]!, torchSlowerLoad.trials[3]!].map(shapeOf))))!,
    // The transport, the main process, as fast, faster.
    () =>
      loaderFinding(
        withTorchLoader(
          run([
            { workers: 2, samplesPerS: 1000, au: 0.6, loadMs: 100, transportMs: 0.3 },
            torch({ workers: 2, samplesPerS: 500, au: 0.3, loadMs: 100, transportMs: 60 }),
          ]),
        ),
      )!,
    () =>
      loaderFinding(
        withTorchLoader(
          run([{ workers: 0, samplesPerS: 1000, au: 0.6, loadMs: 100 }, torch({ workers: 0, samplesPerS: 500, au: 0.3, loadMs: 100 })]),
        ),
      )!,
    () =>
      loaderFinding(withTorchLoader(run([{ workers: 2, samplesPerS: 1000, au: 0.6 }, torch({ workers: 2, samplesPerS: 990, au: 0.6 })])))!,
    () => loaderFinding(torchFaster)!,
  ],
  "au-vs-smi": [
    () => detectAuVsSmi(lone, T),
    () => detectAuVsSmi(onWebgpu(lone), T),
    () => detectAuVsSmi(onWebgpu(lone, { software: true }), T),
    () => detectAuVsSmi(smiRun([{ au: 0.9, smiPct: 85, coverage: 0.2 }]), T),
    () =>
      detectAuVsSmi(
        smiRun([
          { au: 0.5, smiPct: 47.5 },
          { au: 0.95, smiPct: 90 },
        ]),
        T,
      ),
    () =>
      detectAuVsSmi(
        smiRun([
          { au: 0.5, smiPct: 98 },
          { au: 0.9, smiPct: 86 },
        ]),
        T,
      ),
    () => detectAuVsSmi(smiRun([{ au: 0.9, smiPct: 40 }]), T),
  ],
};

// Every case runs before the checks, so each detector's check sees all it rendered.
