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

/** The eight counters after the label, read straight from the text (one pass, no regex, no arrays). */
function parseTicksAt(text: string, from: number, end: number): CpuTicks | null {
  const values = [0, 0, 0, 0, 0, 0, 0, 0];
  let field = -1;
  let i = from;
  // Skip the label ("cpu" or "cpuN").
  while (i < end && text.charCodeAt(i) !== 32) i++;
  while (i < end && field < 8) {
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (i >= end) break;
    field++;
    let value = 0;
    let digits = 0;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 32) break;
      if (c < 48 || c > 57) return null;
      value = value * 10 + (c - 48);
      digits++;
    }
    // Old kernels print fewer columns; a missing column is a zero counter, not an error.
    if (field < 8 && digits > 0) values[field] = value;
  }
  return {
    user: values[0]!,
    nice: values[1]!,
    system: values[2]!,
    idle: values[3]!,
    iowait: values[4]!,
    irq: values[5]!,
    softirq: values[6]!,
    steal: values[7]!,
  };
}

/** Parses /proc/stat text; returns null when it holds no aggregate "cpu" line. */
export function parseProcStat(text: string): ProcStat | null {
  let total: CpuTicks | null = null;
  const cores = new Map<number, CpuTicks>();
  // The cpu lines come first; the lines after them (intr alone can be tens of KB on a big machine) are skipped.
  let start = 0;
  while (text.startsWith("cpu", start)) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline;
    const ticks = parseTicksAt(text, start, end);
    const labelEnd = text.indexOf(" ", start);
    const label = text.slice(start, labelEnd < 0 || labelEnd > end ? end : labelEnd);
    start = newline < 0 ? text.length : newline + 1;
    if (!ticks) continue;
    if (label === "cpu") total = ticks;
    else {
      const index = Number(label.slice(3));
      if (label.length > 3 && Number.isInteger(index) && index >= 0) cores.set(index, ticks);
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
  const user = Math.max(0, cur.user - prev.user);
  const nice = Math.max(0, cur.nice - prev.nice);
  const system = Math.max(0, cur.system - prev.system);
  const idle = Math.max(0, cur.idle - prev.idle);
  const iowait = Math.max(0, cur.iowait - prev.iowait);
  const irq = Math.max(0, cur.irq - prev.irq);
  const softirq = Math.max(0, cur.softirq - prev.softirq);
  const steal = Math.max(0, cur.steal - prev.steal);
  const sum = user + nice + system + idle + iowait + irq + softirq + steal;
  if (sum === 0) return { userPct: 0, nicePct: 0, systemPct: 0, iowaitPct: 0, irqPct: 0, softirqPct: 0, stealPct: 0, idlePct: 100 };
  // Two decimals are far below what a tick-based share can resolve, and keep timelines small.
  const k = 10000 / sum;
  return {
    userPct: Math.round(user * k) / 100,
    nicePct: Math.round(nice * k) / 100,
    systemPct: Math.round(system * k) / 100,
    iowaitPct: Math.round(iowait * k) / 100,
    irqPct: Math.round(irq * k) / 100,
    softirqPct: Math.round(softirq * k) / 100,
    stealPct: Math.round(steal * k) / 100,
    idlePct: Math.round(idle * k) / 100,
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
