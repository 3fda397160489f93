import type { Reading } from "./types.js";

/** Time-weighted summary of one series; null fields when the series has no readings at all. */
export interface SeriesStats {
  mean: number;
  min: number;
  max: number;
  p5: number;
  p95: number;
  /** Share of the covered time that had a reading (0-1); GPU series can have gaps. */
  coverage: number;
}

export interface TimedReading {
  /** End of the interval the reading describes. */
  tMs: number;
  value: Reading;
}

/**
 * Each reading stands for the interval since the previous one (the first for the time since 0), so a
 * late sample after a stall weighs as long as the stall lasted: means and percentiles are over time,
 * not over sample counts.
 */
export function timeWeightedStats(points: readonly TimedReading[]): SeriesStats | null {
  const weighted: { value: number; weight: number }[] = [];
  let covered = 0;
  let total = 0;
  let prevT = 0;
  for (const { tMs, value } of points) {
    const weight = Math.max(0, tMs - prevT);
    prevT = tMs;
    total += weight;
    if (value === null || !Number.isFinite(value) || weight === 0) continue;
    weighted.push({ value, weight });
    covered += weight;
  }
  if (weighted.length === 0 || covered === 0) return null;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const { value, weight } of weighted) {
    sum += value * weight;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  weighted.sort((a, b) => a.value - b.value);
  return {
    mean: sum / covered,
    min,
    max,
    p5: weightedPercentile(weighted, covered, 0.05),
    p95: weightedPercentile(weighted, covered, 0.95),
    coverage: covered / total,
  };
}

/** The smallest value whose cumulative weight reaches the share q of the total. Input sorted by value. */
function weightedPercentile(sorted: readonly { value: number; weight: number }[], totalWeight: number, q: number): number {
  const target = q * totalWeight;
  let cumulative = 0;
  for (const { value, weight } of sorted) {
    cumulative += weight;
    if (cumulative >= target) return value;
  }
  return sorted[sorted.length - 1]!.value;
}

/** Integral of a rate series over time (e.g. bytes/s -> bytes), nulls contributing nothing. */
export function integrate(points: readonly TimedReading[]): number {
  let prevT = 0;
  let sum = 0;
  for (const { tMs, value } of points) {
    if (value !== null && Number.isFinite(value)) sum += (value * Math.max(0, tMs - prevT)) / 1000;
    prevT = tMs;
  }
  return sum;
}
