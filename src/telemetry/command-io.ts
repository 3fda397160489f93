import { ioDifference, reapedIo, type ProcessIo } from "./process-io.js";

function isReaped(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * The exact read totals of a command this process spawned, its whole tree included, taken from the
 * counters the kernel adds to ours when we reap it (see reapedIo). nvidia-smi children are reaped
 * here too and their counters land in the same place (a fake nvidia-smi written in Node reads
 * ~270 kB starting up), so the baseline moves past each one reaped while the command runs. A helper
 * reaped in the same event-loop turn as the command cannot be told apart from it: the total is then
 * unknown (null) rather than wrong.
 */
export class CommandIoLedger {
  private baseline: ProcessIo | null;
  private mixed = false;

  constructor(
    private readonly commandPid: number,
    private readonly proc = "/proc",
  ) {
    this.baseline = reapedIo(proc);
  }

  /** Another child of ours (an nvidia-smi) has just been reaped. */
  otherChildReaped(): void {
    if (isReaped(this.commandPid)) this.mixed = true;
    else if (this.baseline) this.baseline = reapedIo(this.proc);
  }

  /**
   * The command tree's totals once the command has been reaped; null while it runs, or when another
   * child's counters may be mixed in (`othersReapedUnseen`: one was reaped and has not been reported yet).
   */
  total(othersReapedUnseen: boolean): ProcessIo | null {
    if (this.mixed || othersReapedUnseen || !this.baseline || !isReaped(this.commandPid)) return null;
    const now = reapedIo(this.proc);
    return now ? ioDifference(now, this.baseline) : null;
  }
}
