import { describe, expect, it } from "vitest";
import { recommendations } from "../../src/analysis/recommend.js";
import { countDips, detectWatch, dipPeriodS, dipTimes } from "../../src/analysis/detectors/watch.js";
import { gpuRow, watchRun, watchSamples } from "./study-cases.js";

const run = watchRun;
const samples = watchSamples;

describe("watch detector", () => {
  it("never puts more than all the reads down to storage (pages of mapped files count in read_bytes, not in rchar)", () => {
    const r = run(samples(100, () => ({ gpu: 35, user: 15, sys: 20, wa: 30, storage: 5e9 })));
    const f = detectWatch(r.result, r.samples);
    expect(f.evidence["kind"]).toBe("io-bound input");
    expect((f.recommend[0]!.values as Record<string, string>)["storage"]).toBe("100.0%");
  });

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
    expect(f.recommend[0]!.template).toBe("advice.cpu-bound");
  });

  it("a waiting GPU with system + iowait and storage reads is I/O-bound input", () => {
    const r = run(samples(100, () => ({ gpu: 35, user: 15, sys: 20, wa: 30, storage: 5e7 })));
    const f = detectWatch(r.result, r.samples);
    expect(f.evidence["kind"]).toBe("io-bound input");
    // The seed case of the product: its advice once needed a value the watch detector never passed.
    const [advice] = recommendations([f]);
    expect(advice!.text).toMatch(
      /^\*\*The loader waits on storage\*\* \(system \+ iowait 50% against user 15%; [\d.]+% of reads from storage\)\. Read larger/,
    );
  });

  it("judges no GPU on too few readings, on N/A utilisation, or when the command never used it", () => {
    // nvidia-smi answered for the first 10% of the run, then crashed: null readings after.
    const short = samples(100, (i) => ({ gpu: i < 10 ? 0 : null, user: 60, sys: 5, wa: 0, storage: 0 }));
    const sparse = detectWatch(run(short).result, short);
    expect(sparse.verdict).toBe("insufficient-data");
    expect(sparse.summary).toMatch(/GPU readings cover only 9% of the run/);
    // The GPU is listed but utilization.gpu reads N/A throughout (MIG).
    const na = samples(50, () => ({ gpu: null, user: 60, sys: 5, wa: 0, storage: 0 })).map((s) => ({
      ...s,
      gpus: [{ ...gpuRow(), utilPct: null }],
    }));
    const naFinding = detectWatch(run(na).result, na);
    expect(naFinding.evidence["kind"]).toBe("no gpu utilisation");
    expect(naFinding.summary).toMatch(/reports no utilisation for it/);
    // Idle GPU with no memory in use: the command never touched it.
    const idle = samples(50, () => ({ gpu: 0, user: 90, sys: 5, wa: 0, storage: 0 })).map((s) => ({
      ...s,
      gpus: s.gpus.map((g) => ({ ...g, memUsedMiB: 0 })),
    }));
    const unused = detectWatch(run(idle).result, idle);
    expect(unused.evidence["kind"]).toBe("gpu not used");
    expect(unused.verdict).toBe("insufficient-data");
  });

  it("words CPU-bound advice with the share of reads from storage", () => {
    const r = run(samples(100, () => ({ gpu: 40, user: 85, sys: 5, wa: 0, storage: 0 })));
    const f = detectWatch(r.result, r.samples);
    expect(recommendations([f])[0]!.text).toMatch(/the whole host: user 85%, system \+ iowait 5%; 0\.0% of reads from storage\)/);
    expect(f.summary).toMatch(/every process on it/);
  });

  describe("without a GPU, judges the host alone and says so", () => {
    const hostOnly = /^No GPU to compare with: judged from the host's CPU and I\/O alone\. /;
    const noGpu = (f: (i: number) => { user: number; sys: number; wa: number; storage: number }, n = 50) => {
      const r = run(
        samples(n, (i) => ({ gpu: null, ...f(i) })),
        false,
      );
      return detectWatch(r.result, r.samples);
    };

    it("busy user CPU is CPU-bound, with the CPU-bound advice", () => {
      const f = noGpu(() => ({ user: 90, sys: 5, wa: 0, storage: 0 }));
      expect(f.verdict).toBe("issue");
      expect(f.evidence).toMatchObject({ kind: "host cpu-bound", userPct: 90, systemPlusIowaitPct: 5, gpuUtilPct: null });
      expect(f.summary).toMatch(hostOnly);
      expect(f.summary).toMatch(/CPU user time .* is 90% of its cores against 5% system \+ iowait: the command is CPU-bound/);
      expect(recommendations([f])[0]!.text).toMatch(
        /^\*\*The loader is CPU-bound\*\* \(see its finding for the measure behind this; the whole host: user 90%, system \+ iowait 5%; 0\.0% of reads from storage\)/,
      );
    });

    it("system + iowait with reads from storage waits on storage, with the storage advice", () => {
      const f = noGpu(() => ({ user: 15, sys: 20, wa: 30, storage: 5e6 }));
      expect(f.verdict).toBe("issue");
      expect(f.evidence["kind"]).toBe("host io-bound");
      expect(f.summary).toMatch(hostOnly);
      // 5 MB/s of the 10 MB/s the samples read: half from storage.
      expect(f.summary).toMatch(
        /spends 50% in system \+ iowait against 15% user while the command reads 5\.0 MB\/s from storage \(50\.0% of its reads\): it waits on storage/,
      );
      expect(f.recommend[0]).toMatchObject({ template: "advice.io-bound", values: { user: "15%", kernel: "50%", storage: "50.0%" } });
      // The same system + iowait with nothing read from storage is not storage.
      expect(noGpu(() => ({ user: 15, sys: 20, wa: 30, storage: 0 })).evidence["kind"]).toBe("host neither");
    });

    it("neither is no issue found, still marked host-only, with no advice", () => {
      const f = noGpu(() => ({ user: 30, sys: 5, wa: 1, storage: 0 }));
      expect(f.verdict).toBe("none");
      expect(f.evidence["kind"]).toBe("host neither");
      expect(f.summary).toMatch(hostOnly);
      expect(f.summary).toMatch(
        /neither CPU-bound \(user 30%\) nor waiting on storage \(system \+ iowait 6%, 0\.0% of reads from storage\)/,
      );
      expect(f.recommend).toEqual([]);
    });

    it("a run under a second is too little to judge the host by", () => {
      const f = noGpu(() => ({ user: 90, sys: 5, wa: 0, storage: 0 }), 5);
      expect(f.verdict).toBe("insufficient-data");
      expect(f.evidence["kind"]).toBe("no gpu");
      expect(f.summary).toMatch(/too short \(0\.40 s, under 1\.0 s\)/);
    });
  });

  it("finds periodic dips from busy to idle, their period, and what to do about them", () => {
    // Busy for 3 s, idle for 1 s, five times over: the GPU is idle a quarter of the time.
    const s = samples(200, (i) => ({ gpu: i % 40 < 30 ? 98 : 5, user: 40, sys: 5, wa: 0, storage: 0 }));
    expect(countDips(s)).toBe(5);
    expect(dipPeriodS(dipTimes(s))).toBeCloseTo(4, 5);
    const f = detectWatch(run(s).result, s);
    expect(f.verdict).toBe("issue");
    expect(f.evidence).toMatchObject({ kind: "periodic stalls", dips: 5, dipPeriodS: 4 });
    expect(f.summary).toMatch(/falls from busy to idle every 4\.0 s \(5 times\): periodic stalls/);
    expect(f.recommend[0]).toMatchObject({ template: "advice.periodic-stalls", knob: "prefetch_factor, num_workers, persistent_workers" });
  });

  it("does not call irregular dips periodic", () => {
    // Idle stretches at 1, 2.5, 8 and 9 s: four dips, no period.
    const idle = new Set([10, 11, 25, 26, 80, 81, 90, 91]);
    const s = samples(120, (i) => ({ gpu: idle.has(i) ? 5 : 98, user: 40, sys: 5, wa: 0, storage: 0 }));
    expect(countDips(s)).toBe(4);
    expect(dipPeriodS(dipTimes(s))).toBeNull();
    const f = detectWatch(run(s).result, s);
    expect(f.evidence["kind"]).toBe("compute-bound");
    expect(f.summary).toMatch(/fell from busy to idle 4 times at irregular intervals/);
    expect(f.summary).not.toMatch(/periodic/);
  });
});
