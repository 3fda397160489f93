import { spawn, type ChildProcess } from "node:child_process";

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
}

const OUTPUT_TAIL_CHARS = 4000;

/**
 * A long-running child whose stdout is read line by line, guarded by a watchdog. A hung nvidia-smi
 * may survive even SIGKILL, so nothing here ever waits for the child's exit: on stop or hang its
 * pipes are destroyed and it is unref'd, and the event loop is free to end.
 */
export class LineChild {
  private child: ChildProcess | null = null;
  private buffered = "";
  private tail = "";
  private lastLineAt = 0;
  private sawLine = false;
  private timer: NodeJS.Timeout | null = null;
  private finished = false;

  private readonly nowMs: () => number;
  private readonly watchdog: Watchdog;

  constructor(
    private readonly spec: LineChildSpec,
    private readonly handlers: LineChildHandlers,
  ) {
    this.nowMs = spec.nowMs ?? (() => performance.now());
    this.watchdog = spec.watchdog;
  }

  start(): void {
    const child = spawn(this.spec.executable, this.spec.args, { stdio: ["ignore", "pipe", "pipe"], env: this.spec.env ?? process.env });
    this.child = child;
    this.lastLineAt = this.nowMs();
    child.on("error", (err: NodeJS.ErrnoException) => {
      if (this.finish()) this.handlers.onSpawnError(err.code);
    });
    child.stdout!.setEncoding("utf8");
    child.stderr!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => this.onStdout(chunk));
    child.stderr!.on("data", (chunk: string) => this.keepTail(chunk));
    child.on("close", (code, signal) => {
      if (this.buffered !== "") this.emitLine(this.buffered);
      if (this.finish()) this.handlers.onExit(code, signal, this.tail);
    });
    const checkEvery = Math.max(20, Math.min(this.watchdog.gapMs, 1000) / 4);
    this.timer = setInterval(() => this.check(), checkEvery);
    this.timer.unref();
  }

  /** Ends the child without waiting for it. Safe to call more than once. */
  stop(): void {
    if (this.finish()) this.abandon("SIGTERM");
  }

  private onStdout(chunk: string): void {
    this.keepTail(chunk);
    this.buffered += chunk;
    let newline = this.buffered.indexOf("\n");
    while (newline >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      this.emitLine(line);
      newline = this.buffered.indexOf("\n");
    }
  }

  private emitLine(line: string): void {
    if (this.finished) return;
    this.lastLineAt = this.nowMs();
    this.sawLine = true;
    this.handlers.onLine(line.replace(/\r$/, ""));
  }

  private keepTail(chunk: string): void {
    this.tail = (this.tail + chunk).slice(-OUTPUT_TAIL_CHARS);
  }

  private check(): void {
    const silentMs = this.nowMs() - this.lastLineAt;
    const limit = this.sawLine ? this.watchdog.gapMs : this.watchdog.firstLineMs;
    if (silentMs > limit && this.finish()) {
      this.abandon("SIGKILL");
      this.handlers.onHang(silentMs);
    }
  }

  /** Marks the child finished; true only for the first caller, so each outcome is reported once. */
  private finish(): boolean {
    if (this.finished) return false;
    this.finished = true;
    if (this.timer) clearInterval(this.timer);
    return true;
  }

  private abandon(signal: NodeJS.Signals): void {
    const child = this.child;
    if (!child) return;
    try {
      child.kill(signal);
    } catch {
      // Already gone: nothing to end.
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.unref();
  }
}
