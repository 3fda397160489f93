import type { GpuIdentity, GpuSample, TelemetryNote } from "../types.js";
import { classifyNvidiaSmiOutput, spawnFailure, type NvidiaSmiFailure } from "./failures.js";
import { LineChild } from "./line-child.js";
import { PcieMonitor } from "./pcie-monitor.js";
import { QueryFieldList } from "./query-fields.js";
import { MISSING_READING, QUERY_FIELDS, identityFromValues, parseQueryRow, rowReading, type RowReading } from "./query-format.js";

export interface GpuMonitorOptions {
  executable: string;
  /** nvidia-smi --loop-ms; the driver refreshes utilization only every 1/6 s to 1 s anyway. */
  loopMs: number;
  /** How long nvidia-smi may take to print its first row (NVML start-up can take seconds). */
  firstRowTimeoutMs?: number;
  /** Silence after which a running nvidia-smi counts as hung. */
  stallTimeoutMs?: number;
  /** Also start `nvidia-smi dmon -s t` for PCIe rx/tx. */
  pcie?: boolean;
  nowMs: () => number;
  env?: NodeJS.ProcessEnv;
  onNote: (note: TelemetryNote) => void;
  /** An nvidia-smi child has been reaped (see LineChildSpec.onReaped). */
  onChildReaped?: () => void;
}

interface LatestRow {
  reading: RowReading;
  tMs: number;
}

/**
 * How long stop() waits for an nvidia-smi that has not yet printed a row or exited: a command that
 * ends within nvidia-smi's start-up (NVML can take seconds to initialise) would otherwise take the
 * driver error nvidia-smi was about to print with it.
 */
export const STOP_SETTLE_MS = 2000;
const SETTLE_POLL_MS = 20;

/**
 * Streams every GPU's readings from ONE long-running `nvidia-smi --loop-ms` child (a process per
 * sample costs up to ~0.6 s and can hang), plus `nvidia-smi dmon -s t` for PCIe traffic.
 */
export class GpuMonitor {
  private readonly fields = new QueryFieldList(QUERY_FIELDS);
  private readonly latest = new Map<number, LatestRow>();
  private readonly identities = new Map<number, GpuIdentity>();
  private query: LineChild | null = null;
  private dmon: PcieMonitor | null = null;
  private rows = 0;
  /** nvidia-smi has stopped delivering rows for good (it exited, hung or never started): readings are null from here on. */
  private streamEnded = false;
  private stopRequested = false;
  private stopping: Promise<void> | null = null;
  /** Set once stop() has ended the children: their exits are no longer news. */
  private stopped = false;
  /** Silence after which the watchdog calls nvidia-smi hung. */
  private readonly staleMs: number;
  /** Age after which a row no longer says what the GPU is doing now. */
  private readonly freshMs: number;

  constructor(private readonly options: GpuMonitorOptions) {
    this.staleMs = options.stallTimeoutMs ?? Math.max(10 * options.loopMs, 5000);
    // Rows come every loop period; one several periods old describes the past. The watchdog waits
    // longer before it calls nvidia-smi hung, and a sample in between reads null rather than repeat
    // an old row as if it were current.
    this.freshMs = Math.min(this.staleMs, Math.max(3 * options.loopMs, 1000));
  }

  start(): void {
    this.startQuery();
  }

  /**
   * Ends the nvidia-smi children with SIGKILL, never waiting for their exit (a hung one can survive
   * even that). A child that has not yet printed a row or exited gets up to settleMs first, so that
   * a failure it is about to report is reported. Resolves once the children have been signalled.
   */
  stop(settleMs = STOP_SETTLE_MS): Promise<void> {
    this.stopRequested = true;
    this.stopping ??= this.settle(settleMs).then(() => {
      this.stopped = true;
      this.query?.stop();
      this.dmon?.stop();
    });
    return this.stopping;
  }

  /** True when an nvidia-smi child has been reaped and its exit event has not run yet (see LineChild.reapedUnseen). */
  childReapedUnseen(): boolean {
    return (this.query?.reapedUnseen() ?? false) || (this.dmon?.reapedUnseen() ?? false);
  }

  gpus(): GpuIdentity[] {
    return [...this.identities.values()].sort((a, b) => a.index - b.index);
  }

  /** The current reading of every GPU seen so far; a GPU whose rows stopped coming reads null. */
  snapshot(nowMs: number): GpuSample[] {
    this.query?.poll();
    this.dmon?.poll(nowMs);
    const out: GpuSample[] = [];
    for (const { index } of this.gpus()) {
      const row = this.latest.get(index);
      // The caller takes nowMs before this poll stamps the rows it reads: those are current, not from the future.
      const ageMs = row ? Math.max(0, nowMs - row.tMs) : Number.POSITIVE_INFINITY;
      const fresh = row !== undefined && !this.streamEnded && ageMs <= this.freshMs;
      const link = this.streamEnded ? null : this.dmon?.reading(index, nowMs);
      out.push({
        index,
        ageMs: Number.isFinite(ageMs) ? Math.round(ageMs) : -1,
        ...(fresh ? row.reading : MISSING_READING),
        pcieRxMBPerS: link?.rxMBPerS ?? null,
        pcieTxMBPerS: link?.txMBPerS ?? null,
      });
    }
    return out;
  }

