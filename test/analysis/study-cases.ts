// Synthetic h5 studies and watched runs that between them reach every verdict and every clause of
// the h5 and watch detectors: the message test renders them all, in every format.
import { MISSING_READING } from "../../src/telemetry/nvidia-smi/query-format.js";
import type { H5ConfigResult, H5Results } from "../../src/store/h5-results-schema.js";
import type { WatchResult } from "../../src/store/summary-schema.js";
import { summarizeTelemetry } from "../../src/telemetry/summary.js";
import type { Sample } from "../../src/telemetry/types.js";

const MiB = 1024 ** 2;

export function h5Config(
  id: number,
  nbytes: number,
  hitRate: number,
  samplesPerS: number | null,
  access: H5ConfigResult["access"] = "random",
): H5ConfigResult {
  const epoch = {
    hitRate,
    chunkReads: 100,
    hits: Math.round(hitRate * 100),
    misses: 100 - Math.round(hitRate * 100),
    bypasses: 0,
    bytesFetched: 1e6,
    bytesDelivered: 1e6,
    readAmplification: 1,
  };
  const live =
    samplesPerS === null
      ? null
      : ({
          wallS: 1,
          samplesPerS,
          deliveredMBPerS: 1,
          measuredBytes: 1,
          storageBytes: 0,
          simulatedBytes: 1,
          difference: 0,
          agrees: true,
          telemetry: { cpu: {} },
        } as unknown as H5ConfigResult["live"]);
  return {
    id,
    file: 0,
    cache: { nbytes, nslots: 521, w0: 0.75 },
    access,
    workers: 1,
    simulated: { epochs: [epoch, epoch], peakCacheBytes: nbytes },
    live,
    notes: [],
    error: null,
  };
}

export function h5Study(
  configs: H5ConfigResult[],
  options: { fits?: boolean | null; epochs?: number; smallest?: number | null } = {},
): H5Results {
  return {
    schemaVersion: 1,
    kind: "gpuprof.h5",
    tool: { name: "gpuprof", version: "0" },
    startedAt: "",
    finishedAt: null,
    interrupted: false,
    settings: { batch: 64, epochs: options.epochs ?? 2, seed: 0, windowChunks: 4, targetHitRate: 0.9, trace: null },
    files: [
      {
        path: "/d.h5",
        dataset: "/images",
        origin: "synthetic",
        shape: [1000, 3, 218, 178],
        chunks: [100, 3, 218, 178],
        compression: "none",
        chunkCount: 10,
        chunkBytes: 11641200,
        storedChunkBytes: 11641200,
        fileBytes: 116412000,
        fitsInPageCache: options.fits === undefined ? true : options.fits,
      },
    ],
    configs,
    smallestCache:
      options.smallest === undefined
        ? []
        : [...new Set(configs.map((c) => c.access))].map((access) => ({ file: 0, access, workers: 1, nbytes: options.smallest! })),
    notes: [],
  };
}

/** One study per verdict and clause of detectH5, named for what it reaches. */
export function h5Cases(): Record<string, H5Results> {
  const c = h5Config;
  return {
    "no chunked configuration": h5Study([{ ...c(1, MiB, 0, 100), simulated: null }]),
    "settled, many chunks": h5Study([c(1, MiB, 0, 900), c(2, 64 * MiB, 0.95, 1000)]),
    "settled, one chunk, one cold epoch, nothing read": h5Study([c(1, 16 * MiB, 0.95, null)], { epochs: 1 }),
    "target unreachable": h5Study([c(1, MiB, 0.005, 900), c(2, 8 * MiB, 0.08, 950)], { smallest: null }),
    "target by the search": h5Study([c(1, MiB, 0.005, 900), c(2, 8 * MiB, 0.08, 950)], { smallest: 24 * MiB }),
    "a smaller cache reaches the target": h5Study([c(1, 64 * MiB, 1, 1000)], { smallest: 32 * MiB }),
    "faster with the same hits": h5Study([c(1, 64 * MiB, 0.99, 1000), c(2, 1024 * MiB, 0.99, 1060)]),
    "faster with fewer hits, within noise": h5Study([c(1, MiB, 0, 1150), c(2, 64 * MiB, 0.95, 1000)]),
    "caching does not pay, page-cached": h5Study([c(1, MiB, 0, 2000), c(2, 64 * MiB, 0.95, 1000)]),
    "caching does not pay, not page-cached": h5Study([c(1, MiB, 0, 2000), c(2, 64 * MiB, 0.95, 1000)], { fits: false }),
    "sequential, with a chunk-shuffle to train with": h5Study([
      c(1, 64 * MiB, 1, 3000, "sequential"),
      c(2, 64 * MiB, 0.97, 1000, "chunk-shuffle"),
      c(3, MiB, 0, 900),
    ]),
    "sequential alone": h5Study([c(1, 64 * MiB, 1, 3000, "sequential")]),
  };
}

export function watchRun(samples: Sample[], withGpu = true): { result: WatchResult; samples: Sample[] } {
  const gpus = withGpu ? [{ index: 0, name: "NVIDIA H100 80GB HBM3", uuid: null, busId: null }] : [];
  const summary = summarizeTelemetry(samples, gpus);
  const result = {
    schemaVersion: 1,
    kind: "gpuprof.watch",
    tool: { name: "gpuprof", version: "0" },
    command: ["python", "train.py"],
    startedAt: "",
    intervalMs: 100,
    exit: { code: 0, signal: null },
    exitCode: 0,
    interrupted: false,
    outDir: "",
    files: { timelineJson: "", timelineCsv: "", summaryJson: "" },
    summary,
    notes: [],
  } as WatchResult;
  return { result, samples };
}

