import { bestTrial } from "../best.js";
import type { RunResults } from "../../store/results-schema.js";
import { mean, pct, realTrials, type OkTrial } from "../trials.js";
import type { Finding } from "../types.js";
import type { Thresholds } from "../types.js";

/** In the stalled trials: is the host busy computing (user CPU) or waiting on storage (system + iowait with storage reads)? */
export function detectCpuOrIo(results: RunResults, t: Thresholds): Finding {
  const base = { id: "cpu-or-io", title: "CPU-bound or I/O-bound", basis: "measured" as const };
  const finished = realTrials(results);
  if (finished.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: "No trial finished, so there is no stall to classify.",
      evidence: {},
      trials: [],
      recommend: [],
    };
  }
  const stalled = finished.filter((x) => x.metrics.stallFraction >= t.moderateStall);
  if (stalled.length === 0) {
    return {
      ...base,
      verdict: "none",
      summary: "No configuration stalled the device, so there is no input bottleneck to classify.",
      evidence: { stalledTrials: 0 },
      trials: [],
      recommend: [],
    };
  }
  const withCpu = stalled.filter((x) => x.telemetry.cpu.userPct && x.telemetry.cpu.systemPct && x.telemetry.cpu.iowaitPct);
  if (withCpu.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: "The stalled trials have no CPU telemetry (windows too short for the sampler?).",
      evidence: { stalledTrials: stalled.length },
      trials: stalled.map((x) => x.spec.id),
      recommend: [],
    };
  }
  const user = mean(withCpu.map((x) => x.telemetry.cpu.userPct!.mean));
  const kernel = mean(withCpu.map((x) => x.telemetry.cpu.systemPct!.mean + x.telemetry.cpu.iowaitPct!.mean));
  const all = withCpu.reduce((s, x) => s + (x.metrics.reads?.allBytes ?? 0), 0);
  const storage = withCpu.reduce((s, x) => s + (x.metrics.reads?.storageBytes ?? 0), 0);
  const storageShare = all > 0 ? storage / all : 0;
  const io = kernel > user && storageShare >= 0.1;
  const busy = cpuBusy(results, withCpu);
  const cpu = !io && (busy.busyCores >= 0.6 * busy.loaderCores || busy.cpuPerLoadS >= 0.6);
  const kind = io ? "io" : cpu ? "cpu" : "latency";
  const cpuEvidence = {
    busyCores: Math.round(busy.busyCores * 100) / 100,
    loaderCores: Math.round(busy.loaderCores * 100) / 100,
    userCpuPerLoadingS: Math.round(busy.cpuPerLoadS * 100) / 100,
    cpuSource: busy.source,
  };
  const best = bestTrial(results.trials, t.tie);
  if (best && best.metrics.stallFraction < t.moderateStall) {
    const what = { io: "waiting on storage", cpu: "CPU-bound", latency: "neither CPU- nor I/O-bound" }[kind];
    return {
      ...base,
      verdict: "none",
      summary: `The best configuration does not stall; the ${withCpu.length} configuration${withCpu.length === 1 ? "" : "s"} that did ${withCpu.length === 1 ? "was" : "were"} ${what}: ${kind === "cpu" ? cpuWhy(busy) : busyText(busy)}; user ${user.toFixed(0)}% of the host, system + iowait ${kernel.toFixed(0)}%, ${pct(storageShare)} of reads from storage.`,
      evidence: {
        stalledTrials: withCpu.length,
        userPct: Math.round(user * 10) / 10,
        systemPlusIowaitPct: Math.round(kernel * 10) / 10,
        storageReadShare: Math.round(storageShare * 1000) / 1000,
        ...cpuEvidence,
        kind,
      },
      trials: withCpu.map((x) => x.spec.id),
      recommend: [],
    };
  }
  const evidence = {
    stalledTrials: withCpu.length,
    userPct: Math.round(user * 10) / 10,
    systemPlusIowaitPct: Math.round(kernel * 10) / 10,
    storageReadShare: Math.round(storageShare * 1000) / 1000,
    ...cpuEvidence,
    kind,
  };
  if (kind === "latency") {
    return {
      ...base,
      verdict: "none",
      summary: `The stalled trials' loading threads are mostly idle: ${busyText(busy)}, ${busy.cpuPerLoadS.toFixed(2)} s of user CPU per second spent loading, system + iowait ${kernel.toFixed(0)}% with ${pct(storageShare)} of reads from storage. Neither CPU nor disk throughput is the limit: loading waits (latency per read, or too few loads in flight); more workers or a deeper --prefetch overlap the waits.`,
      evidence,
      trials: withCpu.map((x) => x.spec.id),
      recommend: [],
    };
  }
  return {
    ...base,
    verdict: "issue",
    summary: io
      ? `The stalled trials wait on storage: system + iowait ${kernel.toFixed(0)}% against user ${user.toFixed(0)}%, and ${pct(storageShare)} of the bytes read came from storage.`
      : `The stalled trials are CPU-bound: ${cpuWhy(busy)}; user ${user.toFixed(0)}% of the host against system + iowait ${kernel.toFixed(0)}%, and ${pct(storageShare)} of the bytes read came from storage (the rest from the page cache).`,
    evidence,
    trials: withCpu.map((x) => x.spec.id),
    recommend: [
      io
        ? {
            template: "advice.io-bound",
            values: {
              user: `${user.toFixed(0)}%`,
              kernel: `${kernel.toFixed(0)}%`,
              storage: pct(storageShare),
              levers: storageLevers(results),
            },
            knob: "storage layout",
            value: "larger contiguous reads or faster storage",
            gain: null,
          }
        : {
            template: "advice.cpu-bound",
            values: { user: `${user.toFixed(0)}%`, kernel: `${kernel.toFixed(0)}%`, storage: pct(storageShare) },
            knob: "host work per sample",
            value: "less decoding and transforming on the host",
            gain: null,
          },
    ],
  };
}

