import { bestTrial } from "../best.js";
import { message } from "../../messages/catalogue.js";
import type { RunResults } from "../../store/results-schema.js";
import { mean, pct, realTrials, type OkTrial } from "../trials.js";
import type { Finding } from "../types.js";
import type { Thresholds } from "../types.js";

/** In the stalled trials: is the host busy computing (user CPU) or waiting on storage (system + iowait with storage reads)? */
export function detectCpuOrIo(results: RunResults, t: Thresholds): Finding {
  const base = { id: "cpu-or-io", title: message("cpu-or-io.title"), basis: "measured" as const };
  const finished = realTrials(results);
  if (finished.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: message("cpu-or-io.summary.no-trials"),
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
      summary: message("cpu-or-io.summary.no-stall"),
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
      summary: message("cpu-or-io.summary.no-telemetry"),
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
    return {
      ...base,
      verdict: "none",
      summary: message(withCpu.length === 1 ? "cpu-or-io.summary.best-fine.one" : "cpu-or-io.summary.best-fine.many", {
        count: String(withCpu.length),
        what: message(`cpu-or-io.what.${kind}`),
        why: kind === "cpu" ? cpuWhy(busy) : busyText(busy),
        user: user.toFixed(0),
        kernel: kernel.toFixed(0),
        storage: pct(storageShare),
      }),
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
      summary: message("cpu-or-io.summary.latency", {
        busy: busyText(busy),
        cpuPerLoad: busy.cpuPerLoadS.toFixed(2),
        kernel: kernel.toFixed(0),
        storage: pct(storageShare),
      }),
      evidence,
      trials: withCpu.map((x) => x.spec.id),
      recommend: [],
    };
  }
  return {
    ...base,
    verdict: "issue",
    summary: io
      ? message("cpu-or-io.summary.io", { kernel: kernel.toFixed(0), user: user.toFixed(0), storage: pct(storageShare) })
      : message("cpu-or-io.summary.cpu", {
          why: cpuWhy(busy),
          user: user.toFixed(0),
          kernel: kernel.toFixed(0),
          storage: pct(storageShare),
        }),
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
            knob: message("cpu-or-io.advice.io.knob"),
            value: message("cpu-or-io.advice.io.value"),
            gain: null,
          }
        : {
            template: "advice.cpu-bound",
            values: { user: `${user.toFixed(0)}%`, kernel: `${kernel.toFixed(0)}%`, storage: pct(storageShare) },
            knob: message("cpu-or-io.advice.cpu.knob"),
            value: message("cpu-or-io.advice.cpu.value"),
            gain: null,
          },
    ],
  };
}

/** What to change about storage, for the data this run read: packing only helps a folder of files. */
function storageLevers(results: RunResults): string {
  const d = results.dataset;
  const h5 = message("cpu-or-io.levers.h5");
  if (d.kind === "raw-files" || d.kind === "image-files") return message("cpu-or-io.levers.files", { h5 });
  if (d.fitsInPageCache && results.settings.cold) return message("cpu-or-io.levers.cold", { h5 });
  return message("cpu-or-io.levers.one-file", { h5 });
}

/** Stalled trials with different worker counts average their loading threads. */
function loadingThreads(n: number): string {
  if (!Number.isInteger(n)) return message("cpu-or-io.threads.average", { n: n.toFixed(1) });
  return message(n === 1 ? "cpu-or-io.threads.one" : "cpu-or-io.threads.many", { n: String(n) });
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
): { busyCores: number; loaderCores: number; cpuPerLoadS: number; source: "process" | "torch" | "host" } {
  const cores = results.host.logicalCores;
  const usable = Math.max(1, results.host.usableCores);
  const softwareDevice = results.consumer.kind === "webgpu" && results.consumer.adapter.software;
  // The torch loader's trials count every process of the DataLoader (main and workers).
  const torch = trials.every((x) => x.metrics.processes !== undefined && x.metrics.processes.length > 0);
  const own = !softwareDevice && (torch || trials.every((x) => x.metrics.processCpu !== undefined));
  const userS = (x: OkTrial): number =>
    torch
      ? x.metrics.processes!.reduce((s, p) => s + p.userS, 0)
      : own
        ? x.metrics.processCpu!.userS
        : (x.telemetry.cpu.userPct!.mean / 100) * cores * x.metrics.windowS;
  const busyCores = mean(trials.map((x) => userS(x) / x.metrics.windowS));
  const loaderCores = mean(trials.map((x) => Math.min(Math.max(1, x.spec.workers), usable)));
  const userCpuS = trials.reduce((s, x) => s + userS(x), 0);
  const loadingS = trials.reduce((s, x) => s + (x.metrics.loadMsPerBatch.mean * x.metrics.batches) / 1000, 0);
  return {
    busyCores,
    loaderCores,
    cpuPerLoadS: loadingS > 0 ? userCpuS / loadingS : 0,
    source: torch && !softwareDevice ? "torch" : own ? "process" : "host",
  };
}

/** Which of the two CPU rules fired, in words, with its number. */
function cpuWhy(busy: ReturnType<typeof cpuBusy>): string {
  if (busy.busyCores >= 0.6 * busy.loaderCores) return busyText(busy);
  return message(`cpu-or-io.why.${busy.source}`, {
    share: (Math.min(busy.cpuPerLoadS, 1) * 100).toFixed(0),
    cores: busy.busyCores.toFixed(2),
  });
}

/** "1.06 cores busy in user mode", saying whose CPU time it was. */
function busyText(busy: ReturnType<typeof cpuBusy>): string {
  return message(`cpu-or-io.busy.${busy.source}`, { cores: busy.busyCores.toFixed(2), threads: loadingThreads(busy.loaderCores) });
}
