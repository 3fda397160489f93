import { describe, expect, it } from "vitest";
import { collapseRepeats, repeatSpread } from "../../src/analysis/repeats.js";
import type { RunResults } from "../../src/store/results-schema.js";
import { syntheticRun } from "./synthetic-results.js";

/** Two repeats of each shape: the second repeat's trials follow the first's, as the plan orders them. */
function repeated(shapes: Parameters<typeof syntheticRun>[0], second: Parameters<typeof syntheticRun>[0]): RunResults {
  const a = syntheticRun(shapes);
  const b = syntheticRun(second);
  const trials = [...a.trials, ...b.trials.map((t, i) => ({ ...t, spec: { ...t.spec, id: a.trials.length + i + 1, repeat: 2 } }))];
  return { ...a, trials };
}

describe("repeats are judged by their mean", () => {
  it("collapses each configuration's repeats into one trial with the mean numbers, integers kept whole", () => {
    const results = repeated(
      [
        { workers: 1, samplesPerS: 1000, au: 0.5 },
        { workers: 2, samplesPerS: 1500, au: 0.8 },
      ],
      [
        { workers: 1, samplesPerS: 1200, au: 0.7 },
        { workers: 2, samplesPerS: 1700, au: 0.9 },
      ],
    );
    const collapsed = collapseRepeats(results);
    expect(collapsed.trials).toHaveLength(2);
    const first = collapsed.trials[0]!;
    if (first.status !== "ok") throw new Error("expected ok");
    expect(first.spec).toMatchObject({ id: 1, workers: 1, repeat: 1 });
    expect(first.metrics.samplesPerS).toBeCloseTo(1100, 6);
    expect(first.metrics.au).toBeCloseTo(0.6, 6);
    expect(Number.isInteger(first.metrics.batches)).toBe(true);
    // An optional field absent from every repeat stays absent, never null.
    expect(first.metrics.processCpu).toBeUndefined();
    expect(repeatSpread(results, first.spec)).toEqual({ repeats: 2, spread: 200 / 1100 });
  });

  it("leaves a failed repeat out of the mean, and keeps a configuration whose every repeat failed", () => {
    const results = repeated([{ workers: 1, samplesPerS: 1000, au: 0.5 }], [{ workers: 1, samplesPerS: 1200, au: 0.7 }]);
    results.trials[1] = { status: "failed", spec: results.trials[1]!.spec, reason: "boom" };
    const one = collapseRepeats(results).trials;
    expect(one).toHaveLength(1);
    expect(one[0]!.status === "ok" && one[0]!.metrics.samplesPerS).toBe(1000);
    results.trials[0] = { status: "failed", spec: results.trials[0]!.spec, reason: "first" };
    expect(collapseRepeats(results).trials).toEqual([expect.objectContaining({ status: "failed", reason: "first" })]);
  });

  it("returns results without repeats unchanged", () => {
    const plain = syntheticRun([{ workers: 1, samplesPerS: 1000, au: 0.5 }]);
    expect(collapseRepeats(plain)).toBe(plain);
  });
});
