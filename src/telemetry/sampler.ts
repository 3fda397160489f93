import { join } from "node:path";
import { physicalBlockDevices } from "./block-devices.js";
import { CommandIoLedger } from "./command-io.js";
import { deviceReadBytes } from "./diskstats.js";
import { parseMeminfo } from "./meminfo.js";
import { GpuMonitor } from "./nvidia-smi/gpu-monitor.js";
import { ProcFile, tryOpenProcFile } from "./proc-file.js";
import { corePercents, cpuPercents, parseProcStat, type ProcStat } from "./proc-stat.js";
import { parseProcessIo, type ProcessIo } from "./process-io.js";
import { processTree } from "./process-tree.js";
import { TreeIoAccumulator } from "./tree-io.js";
import type { GpuIdentity, Sample, TelemetryNote } from "./types.js";

export interface SamplerOptions {
  intervalMs: number;
  /** Root of the process tree whose reads are counted; none means I/O is counted per device only. */
  rootPid?: number;
  /**
   * rootPid is a child this process spawned and reaps (watch's command): once it has been reaped,
   * the counters the kernel hands over give its tree's exact totals, and stop() settles the last
   * sample with them (reads made after the last sample by a process that then exited are not lost).
   */
  rootIsChild?: boolean;
  /** nvidia-smi executable, or null to skip GPU sampling. */
  nvidiaSmi: string | null;
  /** Called with new samples about once a second, so an interrupted run keeps what it measured. */
  onSamples?: (samples: Sample[]) => void;
  onNote?: (note: TelemetryNote) => void;
  /** Environment for the nvidia-smi children. */
  env?: NodeJS.ProcessEnv;
  proc?: string;
  sysBlock?: string;
}

/** The process tree is re-read this often; new workers show up within this delay. */
const TREE_REFRESH_MS = 1000;
const FLUSH_MS = 1000;
/** Memory moves slowly next to CPU and I/O; reading it twice a second instead of ten times saves a tenth of the sampler's cost. */
const MEMORY_EVERY_MS = 500;

const round2 = (v: number): number => Math.round(v * 100) / 100;

export interface SamplerResult {
  samples: Sample[];
  /** Notes so far; the array still grows while nvidia-smi settles (see stopAndSettle). */
  notes: TelemetryNote[];
  gpus: GpuIdentity[];
}

/**
 * Samples CPU (/proc/stat), memory (/proc/meminfo), I/O (/proc/<pid>/io of a process tree and
 * /proc/diskstats) and GPUs (one streaming nvidia-smi) on a fixed monotonic schedule.
 */
export class Sampler {
  readonly samples: Sample[] = [];
  readonly notes: TelemetryNote[] = [];
  private readonly proc: string;
  private readonly statFile: ProcFile;
  private readonly meminfoFile: ProcFile | null;
  private readonly diskFiles: ProcFile[];
  private readonly gpu: GpuMonitor | null;
  private readonly treeIo = new TreeIoAccumulator();
  private ioFiles = new Map<number, { file: ProcFile; parent: number | null }>();
  private startedAt = 0;
  private prevStat: ProcStat | null = null;
  private prevDiskBytes: number | null = null;
  private prevTMs = 0;
  private lastTreeRefresh = Number.NEGATIVE_INFINITY;
  private pending: Sample[] = [];
  private lastFlush = 0;
  private timer: NodeJS.Timeout | null = null;
  private tick = 0;
  private lastMemory: Sample["mem"] | null = null;
  private lastMemoryAt = 0;
  private running = false;
  /** Tree reads counted so far, to settle against the exact total when the tree has been reaped. */
  private countedTreeIo: ProcessIo = { rchar: 0, readBytes: 0 };
  private commandIo: CommandIoLedger | null = null;
  private gpuStopped: Promise<void> = Promise.resolve();

  constructor(private readonly options: SamplerOptions) {
    this.proc = options.proc ?? "/proc";
    this.statFile = new ProcFile(join(this.proc, "stat"));
    this.meminfoFile = tryOpenProcFile(join(this.proc, "meminfo"));
    const sysBlock = options.sysBlock ?? "/sys/block";
    this.diskFiles = physicalBlockDevices(sysBlock)
      .map((name) => tryOpenProcFile(join(sysBlock, name, "stat")))
      .filter((f): f is ProcFile => f !== null);
    this.gpu = options.nvidiaSmi
      ? new GpuMonitor({
          executable: options.nvidiaSmi,
          loopMs: Math.max(100, options.intervalMs),
          nowMs: () => this.nowMs(),
          env: options.env,
          onNote: (note) => this.addNote(note),
          onChildReaped: () => this.commandIo?.otherChildReaped(),
        })
      : null;
  }

  /** Every sample taken so far (the array grows as sampling goes on; do not modify it). */
  samplesSoFar(): readonly Sample[] {
    return this.samples;
  }

  /** Milliseconds since start() on the monotonic clock. */
  nowMs(): number {
    return performance.now() - this.startedAt;
  }

  start(): void {
    this.startedAt = performance.now();
    this.running = true;
    this.prevStat = parseProcStat(this.statFile.read());
    this.prevDiskBytes = this.readDiskBytes();
    if (this.options.rootPid !== undefined) this.treeIo.update(this.readTreeIo(0));
    if (this.options.rootIsChild && this.options.rootPid !== undefined)
      this.commandIo = new CommandIoLedger(this.options.rootPid, this.proc);
    this.gpu?.start();
    this.schedule();
  }

