import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BatchPlan } from "../../src/harness/index-order.js";
import { echoSteps } from "../../src/harness/echo.js";

function epoch(plan: BatchPlan, e: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < plan.batchesPerEpoch; b++) out.push(...plan.indices(e * plan.batchesPerEpoch + b));
  return out;
}

describe("BatchPlan", () => {
  it("delivers every index exactly once per epoch, for any size, batch and order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (count, batch, shuffle, seed) => {
          fc.pre(batch <= count);
          const plan = new BatchPlan({ count, batch, dropLast: false, order: shuffle ? "shuffle" : "sequential", seed });
          for (const e of [0, 1]) expect([...epoch(plan, e)].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
        },
      ),
    );
  });

  it("reads sequentially in order, and reshuffles every epoch with a seed", () => {
    expect(epoch(new BatchPlan({ count: 10, batch: 4, dropLast: false, order: "sequential", seed: 0 }), 1)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    const plan = new BatchPlan({ count: 50, batch: 5, dropLast: false, order: "shuffle", seed: 3 });
    const again = new BatchPlan({ count: 50, batch: 5, dropLast: false, order: "shuffle", seed: 3 });
    expect(epoch(plan, 0)).not.toEqual(epoch(plan, 1));
    expect(epoch(plan, 1)).toEqual(epoch(again, 1));
  });

  it("drops the incomplete last batch only when asked", () => {
    const keep = new BatchPlan({ count: 10, batch: 4, dropLast: false, order: "sequential", seed: 0 });
    const drop = new BatchPlan({ count: 10, batch: 4, dropLast: true, order: "sequential", seed: 0 });
    expect(keep.indices(2)).toEqual([8, 9]);
    expect(drop.batchesPerEpoch).toBe(2);
    expect(drop.indices(2)).toEqual([0, 1, 2, 3]);
  });
});

describe("echoSteps", () => {
  it("without echo only splits the batch, keeping sampler order", () => {
    expect(echoSteps([5, 3, 9, 1, 7], 1, 2, 0)).toEqual([
      [5, 3, 9],
      [1, 7],
    ]);
    expect(echoSteps([5, 3, 9], 1, 1, 0)).toEqual([[5, 3, 9]]);
  });

  it("uses each sample e times, in K sub-batches per use, reshuffled between uses", () => {
    const batch = Array.from({ length: 8 }, (_, i) => 100 + i);
    const steps = echoSteps(batch, 2, 2, 7);
    expect(steps).toHaveLength(4);
    expect(steps.every((s) => s.length === 4)).toBe(true);
    const counts = new Map<number, number>();
    for (const s of steps) for (const i of s) counts.set(i, (counts.get(i) ?? 0) + 1);
    expect([...counts.values()].every((c) => c === 2)).toBe(true);
    expect(counts.size).toBe(8);
    expect([...steps[0]!, ...steps[1]!]).not.toEqual([...steps[2]!, ...steps[3]!]);
  });
});
