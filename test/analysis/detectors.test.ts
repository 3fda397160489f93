import { bestTrial } from "../../src/analysis/best.js";
import { describe, expect, it } from "vitest";
import { analyseRun } from "../../src/analysis/analyse.js";
import { diagnose } from "../../src/analysis/combine.js";
import { detectCpuOrIo } from "../../src/analysis/detectors/cpu-or-io.js";
import { detectDtype } from "../../src/analysis/detectors/dtype.js";
import { detectEcho } from "../../src/analysis/detectors/echo.js";
import { detectInputBound } from "../../src/analysis/detectors/input-bound.js";
import { detectPageCache } from "../../src/analysis/detectors/page-cache.js";
import { detectTransport } from "../../src/analysis/detectors/transport.js";
import { detectWorkers } from "../../src/analysis/detectors/workers.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/analysis/types.js";
import type { Finding } from "../../src/analysis/types.js";
import { RunResultsSchema } from "../../src/store/results-schema.js";
import { syntheticRun } from "./synthetic-results.js";

// Noise stays below the detectors' 5% tie, so the scenarios keep their meaning at every level.
const NOISE = [0, 0.005, 0.015, 0.03];

describe.each(NOISE)("detectors at %s noise", (noise) => {
  const cpuBound = syntheticRun(
    [
      { workers: 0, samplesPerS: 300, au: 0.3, userPct: 60, loadMs: 120 },
      { workers: 2, samplesPerS: 600, au: 0.6, userPct: 90, loadMs: 120 },
      { workers: 4, samplesPerS: 605, au: 0.61, userPct: 95, loadMs: 120 },
      { workers: 2, dtype: "float32", samplesPerS: 400, au: 0.4, userPct: 95, loadMs: 180 },
      { workers: 2, transport: "clone", samplesPerS: 420, au: 0.42, userPct: 92, loadMs: 120 },
    ],
    { noise, seed: 7 },
  );

  it("the synthetic results are valid results.json", () => {
    expect(() => RunResultsSchema.parse(cpuBound)).not.toThrow();
  });

  it("input-bound: the best AU below target is an issue; at target it is not", () => {
    expect(detectInputBound(cpuBound, T).verdict).toBe("issue");
    const fine = syntheticRun(
      [
        { workers: 0, samplesPerS: 1700, au: 0.97 },
        { workers: 1, samplesPerS: 1770, au: 1 },
      ],
      { noise },
    );
    expect(detectInputBound(fine, T).verdict).toBe("none");
    // Levels per configuration (TensorFlow's thresholds): stalls of 70%, 40%, 60%, 58% and 39% are all high.
    const levels = detectInputBound(cpuBound, T);
    expect(levels.evidence).toMatchObject({ trialsHighlyInputBound: 5, trialsModeratelyInputBound: 0, trialsNotInputBound: 0 });
    expect(levels.summary).toMatch(/per configuration: 5 highly, 0 moderately and 0 not input-bound\.$/);
    expect(detectInputBound(fine, T).evidence).toMatchObject({ trialsModeratelyInputBound: 0, trialsNotInputBound: 2 });
  });

  it("workers: the smallest count within 5% of the best, against workers 0", () => {
    const f = detectWorkers(cpuBound, T);
    expect(f.evidence["recommendedWorkers"]).toBe(2);
    expect(f.verdict).toBe("issue");
    expect((f.recommend[0]!.values as Record<string, string>)["workers"]).toBe("2");
  });

  it("workers: under a device-bound verdict the recommended count is advice, not an issue", () => {
    // The README's sweep: workers 1 meets the AU target without waiting, 1.08x the samples/s of workers 0.
    const deviceBound = syntheticRun(
      [
        { workers: 0, samplesPerS: 1646, au: 0.93 },
        { workers: 1, samplesPerS: 1771, au: 1 },
        { workers: 2, samplesPerS: 1771, au: 1 },
      ],
      { noise },
    );
    expect(diagnose(detectInputBound(deviceBound, T), detectCpuOrIo(deviceBound, T))).toBe("device-bound");
    const f = detectWorkers(deviceBound, T);
    expect(f.evidence["recommendedWorkers"]).toBe(1);
    expect(f.verdict).toBe("none");
    // The advice stays: it names the count and the gain the sweep measured.
    expect(f.recommend[0]).toMatchObject({ value: "1" });
    expect(f.recommend[0]!.gain).toMatch(/^1\.\d\dx samples\/s/);
  });

  it("cpu-or-io: user CPU with page-cache reads is CPU-bound; kernel time with storage reads is I/O-bound", () => {
    expect(detectCpuOrIo(cpuBound, T).evidence["kind"]).toBe("cpu");
    const io = syntheticRun([{ workers: 2, samplesPerS: 200, au: 0.3, userPct: 10, kernelPct: 60, storageShare: 0.9 }], { noise });
    expect(detectCpuOrIo(io, T).evidence["kind"]).toBe("io");
  });

  it("dtype: uint8 against float32 at equal settings", () => {
    const f = detectDtype(cpuBound, T);
    expect(f.verdict).toBe("issue");
    expect(f.evidence["uint8BytesPerFloat32Byte"]).toBeCloseTo(0.25, 2);
  });

  it("transport: the throughput lost to copies", () => {
    const f = detectTransport(cpuBound, T);
    expect(f.verdict).toBe("issue");
    expect(f.evidence["throughputLostToCopies"]).toBeGreaterThan(0.2);
  });

  it("echo: recommends up to R when loading is slower than the step, never when it keeps up", () => {
    // 4 workers at 100 ms per batch each deliver a batch every 25 ms, against 36 ms of device time: R < 1.
    const keepsUp = syntheticRun([{ workers: 4, samplesPerS: 1700, au: 0.9, loadMs: 100, deviceMsPerBatch: 36 }], { noise });
    expect(detectEcho(keepsUp, T).verdict).toBe("none");
    // The sweep measured echo up to 4, so a factor of 3 is within what was measured.
    const slow = syntheticRun(
      [
        { workers: 1, samplesPerS: 200, au: 0.3, loadMs: 110, deviceMsPerBatch: 36 },
        { workers: 1, echo: 4, samplesPerS: 150, au: 0.9, loadMs: 110, deviceMsPerBatch: 144 },
      ],
      { noise },
    );
    const g = detectEcho(slow, T);
    expect(g.verdict).toBe("issue");
    expect((g.recommend[0]!.values as Record<string, string>)["e"]).toBe("3");
    expect(g.recommend[0]).toMatchObject({ knob: "batch echo factor", value: "3" });
  });

  it("workers: the Best line and the advice agree on ties, and loading inline that does as well asks for no change", () => {
    // workers 1 is 2.7% faster than workers 0: a tie for both the best configuration and the advice.
    const close = syntheticRun([
      { workers: 0, samplesPerS: 6226, au: 1 },
      { workers: 1, samplesPerS: 6395, au: 1 },
    ]);
    expect(bestTrial(close.trials)!.spec.workers).toBe(0);
    const f = detectWorkers(close, T);
    expect(f.evidence["recommendedWorkers"]).toBe(0);
    expect(f.verdict).toBe("none");
    expect(f.recommend).toEqual([]);
    expect(f.summary).toMatch(/^0 workers reach 6,226 samples\/s/);
    const one = detectWorkers(
      syntheticRun([
        { workers: 1, samplesPerS: 900, au: 0.5 },
        { workers: 2, samplesPerS: 700, au: 0.4 },
      ]),
      T,
    );
    expect(one.summary).toMatch(/^1 worker reaches 900 samples\/s/);
  });

  it("echo: judges a sweep that already echoes against R, never calling R > 1 'keeping up'", () => {
    // Echo 4 with 140 ms of device time a loaded batch (35 ms an echo) against 120 ms of loading: R = 3.43.
    const within = detectEcho(syntheticRun([{ workers: 1, echo: 4, samplesPerS: 400, au: 0.98, loadMs: 120, deviceMsPerBatch: 140 }]), T);
    expect(within.verdict).toBe("none");
    expect(within.summary).toMatch(/R = 3\.43\): the best configuration already echoes each batch 4 times, within R/);
    expect(within.summary).not.toMatch(/keeps up/);
    const beyond = detectEcho(syntheticRun([{ workers: 1, echo: 8, samplesPerS: 400, au: 0.98, loadMs: 120, deviceMsPerBatch: 280 }]), T);
    expect(beyond.verdict).toBe("issue");
    expect(beyond.summary).toMatch(/echoes 8 times, beyond R; echoes past 3 repeat samples/);
    expect(beyond.recommend[0]).toMatchObject({ value: "3" });
  });

  it("page cache: a dataset in RAM measured memory; --cold or a bigger dataset did not", () => {
    expect(detectPageCache(cpuBound).verdict).toBe("issue");
    expect(detectPageCache(syntheticRun([{ workers: 1, samplesPerS: 100, au: 1, storageShare: 0.6 }], { cold: true })).verdict).toBe(
      "none",
    );
    // --cold whose eviction did nothing (tmpfs): no read reached storage, and the finding says so.
    const noEffect = detectPageCache(syntheticRun([{ workers: 1, samplesPerS: 100, au: 1, storageShare: 0 }], { cold: true }));
    expect(noEffect.verdict).toBe("issue");
    expect(noEffect.summary).toMatch(/the eviction had no effect here/);
    expect(detectPageCache(syntheticRun([{ workers: 1, samplesPerS: 100, au: 1 }], { fits: null })).verdict).toBe("insufficient-data");
  });
});

