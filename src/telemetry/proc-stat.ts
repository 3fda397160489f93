import type { CpuPercents } from "./types.js";

/** Cumulative tick counters of one "cpu" line of /proc/stat (USER_HZ ticks). */
export interface CpuTicks {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface ProcStat {
  total: CpuTicks;
  /** Per core, indexed by the number after "cpu" (offline cores leave holes). */
  cores: Map<number, CpuTicks>;
}

const FIELDS: (keyof CpuTicks)[] = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"];

function parseTicks(parts: string[]): CpuTicks | null {
  const ticks = {} as CpuTicks;
  for (let i = 0; i < FIELDS.length; i++) {
    // Old kernels print fewer columns; a missing column is a zero counter, not an error.
    const raw = parts[i + 1];
    const value = raw === undefined ? 0 : Number(raw);
    if (!Number.isFinite(value) || value < 0) return null;
    ticks[FIELDS[i]!] = value;
  }
  return ticks;
}

/** Parses /proc/stat text; returns null when it holds no aggregate "cpu" line. */
export function parseProcStat(text: string): ProcStat | null {
  let total: CpuTicks | null = null;
  const cores = new Map<number, CpuTicks>();
  // The cpu lines come first; the lines after them (intr alone can be tens of KB on a big machine) are skipped.
  let start = 0;
  while (text.startsWith("cpu", start)) {
    const newline = text.indexOf("\n", start);
    const line = text.slice(start, newline < 0 ? undefined : newline);
    start = newline < 0 ? text.length : newline + 1;
    const parts = line.trim().split(/\s+/);
    const label = parts[0]!;
    const ticks = parseTicks(parts);
    if (!ticks) continue;
    if (label === "cpu") total = ticks;
    else {
      const index = Number(label.slice(3));
      if (Number.isInteger(index) && index >= 0) cores.set(index, ticks);
    }
  }
  return total ? { total, cores } : null;
}

/**
 * Percent of each kind of CPU time between two readings.
 * guest and guest_nice are not added: the kernel already counts them inside user and nice.
 * A counter that went backwards (iowait does, per-cpu) counts as zero for that interval.
 */
export function cpuPercents(prev: CpuTicks, cur: CpuTicks): CpuPercents {
  const delta = {} as CpuTicks;
  let sum = 0;
  for (const field of FIELDS) {
    const d = Math.max(0, cur[field] - prev[field]);
    delta[field] = d;
    sum += d;
  }
  // Two decimals are far below what a tick-based share can resolve, and keep timelines small.
  const pct = (v: number): number => (sum === 0 ? 0 : Math.round((10000 * v) / sum) / 100);
  return {
    userPct: pct(delta.user),
    nicePct: pct(delta.nice),
    systemPct: pct(delta.system),
    iowaitPct: pct(delta.iowait),
    irqPct: pct(delta.irq),
    softirqPct: pct(delta.softirq),
    stealPct: pct(delta.steal),
    idlePct: sum === 0 ? 100 : pct(delta.idle),
  };
}

/** Per-core percentages for the cores present in both readings, in core order (the kernel lists them in order). */
export function corePercents(prev: ProcStat, cur: ProcStat): CpuPercents[] {
  const out: CpuPercents[] = [];
  for (const [index, ticks] of cur.cores) {
    const before = prev.cores.get(index);
    if (before) out.push(cpuPercents(before, ticks));
  }
  return out;
}