  /**
   * Stops sampling, takes one last sample, and hands back everything measured. With rootIsChild and
   * the command reaped, the last sample is settled against the tree's exact totals. nvidia-smi is
   * ended in the background (see stopAndSettle).
   */
  stop(): SamplerResult {
    if (this.running) {
      this.running = false;
      if (this.timer) clearTimeout(this.timer);
      this.sampleOnce(this.commandIo?.total(this.gpu?.childReapedUnseen() ?? false) ?? undefined);
      this.flush();
      this.gpuStopped = this.gpu?.stop() ?? Promise.resolve();
      this.statFile.close();
      this.meminfoFile?.close();
      for (const file of this.diskFiles) file.close();
      for (const { file } of this.ioFiles.values()) file.close();
      this.ioFiles.clear();
    }
    return { samples: this.samples, notes: this.notes, gpus: this.gpu?.gpus() ?? [] };
  }

  /**
   * stop(), then waits until nvidia-smi has ended; one that had not yet printed a row or exited gets
   * a short while (GpuMonitor.stop) to report a failure, which then joins the notes.
   */
  async stopAndSettle(): Promise<SamplerResult> {
    const result = this.stop();
    await this.gpuStopped;
    return result;
  }

  private addNote(note: TelemetryNote): void {
    this.notes.push(note);
    this.options.onNote?.(note);
  }

  /** Ticks land on start + k * interval; a late tick skips ahead instead of drifting. */
  private schedule(): void {
    if (!this.running) return;
    const now = this.nowMs();
    this.tick = Math.max(this.tick + 1, Math.floor(now / this.options.intervalMs) + 1);
    this.timer = setTimeout(
      () => {
        this.sampleOnce();
        this.schedule();
      },
      this.tick * this.options.intervalMs - now,
    );
  }

  private sampleOnce(exactTreeIo?: ProcessIo): void {
    const tMs = this.nowMs();
    const dtS = (tMs - this.prevTMs) / 1000;
    if (dtS <= 0) return;
    const stat = parseProcStat(this.statFile.read());
    if (!stat || !this.prevStat) return;
    const diskBytes = this.readDiskBytes();
    const diskRate = diskBytes !== null && this.prevDiskBytes !== null ? Math.max(0, diskBytes - this.prevDiskBytes) / dtS : null;
    const procIo = this.options.rootPid !== undefined ? this.treeIo.update(this.readTreeIo(tMs)) : null;
    if (procIo && exactTreeIo) {
      procIo.rchar = Math.max(procIo.rchar, exactTreeIo.rchar - this.countedTreeIo.rchar);
      procIo.readBytes = Math.max(procIo.readBytes, exactTreeIo.readBytes - this.countedTreeIo.readBytes);
    }
    if (procIo) {
      this.countedTreeIo.rchar += procIo.rchar;
      this.countedTreeIo.readBytes += procIo.readBytes;
    }
    const sample: Sample = {
      tMs: round2(tMs),
      cpu: cpuPercents(this.prevStat.total, stat.total),
      cores: corePercents(this.prevStat, stat),
      mem: this.readMemory(tMs),
      io: {
        procReadBytesPerS: procIo ? Math.round(procIo.rchar / dtS) : null,
        procStorageReadBytesPerS: procIo ? Math.round(procIo.readBytes / dtS) : null,
        diskReadBytesPerS: diskRate === null ? null : Math.round(diskRate),
      },
      gpus: this.gpu?.snapshot(tMs) ?? [],
    };
    this.prevStat = stat;
    this.prevDiskBytes = diskBytes;
    this.prevTMs = tMs;
    this.samples.push(sample);
    this.pending.push(sample);
    if (tMs - this.lastFlush >= FLUSH_MS) this.flush();
  }

  private flush(): void {
    this.lastFlush = this.nowMs();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.options.onSamples?.(batch);
  }

  private readMemory(tMs: number): Sample["mem"] {
    if (this.lastMemory && tMs - this.lastMemoryAt < MEMORY_EVERY_MS) return this.lastMemory;
    this.lastMemoryAt = tMs;
    this.lastMemory = this.readMemoryNow();
    return this.lastMemory;
  }

  private readMemoryNow(): Sample["mem"] {
    const m = this.meminfoFile ? parseMeminfo(this.meminfoFile.read()) : null;
    const r1 = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Math.round(v * 10) / 10);
    return { totalMiB: r1(m?.totalMiB), availableMiB: r1(m?.availableMiB), pageCacheMiB: r1(m?.pageCacheMiB) };
  }

  private readDiskBytes(): number | null {
    if (this.diskFiles.length === 0) return null;
    let sum = 0;
    for (const file of this.diskFiles) sum += deviceReadBytes(file.read()) ?? 0;
    return sum;
  }

  private readTreeIo(tMs: number): Map<number, { io: ProcessIo; parent: number | null }> {
    if (tMs - this.lastTreeRefresh >= TREE_REFRESH_MS) {
      this.lastTreeRefresh = tMs;
      this.refreshTree();
    }
    const out = new Map<number, { io: ProcessIo; parent: number | null }>();
    for (const [pid, entry] of this.ioFiles) {
      let io: ProcessIo | null = null;
      try {
        io = parseProcessIo(entry.file.read());
      } catch {
        io = null;
      }
      if (io) out.set(pid, { io, parent: entry.parent });
      else {
        entry.file.close();
        this.ioFiles.delete(pid);
      }
    }
    return out;
  }

  private refreshTree(): void {
    const tree = processTree(this.options.rootPid!, this.proc);
    for (const [pid, entry] of this.ioFiles) {
      if (!tree.has(pid)) {
        entry.file.close();
        this.ioFiles.delete(pid);
      }
    }
    for (const [pid, parent] of tree) {
      if (this.ioFiles.has(pid)) continue;
      const file = tryOpenProcFile(join(this.proc, String(pid), "io"));
      if (file) this.ioFiles.set(pid, { file, parent });
    }
  }
}
