import type { GpuIdentity, GpuSample, TelemetryNote } from "../types.js";
import { parseDmonHeader, parseDmonRow } from "./dmon-format.js";
import { classifyNvidiaSmiOutput, spawnFailure, type NvidiaSmiFailure } from "./failures.js";
import { LineChild } from "./line-child.js";
import { QUERY_FIELDS, identityFromValues, numberValue, parseQueryRow, type QueryValues } from "./query-format.js";

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
}

/** The readings of one row, converted once when the row arrives rather than at every sample. */
type RowReading = Omit<GpuSample, "index" | "ageMs" | "pcieRxMBPerS" | "pcieTxMBPerS">;

interface LatestRow {
  reading: RowReading;
  tMs: number;
}

const MISSING: RowReading = {
  utilPct: null,
  memUtilPct: null,
  memUsedMiB: null,
  memTotalMiB: null,
  powerW: null,
  smClockMHz: null,
  memClockMHz: null,
  tempC: null,
  pcieGen: null,
  pcieWidth: null,
  pstate: null,
  clocksEventReasons: null,
};

function rowReading(values: QueryValues): RowReading {
  const v = (field: string): number | null => numberValue(values[field]);
  return {
    utilPct: v("utilization.gpu"),
    memUtilPct: v("utilization.memory"),
    memUsedMiB: v("memory.used"),
    memTotalMiB: v("memory.total"),
    powerW: v("power.draw"),
    smClockMHz: v("clocks.sm"),
    memClockMHz: v("clocks.mem"),
    tempC: v("temperature.gpu"),
    pcieGen: v("pcie.link.gen.current"),
    pcieWidth: v("pcie.link.width.current"),
    pstate: values["pstate"] ?? null,
    clocksEventReasons: values["clocks_event_reasons.active"] ?? null,
  };
}

interface PcieReading {
  rxMBPerS: number | null;
  txMBPerS: number | null;
  tMs: number;
}

/** Unknown fields are dropped and nvidia-smi restarted; this bounds those restarts. */
const MAX_FIELD_RETRIES = 5;
/** dmon prints once a second; a reading older than this is no longer current. */
const PCIE_STALE_MS = 3000;
const DMON_POLL_MS = 500;

/**
 * Streams every GPU's readings from ONE long-running `nvidia-smi --loop-ms` child (a process per
 * sample costs up to ~0.6 s and can hang), plus `nvidia-smi dmon -s t` for PCIe traffic.
 */
export class GpuMonitor {
  private fields: string[] = [...QUERY_FIELDS];
  private readonly latest = new Map<number, LatestRow>();
  private readonly pcie = new Map<number, PcieReading>();
  private readonly identities = new Map<number, GpuIdentity>();
  private query: LineChild | null = null;
  private dmon: LineChild | null = null;
  private dmonColumns: string[] | null = null;
  private fieldRetries = 0;
  private rows = 0;
  private stopped = false;
  private lastDmonPoll = Number.NEGATIVE_INFINITY;
  private readonly staleMs: number;

  constructor(private readonly options: GpuMonitorOptions) {
    this.staleMs = options.stallTimeoutMs ?? Math.max(10 * options.loopMs, 5000);
  }

  start(): void {
    this.startQuery();
  }

  stop(): void {
    this.stopped = true;
    this.query?.stop();
    this.dmon?.stop();
  }

  gpus(): GpuIdentity[] {
    return [...this.identities.values()].sort((a, b) => a.index - b.index);
  }

  /** The current reading of every GPU seen so far; a GPU whose rows stopped coming reads null. */
  snapshot(nowMs: number): GpuSample[] {
    this.query?.poll();
    // dmon prints once a second; reading its output more often would only cost CPU.
    if (nowMs - this.lastDmonPoll >= DMON_POLL_MS) {
      this.lastDmonPoll = nowMs;
      this.dmon?.poll();
    }
    const out: GpuSample[] = [];
    for (const { index } of this.gpus()) {
      const row = this.latest.get(index);
      const ageMs = row ? nowMs - row.tMs : Number.POSITIVE_INFINITY;
      const fresh = row !== undefined && ageMs <= this.staleMs;
      const link = this.pcie.get(index);
      const pcieFresh = link !== undefined && nowMs - link.tMs <= PCIE_STALE_MS;
      out.push({
        index,
        ageMs: Number.isFinite(ageMs) ? Math.round(ageMs) : -1,
        ...(fresh ? row.reading : MISSING),
        pcieRxMBPerS: pcieFresh ? link.rxMBPerS : null,
        pcieTxMBPerS: pcieFresh ? link.txMBPerS : null,
      });
    }
    return out;
  }

