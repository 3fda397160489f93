import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { calibrate, DispatchSplitter, type LoadTimer } from "../../src/webgpu/calibrate.js";

/** A device whose multiply takes `k * N^3` ms plus a fixed cost per submission, with seeded noise. */
function fakeDevice(msPerGflop: number, submitMs: number, noise = 0, seed = 1): LoadTimer & { calls: number[] } {
  let n = 0;
  let state = seed;
  const calls: number[] = [];
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return {
    calls,
    setMatrix: async (size) => void (n = size),
    time: async (dispatches) => {
      calls.push(dispatches);
      const ms = submitMs + (dispatches * 2 * n ** 3 * msPerGflop) / 1e9;
      return ms * (1 + noise * (random() * 2 - 1));
    },
  };
}

describe("calibration", () => {
  it("lands on the target on a fast device by growing the matrices", async () => {
    const device = fakeDevice(0.5, 0.05); // 2,000 GFLOP/s
    const c = await calibrate(device, 36);
    expect(c.matrixN).toBeGreaterThan(256);
    expect(c.dispatchesPerBatch).toBeLessThanOrEqual(400);
    expect(Math.abs(c.achievedMsPerBatch / 36 - 1)).toBeLessThanOrEqual(0.05);
    expect(c.gflopsPerS).toBeGreaterThan(1500);
  });

  it("still lands on the target when even the largest matrices are quick: more dispatches, not a wrong time", async () => {
    const c = await calibrate(fakeDevice(0.0005, 0.05), 36); // 2,000,000 GFLOP/s
    expect(c.matrixN).toBe(4096);
    expect(c.dispatchesPerBatch).toBeGreaterThan(400);
    expect(Math.abs(c.achievedMsPerBatch / 36 - 1)).toBeLessThanOrEqual(0.05);
  });

  it("lands on the target on a slow device by shrinking them", async () => {
    const device = fakeDevice(1000, 0.2); // 1 GFLOP/s, like a CPU Vulkan driver
    const c = await calibrate(device, 20);
    expect(c.matrixN).toBeLessThan(256);
    expect(c.dispatchesPerBatch).toBeGreaterThanOrEqual(8);
    expect(Math.abs(c.achievedMsPerBatch / 20 - 1)).toBeLessThanOrEqual(0.05);
  });

  it("corrects for a fixed cost per submission that a single multiply hides", async () => {
    const device = fakeDevice(10, 3);
    const c = await calibrate(device, 50);
    expect(Math.abs(c.achievedMsPerBatch / 50 - 1)).toBeLessThanOrEqual(0.05);
  });

  it("stays within 20% of the target under 10% timing noise", async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const c = await calibrate(fakeDevice(2, 0.1, 0.1, seed), 30);
      expect(Math.abs(c.achievedMsPerBatch / 30 - 1)).toBeLessThan(0.2);
    }
  });

  it("asks for no load when the step takes no time", async () => {
    const c = await calibrate(fakeDevice(1, 0.1), 0);
    expect(c).toMatchObject({ dispatchesPerBatch: 0, achievedMsPerBatch: 0 });
  });
});

describe("dispatches per step", () => {
  it("splits a batch's dispatches over its steps and keeps the total exact over many batches", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 512 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 40 }),
        (perBatch, batch, splits) => {
          const splitter = new DispatchSplitter(perBatch, batch);
          let total = 0;
          for (const k of splits) {
            const size = Math.ceil(batch / k);
            const steps = Array.from({ length: k }, (_, i) => Math.min(size, batch - i * size)).filter((s) => s > 0);
            total += splitter.forSteps(steps);
          }
          // Each batch's steps cover the whole batch, so the sum is perBatch per batch, give or take the carried fraction.
          expect(Math.abs(total - perBatch * splits.length)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
