import { integrate, timeWeightedStats, type SeriesStats } from "./series-stats.js";
import type { GpuIdentity, Reading, Sample } from "./types.js";

export interface GpuSummary extends GpuIdentity {
  utilPct: SeriesStats | null;
  memUsedMiB: SeriesStats | null;
  powerW: SeriesStats | null;
  pcieRxMBPerS: SeriesStats | null;
}

export interface TelemetrySummary {
  durationS: number;
  sampleCount: number;
  cpu: {
    /** user + nice */
    userPct: SeriesStats | null;
    /** system + irq + softirq: all kernel-mode time */
    systemPct: SeriesStats | null;
    iowaitPct: SeriesStats | null;
    stealPct: SeriesStats | null;
    idlePct: SeriesStats | null;
  };
  io: {
    procReadMBPerS: SeriesStats | null;
    procStorageReadMBPerS: SeriesStats | null;
    diskReadMBPerS: SeriesStats | null;
    procReadBytes: number | null;
    procStorageReadBytes: number | null;
    diskReadBytes: number | null;
  };
  gpus: GpuSummary[];
}

const MB = 1e6;

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

function series(samples: readonly Sample[], pick: (s: Sample) => Reading): SeriesStats | null {
  const stats = timeWeightedStats(samples.map((s) => ({ tMs: s.tMs, value: pick(s) })));
  if (!stats) return null;
  return {
    mean: round3(stats.mean),
    min: round3(stats.min),
    max: round3(stats.max),
    p5: round3(stats.p5),
    p95: round3(stats.p95),
    coverage: round3(stats.coverage),
  };
}

function total(samples: readonly Sample[], pick: (s: Sample) => Reading): number | null {
  if (!samples.some((s) => pick(s) !== null)) return null;
  return Math.round(integrate(samples.map((s) => ({ tMs: s.tMs, value: pick(s) }))));
}

const perMB = (v: Reading): Reading => (v === null ? null : v / MB);

/** Time-weighted summaries of a timeline: what the terminal summary and --json print. */
export function summarizeTelemetry(samples: readonly Sample[], gpus: readonly GpuIdentity[]): TelemetrySummary {
  const gpuValue =
    (index: number, pick: (g: Sample["gpus"][number]) => Reading) =>
    (s: Sample): Reading => {
      const g = s.gpus.find((x) => x.index === index);
      return g ? pick(g) : null;
    };
  return {
    durationS: samples.length > 0 ? samples[samples.length - 1]!.tMs / 1000 : 0,
    sampleCount: samples.length,
    cpu: {
      userPct: series(samples, (s) => s.cpu.userPct + s.cpu.nicePct),
      systemPct: series(samples, (s) => s.cpu.systemPct + s.cpu.irqPct + s.cpu.softirqPct),
      iowaitPct: series(samples, (s) => s.cpu.iowaitPct),
      stealPct: series(samples, (s) => s.cpu.stealPct),
      idlePct: series(samples, (s) => s.cpu.idlePct),
    },
    io: {
      procReadMBPerS: series(samples, (s) => perMB(s.io.procReadBytesPerS)),
      procStorageReadMBPerS: series(samples, (s) => perMB(s.io.procStorageReadBytesPerS)),
      diskReadMBPerS: series(samples, (s) => perMB(s.io.diskReadBytesPerS)),
      procReadBytes: total(samples, (s) => s.io.procReadBytesPerS),
      procStorageReadBytes: total(samples, (s) => s.io.procStorageReadBytesPerS),
      diskReadBytes: total(samples, (s) => s.io.diskReadBytesPerS),
    },
    gpus: gpus.map((id) => ({
      ...id,
      utilPct: series(
        samples,
        gpuValue(id.index, (g) => g.utilPct),
      ),
      memUsedMiB: series(
        samples,
        gpuValue(id.index, (g) => g.memUsedMiB),
      ),
      powerW: series(
        samples,
        gpuValue(id.index, (g) => g.powerW),
      ),
      pcieRxMBPerS: series(
        samples,
        gpuValue(id.index, (g) => g.pcieRxMBPerS),
      ),
    })),
  };
}
