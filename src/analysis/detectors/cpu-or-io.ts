import { bestTrial } from "../../harness/best.js";
import type { RunResults } from "../../store/results-schema.js";
import { mean, pct, realTrials } from "../trials.js";
import type { Finding, Thresholds } from "../types.js";

/** In the stalled trials: is the host busy computing (user CPU) or waiting on storage (system + iowait with storage reads)? */
export function detectCpuOrIo(results: RunResults, t: Thresholds): Finding {
  const base = { id: "cpu-or-io", title: "CPU-bound or I/O-bound", basis: "measured" as const };
  const stalled = realTrials(results).filter((x) => x.metrics.stallFraction >= t.moderateStall);
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
  const best = bestTrial(results.trials);
  if (best && best.metrics.stallFraction < t.moderateStall) {
    const what = io ? "waiting on storage" : "CPU-bound";
    return {
      ...base,
      verdict: "none",
      summary: `The best configuration does not stall; the ${withCpu.length} configuration${withCpu.length === 1 ? "" : "s"} that did ${withCpu.length === 1 ? "was" : "were"} ${what} (user ${user.toFixed(0)}%, system + iowait ${kernel.toFixed(0)}%, ${pct(storageShare)} of reads from storage).`,
      evidence: {
        stalledTrials: withCpu.length,
        userPct: Math.round(user * 10) / 10,
        systemPlusIowaitPct: Math.round(kernel * 10) / 10,
        storageReadShare: Math.round(storageShare * 1000) / 1000,
        kind: io ? "io" : "cpu",
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
    kind: io ? "io" : "cpu",
  };
  return {
    ...base,
    verdict: "issue",
    summary: io
      ? `The stalled trials wait on storage: system + iowait ${kernel.toFixed(0)}% against user ${user.toFixed(0)}%, and ${pct(storageShare)} of the bytes read came from storage.`
      : `The stalled trials are CPU-bound: user ${user.toFixed(0)}% against system + iowait ${kernel.toFixed(0)}%, and ${pct(storageShare)} of the bytes read came from storage (the rest from the page cache).`,
    evidence,
    trials: withCpu.map((x) => x.spec.id),
    recommend: [
      {
        template: io ? "io-bound" : "cpu-bound",
        values: { user: `${user.toFixed(0)}%`, kernel: `${kernel.toFixed(0)}%`, storage: pct(storageShare) },
        knob: io ? "storage layout" : "host work per sample",
        value: io ? "larger contiguous reads (packed files, HDF5 chunks with a cache)" : "less decoding and transforming on the host",
        gain: null,
      },
    ],
  };
}
