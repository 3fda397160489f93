import type { TelemetryNote } from "../types.js";
import { parseDmonHeader, parseDmonRow } from "./dmon-format.js";
import { classifyNvidiaSmiOutput } from "./failures.js";
import { LineChild } from "./line-child.js";

export interface PcieMonitorOptions {
  executable: string;
  env?: NodeJS.ProcessEnv;
  nowMs: () => number;
  onNote: (note: TelemetryNote) => void;
  onReaped?: () => void;
}

export interface PcieReading {
  rxMBPerS: number | null;
  txMBPerS: number | null;
}

interface StampedReading extends PcieReading {
  tMs: number;
}

/** dmon prints once a second; a reading older than this is no longer current. */
const PCIE_STALE_MS = 3000;
/** Reading dmon's output more often than it prints would only cost CPU. */
const DMON_POLL_MS = 500;

/** PCIe rx/tx of every GPU from one `nvidia-smi dmon -s t` child; where dmon does not work, readings stay null. */
export class PcieMonitor {
  private readonly readings = new Map<number, StampedReading>();
  private readonly child: LineChild;
  private columns: string[] | null = null;
  private rows = 0;
  private lastPoll = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: PcieMonitorOptions) {
    const spec = {
      executable: options.executable,
      args: ["dmon", "-s", "t", "-d", "1"],
      env: options.env,
      watchdog: { firstLineMs: 15000, gapMs: 10000 },
      nowMs: options.nowMs,
      onReaped: options.onReaped,
    };
    this.child = new LineChild(spec, {
      onLine: (line) => this.onLine(line),
      onSpawnError: () => undefined,
      onExit: (code, _signal, output) => {
        const failure = classifyNvidiaSmiOutput(output, null);
        this.note(
          failure?.kind === "dmon-unsupported" ? failure.message : `PCIe throughput unavailable: nvidia-smi dmon exited with code ${code}`,
        );
      },
      onHang: () => this.note("PCIe throughput unavailable: nvidia-smi dmon stopped responding"),
    });
  }

  start(): void {
    this.child.start();
  }

  /** Ends dmon with SIGKILL, without waiting; its exit is no longer reported. */
  stop(): void {
    this.child.stop();
  }

  /** Reads dmon's new output, at most every DMON_POLL_MS. */
  poll(nowMs: number): void {
    if (nowMs - this.lastPoll < DMON_POLL_MS) return;
    this.lastPoll = nowMs;
    this.child.poll();
  }

  /** Reads dmon's new output now, however recently it was read. */
  pollNow(): void {
    this.child.poll();
  }

  reading(index: number, nowMs: number): PcieReading | null {
    const r = this.readings.get(index);
    return r && nowMs - r.tMs <= PCIE_STALE_MS ? r : null;
  }

  /** Neither a row nor an outcome yet. */
  awaitingFirstOutcome(): boolean {
    return !this.child.done && this.rows === 0;
  }

  reapedUnseen(): boolean {
    return this.child.reapedUnseen();
  }

  private note(message: string): void {
    this.options.onNote({ tMs: Math.round(this.options.nowMs()), source: "dmon", level: "info", message });
  }

  private onLine(line: string): void {
    const header = parseDmonHeader(line);
    if (header) {
      this.columns = header;
      return;
    }
    if (!this.columns) return;
    const row = parseDmonRow(line, this.columns);
    if (!row) return;
    this.rows++;
    this.readings.set(row["gpu"]!, { rxMBPerS: row["rxpci"] ?? null, txMBPerS: row["txpci"] ?? null, tMs: this.options.nowMs() });
  }
}
