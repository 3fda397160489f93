/** Mean, nearest-rank percentiles and max of a list of numbers (zeros for an empty list). */
export function summarize(values: readonly number[]): { mean: number; p50: number; p95: number; p99: number; max: number } {
  if (values.length === 0) return { mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  const r3 = (v: number): number => Math.round(v * 1000) / 1000;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { mean: r3(mean), p50: r3(rank(0.5)), p95: r3(rank(0.95)), p99: r3(rank(0.99)), max: r3(sorted[sorted.length - 1]!) };
}