/** What to change about storage, for the data this run read: packing only helps a folder of files. */
function storageLevers(results: RunResults): string {
  const d = results.dataset;
  const h5 = "HDF5 with chunks of many samples and a chunk cache (`gpuprof h5` sizes them)";
  if (d.kind === "raw-files" || d.kind === "image-files") {
    return `Read larger contiguous pieces: pack the samples into one file (\`.npy\`, ${h5}), use faster storage, or make the dataset fit in the page cache.`;
  }
  if (d.fitsInPageCache && results.settings.cold) {
    return `The data is already one file and fits in RAM: these trials read it from storage only because --cold dropped it from the page cache before each. In training it stays cached after the first epoch, so this limit holds for the first epoch, or for a dataset larger than RAM: there, faster storage or ${h5}.`;
  }
  return `The data is already one file: use faster storage, larger reads (${h5}), or more RAM for the page cache.`;
}

/** Stalled trials with different worker counts average their loading threads. */
function loadingThreads(n: number): string {
  return Number.isInteger(n) ? `${n} loading thread${n === 1 ? "" : "s"}` : `${n.toFixed(1)} loading threads on average`;
}

/**
 * How busy the CPUs were for the loading threads. Host-wide percentages mean nothing alone (2% user
 * on a 96-core box is two cores): count busy cores against the cores the loader could use, and
 * user CPU seconds against the seconds spent loading (serial loading with no workers keeps one
 * thread busy only while it loads). The process's own CPU is used when every trial has it: host CPU
 * counts other processes too, and a CPU Vulkan driver's threads are in the process, so host CPU then.
 */
function cpuBusy(
  results: RunResults,
  trials: OkTrial[],
): { busyCores: number; loaderCores: number; cpuPerLoadS: number; source: "process" | "host" } {
  const cores = results.host.logicalCores;
  const usable = Math.max(1, results.host.usableCores);
  const softwareDevice = results.consumer.kind === "webgpu" && results.consumer.adapter.software;
  const own = !softwareDevice && trials.every((x) => x.metrics.processCpu !== undefined);
  const userS = (x: OkTrial): number =>
    own ? x.metrics.processCpu!.userS : (x.telemetry.cpu.userPct!.mean / 100) * cores * x.metrics.windowS;
  const busyCores = mean(trials.map((x) => userS(x) / x.metrics.windowS));
  const loaderCores = mean(trials.map((x) => Math.min(Math.max(1, x.spec.workers), usable)));
  const userCpuS = trials.reduce((s, x) => s + userS(x), 0);
  const loadingS = trials.reduce((s, x) => s + (x.metrics.loadMsPerBatch.mean * x.metrics.batches) / 1000, 0);
  return { busyCores, loaderCores, cpuPerLoadS: loadingS > 0 ? userCpuS / loadingS : 0, source: own ? "process" : "host" };
}

/** Which of the two CPU rules fired, in words, with its number. */
function cpuWhy(busy: ReturnType<typeof cpuBusy>): string {
  if (busy.busyCores >= 0.6 * busy.loaderCores) return busyText(busy);
  return `user CPU for ${(Math.min(busy.cpuPerLoadS, 1) * 100).toFixed(0)}% of the time spent loading (${busy.source === "process" ? "gpuprof's own threads" : "host CPU"}; ${busy.busyCores.toFixed(2)} cores busy on average, loading taking only part of the window)`;
}

/** "1.06 cores busy in user mode", saying whose CPU time it was. */
function busyText(busy: ReturnType<typeof cpuBusy>): string {
  return `${busy.busyCores.toFixed(2)} cores busy in user mode ${busy.source === "process" ? "in gpuprof's own threads" : "on the host"} for ${loadingThreads(busy.loaderCores)}`;
}
