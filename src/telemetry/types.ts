/** A reading that may be unavailable on this machine or at this moment: null, never an exception. */
export type Reading = number | null;

/** Share of CPU time in one sampling interval, in percent of the cores counted (0-100). */
export interface CpuPercents {
  userPct: number;
  nicePct: number;
  systemPct: number;
  iowaitPct: number;
  irqPct: number;
  softirqPct: number;
  stealPct: number;
  idlePct: number;
}

/** From /proc/meminfo, read every 500 ms (a sample in between repeats the last reading). */
export interface MemorySample {
  totalMiB: Reading;
  availableMiB: Reading;
  /** Page cache ("Cached" in /proc/meminfo): file bytes that a read can get without touching storage. */
  pageCacheMiB: Reading;
}

export interface IoSample {
  /** read() bytes of the sampled process tree (/proc/<pid>/io rchar), page-cache hits included. */
  procReadBytesPerS: Reading;
  /** Bytes the sampled process tree caused to be fetched from storage (/proc/<pid>/io read_bytes). */
  procStorageReadBytesPerS: Reading;
  /** Bytes read from physical block devices, all processes (/proc/diskstats). */
  diskReadBytesPerS: Reading;
}

/** One GPU as nvidia-smi last reported it; each field names the --query-gpu field it comes from. */
export interface GpuSample {
  index: number;
  /** How old the nvidia-smi row was when this sample was taken. */
  ageMs: number;
  /** utilization.gpu: share of the driver's last sample period (1/6 s to 1 s) in which any kernel ran. */
  utilPct: Reading;
  /** utilization.memory: share of that period in which device memory was read or written. */
  memUtilPct: Reading;
  /** memory.used */
  memUsedMiB: Reading;
  /** memory.total */
  memTotalMiB: Reading;
  /** power.draw */
  powerW: Reading;
  /** clocks.sm */
  smClockMHz: Reading;
  /** clocks.mem */
  memClockMHz: Reading;
  /** temperature.gpu */
  tempC: Reading;
  /** pcie.link.gen.current */
  pcieGen: Reading;
  /** pcie.link.width.current */
  pcieWidth: Reading;
  /** pstate, e.g. "P0" */
  pstate: string | null;
  /** clocks_event_reasons.active: bit mask of why clocks are held down, e.g. "0x0000000000000001" */
  clocksEventReasons: string | null;
  /** nvidia-smi dmon -s t rxpci (host to device), about one reading a second; null where dmon does not work. */
  pcieRxMBPerS: Reading;
  /** nvidia-smi dmon -s t txpci (device to host). */
  pcieTxMBPerS: Reading;
}

export interface Sample {
  /** Monotonic milliseconds since the sampler started; the sample covers (previous tMs, tMs]. */
  tMs: number;
  cpu: CpuPercents;
  cores: CpuPercents[];
  mem: MemorySample;
  io: IoSample;
  gpus: GpuSample[];
}

/** Something the user should know about the telemetry itself (a missing GPU, a hung nvidia-smi). */
export interface TelemetryNote {
  tMs: number;
  source: "nvidia-smi" | "dmon" | "proc";
  level: "info" | "warning";
  message: string;
}

export interface GpuIdentity {
  index: number;
  name: string | null;
  uuid: string | null;
  busId: string | null;
}