export function gpuRow(utilPct: number | null = null) {
  return { index: 0, ageMs: 10, ...MISSING_READING, utilPct, memUsedMiB: null as number | null, pcieRxMBPerS: null, pcieTxMBPerS: null };
}

export function watchSamples(
  n: number,
  f: (i: number) => { gpu: number | null; user: number; sys: number; wa: number; storage: number },
): Sample[] {
  return Array.from({ length: n }, (_, i) => {
    const v = f(i);
    const cpu = {
      userPct: v.user,
      nicePct: 0,
      systemPct: v.sys,
      iowaitPct: v.wa,
      irqPct: 0,
      softirqPct: 0,
      stealPct: 0,
      idlePct: 100 - v.user - v.sys - v.wa,
    };
    return {
      tMs: i * 100,
      cpu,
      cores: [],
      mem: { totalMiB: null, availableMiB: null, pageCacheMiB: null },
      io: { procReadBytesPerS: 1e7, procStorageReadBytesPerS: v.storage, diskReadBytesPerS: null },
      gpus: v.gpu === null ? [] : [gpuRow(v.gpu)],
    };
  });
}

/** One watched run per verdict and clause of detectWatch, named for what it reaches. */
export function watchCases(): Record<string, { result: WatchResult; samples: Sample[] }> {
  const s = watchSamples;
  const irregular = new Set([10, 11, 25, 26, 80, 81, 90, 91]);
  const idle = s(50, () => ({ gpu: 0, user: 90, sys: 5, wa: 0, storage: 0 })).map((x) => ({
    ...x,
    gpus: x.gpus.map((g) => ({ ...g, memUsedMiB: 0 })),
  }));
  const na = s(50, () => ({ gpu: null, user: 60, sys: 5, wa: 0, storage: 0 })).map((x) => ({ ...x, gpus: [gpuRow()] }));
  const noCpu = watchRun(s(50, () => ({ gpu: 97, user: 30, sys: 3, wa: 0, storage: 0 })));
  noCpu.result = { ...noCpu.result, summary: { ...noCpu.result.summary, cpu: { ...noCpu.result.summary.cpu, userPct: null } } };
  return {
    "compute-bound": watchRun(s(100, () => ({ gpu: 97, user: 30, sys: 3, wa: 0, storage: 0 }))),
    "compute-bound, periodic dips": watchRun(s(200, (i) => ({ gpu: i % 40 < 38 ? 98 : 5, user: 30, sys: 3, wa: 0, storage: 0 }))),
    "compute-bound, irregular dips": watchRun(s(120, (i) => ({ gpu: irregular.has(i) ? 5 : 98, user: 40, sys: 5, wa: 0, storage: 0 }))),
    "io-bound input": watchRun(s(100, () => ({ gpu: 35, user: 15, sys: 20, wa: 30, storage: 5e7 }))),
    "io-bound input, periodic dips": watchRun(s(200, (i) => ({ gpu: i % 40 < 10 ? 98 : 5, user: 15, sys: 20, wa: 30, storage: 5e7 }))),
    "cpu-bound input": watchRun(s(100, () => ({ gpu: 40, user: 85, sys: 5, wa: 0, storage: 0 }))),
    "cpu-bound input, irregular dips": watchRun(
      s(120, (i) => ({ gpu: irregular.has(i) ? 5 : i < 60 ? 98 : 10, user: 85, sys: 5, wa: 0, storage: 0 })),
    ),
    "periodic stalls": watchRun(s(200, (i) => ({ gpu: i % 40 < 30 ? 98 : 5, user: 40, sys: 5, wa: 0, storage: 0 }))),
    "gpu underused, an issue": watchRun(s(100, () => ({ gpu: 50, user: 30, sys: 5, wa: 0, storage: 0 }))),
    "gpu underused, no issue": watchRun(s(100, () => ({ gpu: 80, user: 30, sys: 5, wa: 0, storage: 0 }))),
    "gpu underused, irregular dips": watchRun(
      s(120, (i) => ({ gpu: irregular.has(i) ? 5 : i < 60 ? 98 : 50, user: 30, sys: 5, wa: 0, storage: 0 })),
    ),
    "gpu not used": watchRun(idle),
    "no gpu utilisation": watchRun(na),
    "gpu readings too sparse": watchRun(s(100, (i) => ({ gpu: i < 10 ? 0 : null, user: 60, sys: 5, wa: 0, storage: 0 }))),
    "too few cpu samples": noCpu,
    "no gpu, too short": watchRun(
      s(5, () => ({ gpu: null, user: 90, sys: 5, wa: 0, storage: 0 })),
      false,
    ),
    "host cpu-bound": watchRun(
      s(50, () => ({ gpu: null, user: 90, sys: 5, wa: 0, storage: 0 })),
      false,
    ),
    "host io-bound": watchRun(
      s(50, () => ({ gpu: null, user: 15, sys: 20, wa: 30, storage: 5e6 })),
      false,
    ),
    "host neither": watchRun(
      s(50, () => ({ gpu: null, user: 30, sys: 5, wa: 1, storage: 0 })),
      false,
    ),
  };
}