  /**
   * Waits, at most settleMs, until every nvidia-smi child started has had its first outcome: a row,
   * or an exit (reported as usual, and an unknown field still retried). It polls the children's
   * output instead of waiting on them, so a hung one costs the bound and no more.
   */
  private async settle(settleMs: number): Promise<void> {
    const deadline = performance.now() + settleMs;
    while (this.awaitingFirstOutcome()) {
      if (performance.now() >= deadline) {
        if (this.query && !this.query.done && this.rows === 0) {
          this.note(
            "nvidia-smi",
            "info",
            `nvidia-smi had not reported any GPU ${(settleMs / 1000).toFixed(1)} s after sampling ended; killed it, no GPU telemetry for this run`,
          );
        }
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
      this.query?.poll();
      this.dmon?.pollNow();
    }
  }

  private awaitingFirstOutcome(): boolean {
    const query = this.query !== null && !this.query.done && this.rows === 0;
    return query || (this.dmon?.awaitingFirstOutcome() ?? false);
  }

  /** No more rows will come: readings turn null now rather than repeat the last row, and dmon goes too. */
  private endStream(): void {
    this.streamEnded = true;
    this.dmon?.stop();
  }

  private note(source: TelemetryNote["source"], level: TelemetryNote["level"], message: string): void {
    this.options.onNote({ tMs: Math.round(this.options.nowMs()), source, level, message });
  }

  private startQuery(): void {
    const args = [`--query-gpu=${this.fields.fields.join(",")}`, "--format=csv,noheader,nounits", `--loop-ms=${this.options.loopMs}`];
    const watchdog = { firstLineMs: this.options.firstRowTimeoutMs ?? 15000, gapMs: this.staleMs };
    const spec = {
      executable: this.options.executable,
      args,
      env: this.options.env,
      watchdog,
      nowMs: this.options.nowMs,
      onReaped: this.options.onChildReaped,
    };
    this.query = new LineChild(spec, {
      onLine: (line) => this.onQueryLine(line),
      onSpawnError: (code) => {
        this.endStream();
        this.note("nvidia-smi", "info", `${spawnFailure(this.options.executable, code).message}; sampling CPU and I/O only`);
      },
      onExit: (code, signal, output) => this.onQueryExit(code, signal, output),
      onHang: (silentMs) => {
        this.endStream();
        this.note(
          "nvidia-smi",
          "warning",
          `nvidia-smi stopped responding (no output for ${(silentMs / 1000).toFixed(1)} s); killed it, GPU readings stop here`,
        );
      },
    });
    this.query.start();
  }

  private onQueryLine(line: string): void {
    const parsed = parseQueryRow(line, this.fields.fields);
    if (!parsed.ok) return; // error text is judged at exit, from the output tail
    const identity = identityFromValues(parsed.values);
    if (!identity) return;
    const firstRow = this.rows === 0;
    this.rows++;
    if (!this.identities.has(identity.index)) this.identities.set(identity.index, identity);
    this.latest.set(identity.index, { reading: rowReading(parsed.values), tMs: this.options.nowMs() });
    // PCIe readings after the end of sampling would go nowhere.
    if (firstRow && this.options.pcie !== false && !this.stopRequested) this.startDmon();
  }

  private onQueryExit(code: number | null, signal: NodeJS.Signals | null, output: string): void {
    if (this.stopped) return;
    const failure = classifyNvidiaSmiOutput(output, code);
    if (this.fields.dropUnknown(failure)) {
      this.note("nvidia-smi", "info", `${failure!.message}; it is recorded as missing`);
      this.startQuery();
      return;
    }
    this.endStream();
    this.note("nvidia-smi", failure?.kind === "no-gpu" ? "info" : "warning", this.exitMessage(failure, code, signal, output));
  }

  private exitMessage(failure: NvidiaSmiFailure | null, code: number | null, signal: NodeJS.Signals | null, output: string): string {
    if (failure) return `${failure.message}; continuing without GPU telemetry`;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    if (this.rows > 0) return `nvidia-smi ${how} after ${this.rows} rows; GPU readings stop here`;
    const firstLine = output.trim().split("\n")[0] ?? "";
    return `nvidia-smi ${how} before reporting any GPU${firstLine ? `: ${firstLine}` : ""}; continuing without GPU telemetry`;
  }

  private startDmon(): void {
    const { executable, env, nowMs, onNote, onChildReaped } = this.options;
    this.dmon = new PcieMonitor({ executable, env, nowMs, onNote, onReaped: onChildReaped });
    this.dmon.start();
  }
}