  private note(source: TelemetryNote["source"], level: TelemetryNote["level"], message: string): void {
    this.options.onNote({ tMs: Math.round(this.options.nowMs()), source, level, message });
  }

  private startQuery(): void {
    const args = [`--query-gpu=${this.fields.join(",")}`, "--format=csv,noheader,nounits", `--loop-ms=${this.options.loopMs}`];
    const watchdog = { firstLineMs: this.options.firstRowTimeoutMs ?? 15000, gapMs: this.staleMs };
    const spec = { executable: this.options.executable, args, env: this.options.env, watchdog, nowMs: this.options.nowMs };
    this.query = new LineChild(spec, {
      onLine: (line) => this.onQueryLine(line),
      onSpawnError: (code) => this.note("nvidia-smi", "info", spawnFailure(this.options.executable, code).message),
      onExit: (code, signal, output) => this.onQueryExit(code, signal, output),
      onHang: (silentMs) =>
        this.note(
          "nvidia-smi",
          "warning",
          `nvidia-smi stopped responding (no output for ${(silentMs / 1000).toFixed(1)} s); killed it, GPU readings stop here`,
        ),
    });
    this.query.start();
  }

  private onQueryLine(line: string): void {
    const parsed = parseQueryRow(line, this.fields);
    if (!parsed.ok) return; // error text is judged at exit, from the output tail
    const identity = identityFromValues(parsed.values);
    if (!identity) return;
    const firstRow = this.rows === 0;
    this.rows++;
    if (!this.identities.has(identity.index)) this.identities.set(identity.index, identity);
    this.latest.set(identity.index, { reading: rowReading(parsed.values), tMs: this.options.nowMs() });
    if (firstRow && this.options.pcie !== false) this.startDmon();
  }

  private onQueryExit(code: number | null, signal: NodeJS.Signals | null, output: string): void {
    if (this.stopped) return;
    const failure = classifyNvidiaSmiOutput(output, code);
    if (failure?.kind === "unknown-field" && failure.field && this.fieldRetries < MAX_FIELD_RETRIES) {
      this.fieldRetries++;
      this.fields = this.fields.filter((f) => f !== failure.field);
      this.note("nvidia-smi", "info", failure.message);
      this.startQuery();
      return;
    }
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
    const spec = {
      executable: this.options.executable,
      args: ["dmon", "-s", "t", "-d", "1"],
      env: this.options.env,
      watchdog: { firstLineMs: 15000, gapMs: 10000 },
      nowMs: this.options.nowMs,
    };
    this.dmon = new LineChild(spec, {
      onLine: (line) => this.onDmonLine(line),
      onSpawnError: () => undefined,
      onExit: (code, _signal, output) => {
        if (this.stopped) return;
        const failure = classifyNvidiaSmiOutput(output, null);
        this.note(
          "dmon",
          "info",
          failure?.kind === "dmon-unsupported" ? failure.message : `PCIe throughput unavailable: nvidia-smi dmon exited with code ${code}`,
        );
      },
      onHang: () => this.note("dmon", "info", "PCIe throughput unavailable: nvidia-smi dmon stopped responding"),
    });
    this.dmon.start();
  }

  private onDmonLine(line: string): void {
    const header = parseDmonHeader(line);
    if (header) {
      this.dmonColumns = header;
      return;
    }
    if (!this.dmonColumns) return;
    const row = parseDmonRow(line, this.dmonColumns);
    if (!row) return;
    this.pcie.set(row["gpu"]!, { rxMBPerS: row["rxpci"] ?? null, txMBPerS: row["txpci"] ?? null, tMs: this.options.nowMs() });
  }
}
