import { signalChild } from "../../util/signal-child.js";
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LineChildHandlers {
  onLine(line: string): void;
  /** The child could not be started (e.g. ENOENT). */
  onSpawnError(code: string | undefined): void;
  /** The child ended on its own; `output` is the tail of everything it printed. */
  onExit(code: number | null, signal: NodeJS.Signals | null, output: string): void;
  /** No line arrived within the watchdog's limit; the child has already been killed. */
  onHang(silentMs: number): void;
}

export interface Watchdog {
  firstLineMs: number;
  gapMs: number;
}

export interface LineChildSpec {
  executable: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  watchdog: Watchdog;
  nowMs?: () => number;
  /**
   * Called as soon as the child has been reaped, whatever ended it (even after stop). Reaping hands
   * the child's I/O counters to this process, and the sampler must not count them as the watched
   * command's reads.
   */
  onReaped?: () => void;
}

const OUTPUT_TAIL_CHARS = 4000;
const READ_CHUNK = 64 * 1024;

/**
 * A long-running child whose output is read line by line when the owner polls, guarded by a watchdog.
 *
 * The child writes its stdout into an unlinked temporary file instead of a pipe, and poll() reads
 * what is new. A pipe would wake this process for every row, and on a virtual machine each wake-up
 * costs about as much CPU as a whole telemetry sample; polled from the sampler's own tick, nvidia-smi
 * costs one read per sample. A hung nvidia-smi may survive even SIGKILL, so nothing here waits for
 * the child's exit: on stop or hang it is sent SIGKILL, unref'd and left behind. nvidia-smi keeps no
 * state worth a graceful shutdown, and a hung one ignores SIGTERM, which would leave it running
 * after gpuprof has gone.
 */
export class LineChild {
  private child: ChildProcess | null = null;
  private fd: number | null = null;
  private offset = 0;
  private readonly chunk = Buffer.allocUnsafe(READ_CHUNK);
  private buffered = "";
  private tail = "";
  private stderrTail = "";
  private lastLineAt = 0;
  private sawLine = false;
  private finished = false;
  private reaped = false;
  private readonly nowMs: () => number;

  constructor(
    private readonly spec: LineChildSpec,
    private readonly handlers: LineChildHandlers,
  ) {
    this.nowMs = spec.nowMs ?? (() => performance.now());
  }

  start(): void {
    const dir = mkdtempSync(join(tmpdir(), "gpuprof-"));
    const path = join(dir, "stdout");
    this.fd = openSync(path, "w+");
    const child = spawn(this.spec.executable, this.spec.args, {
      stdio: ["ignore", this.fd, "pipe"],
      env: this.spec.env ?? process.env,
    });
    // The child and this process hold descriptors; the name is no longer needed, so nothing is left behind.
    rmSync(dir, { recursive: true, force: true });
    this.child = child;
    this.lastLineAt = this.nowMs();
    child.on("exit", () => {
      this.reaped = true;
      this.spec.onReaped?.();
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      if (!this.finish()) return;
      this.closeFile();
      this.handlers.onSpawnError(err.code);
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-OUTPUT_TAIL_CHARS);
    });
    child.on("close", (code, signal) => {
      if (this.finished) return;
      this.readNew();
      if (this.buffered !== "") this.emitLine(this.buffered);
      this.buffered = "";
      if (!this.finish()) return;
      this.closeFile();
      this.handlers.onExit(code, signal, this.tail + this.stderrTail);
    });
  }

  /** Reads the lines written since the last poll and checks the watchdog. */
  poll(): void {
    if (this.finished) return;
    this.readNew();
    const silentMs = this.nowMs() - this.lastLineAt;
    const limit = this.sawLine ? this.spec.watchdog.gapMs : this.spec.watchdog.firstLineMs;
    if (silentMs > limit && this.finish()) {
      this.abandon();
      this.handlers.onHang(silentMs);
    }
  }

  /** Ends the child without waiting for it. Safe to call more than once. */
  stop(): void {
    if (this.finish()) this.abandon();
  }

  /** True once the child's outcome (its exit, a failed start, a hang, or stop) has been handled. */
  get done(): boolean {
    return this.finished;
  }

  /**
   * True when the child has been reaped but its "exit" event has not run yet: the kernel has already
   * added its I/O counters to this process's (see onReaped). A child reaped in the same event-loop
   * turn as another one gets its event only after the other's.
   */
  reapedUnseen(): boolean {
    const pid = this.child?.pid;
    if (pid === undefined || this.reaped) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "ESRCH";
    }
  }

  private readNew(): void {
    if (this.fd === null) return;
    let text = "";
    for (;;) {
      const n = readSync(this.fd, this.chunk, 0, READ_CHUNK, this.offset);
      if (n <= 0) break;
      this.offset += n;
      text += this.chunk.toString("utf8", 0, n);
      if (n < READ_CHUNK) break;
    }
    if (text === "") return;
    this.tail = (this.tail + text).slice(-OUTPUT_TAIL_CHARS);
    this.buffered += text;
    let newline = this.buffered.indexOf("\n");
    while (newline >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      this.emitLine(line);
      newline = this.buffered.indexOf("\n");
    }
  }

  private emitLine(line: string): void {
    this.lastLineAt = this.nowMs();
    this.sawLine = true;
    this.handlers.onLine(line.replace(/\r$/, ""));
  }

  /** Marks the child finished; true only for the first caller, so each outcome is reported once. */
  private finish(): boolean {
    if (this.finished) return false;
    this.finished = true;
    return true;
  }

  private abandon(): void {
    const child = this.child;
    if (child) {
      signalChild(child, "SIGKILL");
      child.stderr?.destroy();
      child.unref();
    }
    this.closeFile();
  }

  private closeFile(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }
}