describe.each([1, 2, 3, 4, 5])("at 10%% noise (seed %s) the wide decisions hold", (seed) => {
  const noise = 0.1;
  it("input-bound, CPU against I/O, and uint8 against float32", () => {
    const starved = syntheticRun(
      [
        { workers: 0, samplesPerS: 200, au: 0.35, userPct: 90, kernelPct: 6 },
        { workers: 0, dtype: "float32", samplesPerS: 100, au: 0.18, userPct: 95, kernelPct: 6 },
      ],
      { noise, seed },
    );
    expect(detectInputBound(starved, T).verdict).toBe("issue");
    expect(detectCpuOrIo(starved, T).evidence["kind"]).toBe("cpu");
    expect(detectDtype(starved, T).recommend).toHaveLength(1);
    const disk = syntheticRun([{ workers: 2, samplesPerS: 200, au: 0.3, userPct: 10, kernelPct: 70, storageShare: 0.9 }], {
      noise,
      seed,
    });
    expect(detectCpuOrIo(disk, T).evidence["kind"]).toBe("io");
    const fed = syntheticRun([{ workers: 2, samplesPerS: 1000, au: 0.99 }], { noise: 0.005, seed });
    expect(detectInputBound(fed, T).verdict).toBe("none");
  });
});

describe("input-bound, beyond the target", () => {
  it("a device idle in the consumer's own host work is not input-bound", () => {
    const f = detectInputBound(syntheticRun([{ workers: 2, samplesPerS: 900, au: 0.6, hostOverhead: 0.38 }]), T);
    expect(f.verdict).toBe("none");
    expect(f.summary).toMatch(/waited for batches only 2\.0% of the time: the rest, 38\.0%, is the consumer's own host overhead/);
    expect(diagnose(f, detectCpuOrIo(syntheticRun([{ workers: 2, samplesPerS: 900, au: 0.6, hostOverhead: 0.38 }]), T))).toBe(
      "below the AU target: consumer host overhead",
    );
    // The same AU with the idle time spent waiting for batches is input-bound.
    expect(detectInputBound(syntheticRun([{ workers: 2, samplesPerS: 900, au: 0.6 }]), T).verdict).toBe("issue");
  });

  it("a met AU target with a moderate stall is diagnosed as such, not device-bound", () => {
    const met = syntheticRun([{ workers: 2, samplesPerS: 900, au: 0.91 }]);
    const f = detectInputBound(met, T);
    expect(f.verdict).toBe("none");
    expect(diagnose(f, detectCpuOrIo(met, T))).toBe("AU target met, moderately input-bound");
    const one = syntheticRun([
      { workers: 2, samplesPerS: 900, au: 0.95 },
      { workers: 0, samplesPerS: 500, au: 0.5 },
    ]);
    expect(detectInputBound(one, T).summary).toMatch(/; 1 of 2 configurations falls below it, the worst at 50\.0%/);
    const low = { ...T, auTarget: 0.3 };
    const slow = syntheticRun([{ workers: 2, samplesPerS: 300, au: 0.4 }]);
    expect(diagnose(detectInputBound(slow, low), detectCpuOrIo(slow, low))).toBe("AU target met, highly input-bound");
  });
});

describe("echo, dtype and cpu-or-io, beyond the common case", () => {
  it("echo: with no workers loading is serial with the step, so even a short load stalls and echoing pays (modelled)", () => {
    // 20 ms of loading then 36 ms of device time: echo 2 gives 2(20 + 36)/(20 + 72) = 1.22x the steps/s.
    const serial = detectEcho(syntheticRun([{ workers: 0, samplesPerS: 1100, au: 0.64, loadMs: 20, deviceMsPerBatch: 36 }]), T);
    expect(serial.verdict).toBe("issue");
    expect(serial.summary).toMatch(/runs in series with 36\.0 ms of device time.*1\.22x the steps\/s \(modelled/);
    expect(serial.recommend[0]).toMatchObject({ template: "advice.echo-serial", value: "2" });
    expect(serial.recommend[0]!.gain).toMatch(/modelled/);
    // The same times with workers overlapping the load keep up.
    expect(detectEcho(syntheticRun([{ workers: 2, samplesPerS: 1700, au: 0.97, loadMs: 20, deviceMsPerBatch: 36 }]), T).verdict).toBe(
      "none",
    );
  });

  it("dtype: the gain is judged at the best configuration's settings, not averaged with starved ones", () => {
    const run = syntheticRun([
      { workers: 0, dtype: "uint8", samplesPerS: 1000, au: 0.5 },
      { workers: 0, dtype: "float32", samplesPerS: 500, au: 0.25 },
      { workers: 4, dtype: "uint8", samplesPerS: 2040, au: 0.98 },
      { workers: 4, dtype: "float32", samplesPerS: 2000, au: 0.96 },
    ]);
    const f = detectDtype(run, T);
    expect(f.evidence).toMatchObject({ uint8OverFloat32SamplesPerS: 1.02, uint8OverFloat32AllPairs: 1.51, judgedAtBest: "yes" });
    expect(f.verdict).toBe("none");
    expect(f.summary).toMatch(
      /1\.02x the samples\/s at the best configuration's settings \(4 workers, transfer\); 1\.51x over all 2 matched pairs/,
    );
  });

  it("dtype: float16 stands in when float32 was not swept, and a measured loss is called one", () => {
    const half = detectDtype(
      syntheticRun([
        { workers: 2, dtype: "uint8", samplesPerS: 1040, au: 0.9 },
        { workers: 2, dtype: "float16", samplesPerS: 1000, au: 0.88 },
      ]),
      T,
    );
    expect(half.evidence).toMatchObject({ against: "float16", uint8OverFloat16SamplesPerS: 1.04, uint8BytesPerFloat16Byte: 0.5 });
    expect(half.summary).toMatch(/0\.50x the bytes of float16 .*2x fewer bytes over IPC and PCIe/);
    expect(half.recommend[0]!.gain).toBe(
      "no measurable change in samples/s here (1.04x); 0.50x the bytes per batch against float16 (measured)",
    );
    const slower = detectDtype(
      syntheticRun([
        { workers: 1, dtype: "uint8", samplesPerS: 770, au: 0.9 },
        { workers: 1, dtype: "float32", samplesPerS: 1000, au: 0.9 },
      ]),
      T,
    );
    expect(slower.summary).toMatch(/0\.77x the samples\/s.*: uint8 is slower here, normalising in the device model costing more/);
    expect(slower.recommend).toEqual([]);
  });

  it("io-bound advice fits the data: no packing for data already in one file", () => {
    const shape = { workers: 2, samplesPerS: 200, au: 0.3, userPct: 10, kernelPct: 60, storageShare: 0.9 };
    const cold = detectCpuOrIo(syntheticRun([shape], { fits: true, cold: true }), T);
    expect((cold.recommend[0]!.values as Record<string, string>)["levers"]).toMatch(
      /^The data is already one file and fits in RAM: .*only because --cold dropped it/,
    );
    const big = detectCpuOrIo(syntheticRun([shape], { fits: false }), T);
    expect((big.recommend[0]!.values as Record<string, string>)["levers"]).toMatch(/^The data is already one file: use faster storage/);
    expect((big.recommend[0]!.values as Record<string, string>)["levers"]).not.toMatch(/pack/);
  });

  it("cpu-or-io: busy cores against the loading threads, not a host-wide share", () => {
    // 2% user on 8 cores is 0.16 cores for 2 loading threads, and 0.05 s of CPU per second of loading: neither.
    const idle = detectCpuOrIo(syntheticRun([{ workers: 2, samplesPerS: 200, au: 0.3, userPct: 2, kernelPct: 1, loadMs: 100 }]), T);
    expect(idle.evidence).toMatchObject({ kind: "latency", busyCores: 0.16, loaderCores: 2 });
    expect(idle.verdict).toBe("none");
    expect(idle.summary).toMatch(
      /loading threads are mostly idle: 0\.16 cores busy in user mode on the host.*Neither CPU nor disk throughput is the limit/,
    );
    // The same 2% on 96 cores is 1.92 cores for one loading thread: CPU-bound.
    const big = syntheticRun([{ workers: 1, samplesPerS: 200, au: 0.3, userPct: 2, kernelPct: 1, loadMs: 100 }], { logicalCores: 96 });
    expect(detectCpuOrIo(big, T)).toMatchObject({ verdict: "issue", evidence: { kind: "cpu", busyCores: 1.92 } });
    // No workers: the thread is busy only while it loads. 7% of 8 cores is 0.56 cores, under 0.6 of
    // the one thread, yet 1.68 s of user CPU over 2.5 s of loading says the loading is CPU work.
    const serial = syntheticRun([{ workers: 0, samplesPerS: 200, au: 0.03, userPct: 7, kernelPct: 1, loadMs: 25 }]);
    expect(detectCpuOrIo(serial, T).evidence).toMatchObject({ kind: "cpu", busyCores: 0.56, userCpuPerLoadingS: 0.67, cpuSource: "host" });
    // The summary quotes the rule that fired, not the low average that argues against it alone.
    expect(detectCpuOrIo(serial, T).summary).toMatch(
      /CPU-bound: user CPU for 67% of the time spent loading \(host CPU; 0\.56 cores busy on average/,
    );
    // A busy neighbour: the host is 50% user (4 of 8 cores), but gpuprof's own threads used 0.3 s in 3 s.
    const neighbour = detectCpuOrIo(
      syntheticRun([{ workers: 2, samplesPerS: 200, au: 0.3, userPct: 50, kernelPct: 1, loadMs: 100, processUserS: 0.3 }]),
      T,
    );
    expect(neighbour.evidence).toMatchObject({ kind: "latency", busyCores: 0.1, cpuSource: "process" });
    expect(neighbour.summary).toMatch(/0\.10 cores busy in user mode in gpuprof's own threads for 2 loading threads/);
  });
});

describe("workers, beyond the smallest count", () => {
  it("says where throughput falls, the memory each worker costs, and when the largest count tried is still short", () => {
    const falls = detectWorkers(
      syntheticRun([
        { workers: 0, samplesPerS: 300, au: 0.3, rssMiB: 100 },
        { workers: 2, samplesPerS: 600, au: 0.6, rssMiB: 400 },
        { workers: 4, samplesPerS: 450, au: 0.45, rssMiB: 700 },
      ]),
      T,
    );
    expect(falls.evidence).toMatchObject({ recommendedWorkers: 2, throughputFallsAtWorkers: 4, rssMiBPerWorker: 150 });
    expect(falls.summary).toMatch(/throughput falls from 4 workers on \(the workers compete for CPU, memory bandwidth or the disk\)/);
    const overCores = detectWorkers(
      syntheticRun(
        [
          { workers: 1, samplesPerS: 600, au: 0.6 },
          { workers: 4, samplesPerS: 450, au: 0.45 },
        ],
        { usableCores: 2 },
      ),
      T,
    );
    expect(overCores.summary).toMatch(/falls from 4 workers on \(more workers than the 2 usable cores compete for them\)/);
    expect((falls.recommend[0]!.values as Record<string, string>)["beyond"]).toBe(
      "More workers than that, up to the 4 tried, added memory (about 150 MiB of resident memory each) without throughput",
    );
    // Recommending the largest count tried claims nothing about counts never tried.
    const top = detectWorkers(
      syntheticRun([
        { workers: 0, samplesPerS: 300, au: 0.3 },
        { workers: 2, samplesPerS: 800, au: 0.8 },
      ]),
      T,
    );
    expect((top.recommend[0]!.values as Record<string, string>)["beyond"]).toMatch(
      /^No count above 2 was tried, so whether more would help is not measured here/,
    );
    const short = detectWorkers(
      syntheticRun(
        [
          { workers: 0, samplesPerS: 300, au: 0.3 },
          { workers: 2, samplesPerS: 600, au: 0.6 },
        ],
        { usableCores: 8 },
      ),
      T,
    );
    expect(short.summary).toMatch(
      /the largest count tried is still the best and the device still waits, so try more, up to the 8 usable cores/,
    );
  });
});

describe("insufficient data is an answer", () => {
  const lone = syntheticRun([{ workers: 1, samplesPerS: 500, au: 0.5 }]);
  it("transport says when only one transport was swept", () => {
    expect(detectTransport(lone, T).summary).toMatch(/^Only one transport was swept, so copies were not compared with zero-copy/);
  });

  it.each([
    ["workers", () => detectWorkers(lone, T)],
    ["dtype", () => detectDtype(lone, T)],
    ["transport", () => detectTransport(lone, T)],
    ["input-bound with no trials", () => detectInputBound({ ...lone, trials: [] }, T)],
    ["echo with no trials", () => detectEcho({ ...lone, trials: [] }, T)],
    ["cpu-or-io with no trials", () => detectCpuOrIo({ ...lone, trials: [] }, T)],
    [
      "cpu-or-io when the stalled trials have no CPU telemetry",
      () => {
        const r = syntheticRun([{ workers: 1, samplesPerS: 500, au: 0.5 }]);
        for (const t of r.trials)
          if (t.status === "ok") t.telemetry.cpu = { userPct: null, systemPct: null, iowaitPct: null, stealPct: null, idlePct: null };
        return detectCpuOrIo(r, T);
      },
    ],
  ])("%s", (_, detect) => {
    const f = detect();
    expect(f.verdict).toBe("insufficient-data");
    expect(f.summary.length).toBeGreaterThan(10);
  });
});

describe("diagnose, row by row", () => {
  const finding = (verdict: Finding["verdict"], kind?: string): Finding => ({
    id: "x",
    title: "x",
    verdict,
    summary: "",
    evidence: kind === undefined ? {} : kind.startsWith("stall-") ? { bestStallLevel: kind.slice(6) } : { kind },
    trials: [],
    basis: "measured",
    recommend: [],
  });
  it.each([
    ["insufficient-data", "issue", "cpu", "insufficient data"],
    ["none", "issue", "io", "device-bound"],
    ["none", "none", undefined, "device-bound"],
    ["stall-low", "issue", "cpu", "device-bound"],
    ["stall-moderate", "issue", "cpu", "AU target met, moderately input-bound"],
    ["stall-high", "none", undefined, "AU target met, highly input-bound"],
    ["issue", "issue", "cpu", "input-bound (CPU)"],
    ["issue", "issue", "io", "input-bound (I/O)"],
    ["issue", "none", undefined, "input-bound"],
    ["issue", "insufficient-data", undefined, "input-bound"],
  ] as const)("input-bound %s, cpu-or-io %s (%s) -> %s", (ib, cio, kind, expected) => {
    const inputBound = ib.startsWith("stall-") ? finding("none", ib) : finding(ib as Finding["verdict"]);
    expect(diagnose(inputBound, finding(cio, kind))).toBe(expected);
  });
});

describe("recommendations", () => {
  it("fill every placeholder of their Markdown templates with measured values", () => {
    const analysis = analyseRun(
      syntheticRun([
        { workers: 0, samplesPerS: 300, au: 0.3, loadMs: 120 },
        { workers: 2, samplesPerS: 600, au: 0.6, loadMs: 120 },
        { workers: 2, dtype: "float32", samplesPerS: 400, au: 0.4 },
      ]),
    );
    expect(analysis.verdict).toBe("input-bound (CPU)");
    const text = analysis.recommendations.map((r) => r.text).join("\n");
    expect(text).toContain("num_workers=2");
    expect(text).not.toMatch(/\{\{/);
  });
});
