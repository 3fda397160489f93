import { describe, expect, it } from "vitest";
import { analyseRun } from "../../src/analysis/analyse.js";
import { detectAuVsSmi } from "../../src/analysis/detectors/au-vs-smi.js";
import { DEFAULT_THRESHOLDS } from "../../src/analysis/types.js";
import { RunResultsSchema, type RunResults } from "../../src/store/results-schema.js";
import { SYNTHETIC_GPU, syntheticRun, webgpuConsumer } from "./synthetic-results.js";

const stats = (mean: number, coverage = 1) => ({ mean, min: mean, max: mean, p5: mean, p95: mean, coverage });
const GPU = SYNTHETIC_GPU;

/**
 * A webgpu run: each trial's AU (device busy share, of which `h2dShare` is copies) and the mean
 * nvidia-smi utilisation of the driven GPU, with seeded multiplicative noise on both.
 */
function webgpuRun(trials: { au: number; smiPct: number; coverage?: number }[], noise = 0, seed = 1, physical = true): RunResults {
  const base = syntheticRun(
    trials.map((t, i) => ({ workers: i, samplesPerS: 1000 + i, au: t.au })),
    { noise, seed },
  );
  const h2dShare = 0.05;
  return {
    ...base,
    host: { ...base.host, gpus: [{ index: 0, name: GPU.name, uuid: "GPU-0", busId: null }, GPU] },
    consumer: webgpuConsumer({ physical }),
    trials: base.trials.map((t, i) => {
      if (t.status !== "ok") return t;
      const spec = trials[i]!;
      const m = t.metrics;
      const busyS = m.au * m.windowS;
      const smi = Math.min(100, spec.smiPct * (m.au / spec.au));
      return {
        ...t,
        metrics: {
          ...m,
          device: { ...m.device, basis: "measured" as const, deviceBusyS: busyS, h2dMsPerBatch: (busyS * h2dShare * 1000) / m.batches },
        },
        telemetry: {
          ...t.telemetry,
          gpus: [
            { index: 0, name: GPU.name, uuid: "GPU-0", busId: null, utilPct: stats(0), memUsedMiB: null, powerW: null, pcieRxMBPerS: null },
            { ...GPU, utilPct: stats(smi, spec.coverage), memUsedMiB: null, powerW: null, pcieRxMBPerS: null },
          ],
        },
      };
    }),
  };
}

const detect = (r: RunResults) => detectAuVsSmi(r, DEFAULT_THRESHOLDS);

describe("AU against nvidia-smi", () => {
  it("builds valid results.json for a webgpu run", () => {
    expect(RunResultsSchema.safeParse(webgpuRun([{ au: 0.8, smiPct: 76 }])).success).toBe(true);
  });

  it.each([0, 0.03, 0.08])("agrees when smi tracks the kernel share (noise %s)", (noise) => {
    // Kernels are 95% of the busy time: smi should read about 0.95 x AU.
    const f = detect(
      webgpuRun(
        [
          { au: 0.5, smiPct: 47.5 },
          { au: 0.7, smiPct: 66.5 },
          { au: 0.95, smiPct: 90 },
        ],
        noise,
        7,
      ),
    );
    expect(f.verdict).toBe("none");
    expect(f.basis).toBe("measured");
    expect(f.evidence).toMatchObject({ gpuIndex: 3, trialsCompared: 3, trialsDisagreeing: 0 });
    expect(f.summary).toMatch(/agrees with the measured kernel time within 15 points in all 3 trials/);
  });

  it("is an issue when smi reads the GPU much busier than the kernels kept it, and says what that means", () => {
    const f = detect(
      webgpuRun([
        { au: 0.5, smiPct: 98 },
        { au: 0.9, smiPct: 86 },
      ]),
    );
    expect(f.verdict).toBe("issue");
    expect(f.trials).toEqual([1]);
    expect(f.evidence).toMatchObject({ worstTrial: 1, worstSmiPct: 98, worstKernelPct: 47.5, worstAuPct: 50 });
    expect(f.summary).toMatch(/busier than gpuprof's kernels kept it/);
  });

  it("is an issue the other way too: smi idler than the measured kernels", () => {
    const f = detect(webgpuRun([{ au: 0.9, smiPct: 40 }]));
    expect(f.verdict).toBe("issue");
    expect(f.summary).toMatch(/idler than the measured kernel time/);
  });

  it("is insufficient data without a matched GPU, with too few smi readings, or with a modelled device", () => {
    expect(detect(webgpuRun([{ au: 0.9, smiPct: 85 }], 0, 1, false)).verdict).toBe("insufficient-data");
    const sparse = detect(webgpuRun([{ au: 0.9, smiPct: 85, coverage: 0.2 }]));
    expect(sparse.verdict).toBe("insufficient-data");
    expect(sparse.summary).toMatch(/too few utilisation readings for GPU 3/);
    const sim = detect(syntheticRun([{ workers: 0, samplesPerS: 100, au: 0.9 }]));
    expect(sim.verdict).toBe("insufficient-data");
    expect(sim.summary).toMatch(/--consumer webgpu drives the GPU/);
  });

  it("joins the analysis only where there is a GPU to compare with", () => {
    expect(analyseRun(webgpuRun([{ au: 0.9, smiPct: 85 }])).findings.map((f) => f.id)).toContain("au-vs-smi");
    expect(analyseRun(syntheticRun([{ workers: 0, samplesPerS: 100, au: 0.9 }])).findings.map((f) => f.id)).not.toContain("au-vs-smi");
  });

  it("calls device-time findings measured on a real GPU, measured and modelled on the sim", () => {
    const real = analyseRun(webgpuRun([{ au: 0.5, smiPct: 47 }]));
    expect(real.findings.find((f) => f.id === "input-bound")!.basis).toBe("measured");
    const sim = analyseRun(syntheticRun([{ workers: 0, samplesPerS: 100, au: 0.5 }]));
    expect(sim.findings.find((f) => f.id === "input-bound")!.basis).toBe("measured and modelled");
  });
});
