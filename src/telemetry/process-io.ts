import { readdirSync, readFileSync } from "node:fs";

/** The read counters of /proc/<pid>/io that tell storage reads from page-cache reads. */
export interface ProcessIo {
  /** Bytes passed to read()-like calls, whether or not storage was touched. */
  rchar: number;
  /** Bytes this process caused to be fetched from storage. */
  readBytes: number;
}

/** Parses /proc/<pid>/io text; null when either counter is missing (e.g. no permission). */
export function parseProcessIo(text: string): ProcessIo | null {
  let rchar: number | null = null;
  let readBytes: number | null = null;
  for (const line of text.split("\n")) {
    const [key, value] = line.split(":");
    if (value === undefined) continue;
    const n = Number(value.trim());
    if (!Number.isFinite(n)) continue;
    if (key === "rchar") rchar = n;
    else if (key === "read_bytes") readBytes = n;
  }
  return rchar === null || readBytes === null ? null : { rchar, readBytes };
}

/**
 * Read counters this process holds for children it has reaped (and threads that ended): the whole
 * process's counters minus those of its live threads. When a parent reaps a child the kernel adds
 * the child's totals, its own reaped children included, to the parent's; the difference of this
 * value across a child's life is therefore that child tree's exact total.
 */
export function reapedIo(proc = "/proc"): ProcessIo | null {
  try {
    const whole = parseProcessIo(readFileSync(`${proc}/self/io`, "latin1"));
    if (!whole) return null;
    const out = { ...whole };
    for (const tid of readdirSync(`${proc}/self/task`)) {
      const thread = parseProcessIo(readFileSync(`${proc}/self/task/${tid}/io`, "latin1"));
      if (!thread) return null;
      out.rchar -= thread.rchar;
      out.readBytes -= thread.readBytes;
    }
    return out;
  } catch {
    return null;
  }
}

export function ioDifference(after: ProcessIo, before: ProcessIo): ProcessIo {
  return { rchar: Math.max(0, after.rchar - before.rchar), readBytes: Math.max(0, after.readBytes - before.readBytes) };
}
