import { describe, expect, it } from "vitest";
import { buildPlan, estimateTrialS, type TrialSettings } from "../../src/harness/plan.js";

const settings: TrialSettings = {
  batch: 64,
  prefetch: 2,
  dropLast: false,
  order: "shuffle",
  seed: 0,
  cold: false,
  warmupSteps: 5,
  durationS: 3,
  steps: null,
};
const [spec] = buildPlan({
  loaders: ["harness"],
  pinMemory: [false],
  workers: [2],
  dtypes: ["uint8"],
  transports: ["transfer"],
  echoes: [1],
  echoSplit: 1,
  baseline: false,
  repeat: 1,
});

describe("buildPlan", () => {
  it("puts the loaders side by side at every setting: the harness over its transports, torch over pin memory", () => {
    const plan = buildPlan({
      loaders: ["harness", "torch"],
      pinMemory: [false, true],
      workers: [0, 2],
      dtypes: ["uint8"],
      transports: ["transfer", "shared"],
      echoes: [1],
      echoSplit: 1,
      baseline: false,
      repeat: 1,
    });
    const rows = plan.map((s) => `${s.loader} w${s.workers} ${s.transport} pin=${s.pinMemory}`);
    expect(rows).toEqual([
      "harness w0 none pin=false",
      "torch w0 none pin=false",
      "torch w0 none pin=true",
      "harness w2 transfer pin=false",
      "harness w2 shared pin=false",
      "torch w2 none pin=false",
      "torch w2 none pin=true",
    ]);
    expect(plan.map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("gives the user's own Dataset the dtype 'dataset': its dtype is its own", () => {
    const plan = buildPlan({
      loaders: ["torch"],
      pinMemory: [false],
      workers: [0],
      dtypes: [],
      transports: ["transfer"],
      echoes: [1],
      echoSplit: 1,
      baseline: false,
      repeat: 1,
    });
    expect(plan.map((s) => s.dtype)).toEqual(["dataset"]);
  });
});

describe("estimateTrialS", () => {
  it("counts --cold's eviction by the files it drops: a 2048-file folder costs seconds, one .npy file hardly anything", () => {
    const cold = { ...settings, cold: true };
    const warm = estimateTrialS(spec!, settings, 35, 2048);
    const oneFile = estimateTrialS(spec!, cold, 35, 1);
    const folder = estimateTrialS(spec!, cold, 35, 2048);
    // Measured: 2048 files took 2.3 s or more to evict; one file a few hundredths of a second.
    expect(folder - warm).toBeGreaterThanOrEqual(2);
    expect(folder - warm).toBeLessThanOrEqual(2.3);
    expect(oneFile - warm).toBeLessThan(0.1);
    // Without --cold nothing is evicted, however many files.
    expect(estimateTrialS(spec!, settings, 35, 1)).toBe(warm);
  });
});
