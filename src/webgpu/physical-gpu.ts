import type { GpuIdentity, Sample } from "../telemetry/types.js";

export interface PhysicalGpu extends GpuIdentity {
  identifiedBy: "name" | "load" | "name and load";
}

/** A GPU counts as the loaded one when its utilisation rose this far above every other GPU's during calibration. */
const LOAD_MARGIN_PCT = 15;

const sameName = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The GPU whose nvidia-smi utilisation stood clearly above all others during the window; null when none did. */
export function gpuLoadedDuring(samples: readonly Sample[], window: { startMs: number; endMs: number }): number | null {
  const sums = new Map<number, { total: number; count: number }>();
  for (const sample of samples) {
    if (sample.tMs <= window.startMs || sample.tMs > window.endMs) continue;
    for (const gpu of sample.gpus) {
      if (gpu.utilPct === null) continue;
      const entry = sums.get(gpu.index) ?? { total: 0, count: 0 };
      entry.total += gpu.utilPct;
      entry.count++;
      sums.set(gpu.index, entry);
    }
  }
  const means = [...sums].map(([index, s]) => ({ index, mean: s.total / s.count })).sort((a, b) => b.mean - a.mean);
  const [top, next] = means;
  if (!top || top.mean < LOAD_MARGIN_PCT) return null;
  if (next && top.mean - next.mean < LOAD_MARGIN_PCT) return null;
  return top.index;
}

/**
 * Which nvidia-smi GPU the WebGPU adapter is. WebGPU does not expose PCI addresses or UUIDs, so:
 * by name when exactly one GPU has the adapter's name, and by load (whose utilisation rose while
 * gpuprof calibrated its kernels on the adapter) when the names cannot tell; load wins a disagreement.
 */
export function identifyPhysicalGpu(
  adapterName: string,
  gpus: readonly GpuIdentity[],
  samples: readonly Sample[],
  calibrationWindow: { startMs: number; endMs: number } | null,
): PhysicalGpu | null {
  const named = gpus.filter((g) => g.name !== null && sameName(g.name, adapterName));
  const loadedIndex = calibrationWindow ? gpuLoadedDuring(samples, calibrationWindow) : null;
  const loaded = loadedIndex === null ? undefined : gpus.find((g) => g.index === loadedIndex);
  if (named.length === 1 && loaded?.index === named[0]!.index) return { ...loaded, identifiedBy: "name and load" };
  if (loaded) return { ...loaded, identifiedBy: "load" };
  if (named.length === 1) return { ...named[0]!, identifiedBy: "name" };
  return null;
}
