import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { integrate, timeWeightedStats } from "../../src/telemetry/series-stats.js";

describe("time-weighted summaries", () => {
  it("weighs each reading by the time it stands for, not by count", () => {
    // 0 for 100 ms, then 100 for 900 ms (one late sample after a stall)
    const s = timeWeightedStats([
      { tMs: 100, value: 0 },
      { tMs: 1000, value: 100 },
    ])!;
    expect(s.mean).toBeCloseTo(90, 10);
    expect(s.p5).toBe(0);
    expect(s.p95).toBe(100);
    expect(s.min).toBe(0);
    expect(s.max).toBe(100);
    expect(s.coverage).toBe(1);
  });

  it("leaves gaps out of the statistics and reports the coverage", () => {
    const s = timeWeightedStats([
      { tMs: 100, value: 50 },
      { tMs: 200, value: null },
      { tMs: 400, value: 10 },
    ])!;
    expect(s.mean).toBeCloseTo((50 * 100 + 10 * 200) / 300, 10);
    expect(s.coverage).toBeCloseTo(0.75, 10);
  });

  it("is null for a series with no readings", () => {
    expect(timeWeightedStats([{ tMs: 100, value: null }])).toBeNull();
    expect(timeWeightedStats([])).toBeNull();
  });

  it("integrates a rate into an amount", () => {
    expect(
      integrate([
        { tMs: 500, value: 10 },
        { tMs: 1500, value: 20 },
      ]),
    ).toBeCloseTo(25, 10);
  });

  it("keeps mean and percentiles within min and max for any series", () => {
    const point = fc.record({ dt: fc.integer({ min: 1, max: 1000 }), value: fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true })) });
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 50 }), (points) => {
        let t = 0;
        const series = points.map((p) => ({ tMs: (t += p.dt), value: p.value }));
        const s = timeWeightedStats(series);
        if (s === null) return;
        const eps = 1e-6 * Math.max(1, Math.abs(s.min), Math.abs(s.max));
        expect(s.mean).toBeGreaterThanOrEqual(s.min - eps);
        expect(s.mean).toBeLessThanOrEqual(s.max + eps);
        expect(s.p5).toBeLessThanOrEqual(s.p95);
        expect(s.p5).toBeGreaterThanOrEqual(s.min);
        expect(s.p95).toBeLessThanOrEqual(s.max);
      }),
    );
  });
});
