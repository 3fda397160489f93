import { describe, expect, it } from "vitest";
import { countDips, detectWatch } from "../../src/analysis/detectors/watch.js";
import type { WatchResult } from "../../src/store/summary-schema.js";
import { summarizeTelemetry } from "../../src/telemetry/summary.js";
import type { Sample } from "../../src/telemetry/types.js";

function run(samples: Sample[], withGpu = true): { result: WatchResult; samples: Sample[] } {
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

function samples(n: number, f: (i: number) => { gpu: number | null; user: number; sys: number; wa: number; storage: number }): Sample[] {
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
    const gpu = {
      index: 0,
      ageMs: 10,
      utilPct: v.gpu,
      memUtilPct: null,
      memUsedMiB: null,
      memTotalMiB: null,
      powerW: null,
      smClockMHz: null,
      memClockMHz: null,
      tempC: null,
      pcieGen: null,
      pcieWidth: null,
      pstate: null,
      clocksEventReasons: null,
      pcieRxMBPerS: null,
      pcieTxMBPerS: null,
    };
    return {
      tMs: i * 100,
      cpu,
      cores: [],
      mem: { totalMiB: null, availableMiB: null, pageCacheMiB: null },
      io: { procReadBytesPerS: 1e7, procStorageReadBytesPerS: v.storage, diskReadBytesPerS: null },
      gpus: v.gpu === null ? [] : [gpu],
    };
  });
}

describe("watch detector", () => {
  it("a busy GPU is compute-bound: the pipeline is fine", () => {
    const r = run(samples(100, () => ({ gpu: 97, user: 30, sys: 3, wa: 0, storage: 0 })));
    const f = detectWatch(r.result, r.samples);
    expect(f.verdict).toBe("none");
    expect(f.evidence["kind"]).toBe("compute-bound");
  });

  it("a waiting GPU with busy user CPU is CPU-bound input", () => {
    const r = run(samples(100, () => ({ gpu: 40, user: 85, sys: 5, wa: 0, storage: 0 })));
    const f = detectWatch(r.result, r.samples);
    expect(f.evidence["kind"]).toBe("cpu-bound input");
    expect(f.recommend[0]!.template).toBe("cpu-bound");
  });

  it("a waiting GPU with system + iowait and storage reads is I/O-bound input", () => {
    const r = run(samples(100, () => ({ gpu: 35, user: 15, sys: 20, wa: 30, storage: 5e7 })));
    expect(detectWatch(r.result, r.samples).evidence["kind"]).toBe("io-bound input");
  });

  it("no GPU readings is insufficient data, not a verdict", () => {
    const r = run(
      samples(50, () => ({ gpu: null, user: 90, sys: 5, wa: 0, storage: 0 })),
      false,
    );
    expect(detectWatch(r.result, r.samples).verdict).toBe("insufficient-data");
  });

  it("counts periodic dips from busy to idle", () => {
    const s = samples(200, (i) => ({ gpu: i % 40 < 30 ? 98 : 5, user: 40, sys: 5, wa: 0, storage: 0 }));
    expect(countDips(s)).toBe(5);
    const r = run(s);
    expect(detectWatch(r.result, r.samples).summary).toMatch(/fell from busy to idle 5 times/);
  });
});
