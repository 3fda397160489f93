import type { ProcessIo } from "./process-io.js";

interface Tracked {
  io: ProcessIo;
  parent: number | null;
}

/**
 * Turns per-process /proc/<pid>/io counters of a changing process tree into bytes read per interval.
 * When a parent reaps a child the kernel adds the child's counters to the parent's, so a child that
 * vanished has its last counters taken off its parent's next increase, or they would count twice.
 */
export class TreeIoAccumulator {
  private tracked = new Map<number, Tracked>();

  /** Takes this interval's counters (pid -> io and parent) and returns the bytes read since the last call. */
  update(current: Map<number, { io: ProcessIo; parent: number | null }>): ProcessIo {
    const vanishedByParent = new Map<number, ProcessIo>();
    for (const [pid, old] of this.tracked) {
      if (current.has(pid) || old.parent === null) continue;
      const sum = vanishedByParent.get(old.parent) ?? { rchar: 0, readBytes: 0 };
      sum.rchar += old.io.rchar;
      sum.readBytes += old.io.readBytes;
      vanishedByParent.set(old.parent, sum);
    }
    const delta: ProcessIo = { rchar: 0, readBytes: 0 };
    for (const [pid, now] of current) {
      const before = this.tracked.get(pid)?.io ?? { rchar: 0, readBytes: 0 };
      const reaped = vanishedByParent.get(pid) ?? { rchar: 0, readBytes: 0 };
      delta.rchar += Math.max(0, now.io.rchar - before.rchar - reaped.rchar);
      delta.readBytes += Math.max(0, now.io.readBytes - before.readBytes - reaped.readBytes);
    }
    this.tracked = new Map(current);
    return delta;
  }
}
