import type { TimelineSpan } from "./timeline-schema.js";
import type { CpuPercents, GpuIdentity, GpuSample, Sample } from "../telemetry/types.js";

type Cell = number | string | null;

const CPU_COLUMNS: [string, keyof CpuPercents][] = [
  ["user_pct", "userPct"],
  ["nice_pct", "nicePct"],
  ["system_pct", "systemPct"],
  ["iowait_pct", "iowaitPct"],
  ["irq_pct", "irqPct"],
  ["softirq_pct", "softirqPct"],
  ["steal_pct", "stealPct"],
  ["idle_pct", "idlePct"],
];
const CORE_COLUMNS = CPU_COLUMNS.filter(([, key]) => ["userPct", "systemPct", "iowaitPct", "idlePct"].includes(key));

const GPU_COLUMNS: [string, keyof GpuSample][] = [
  ["util_pct", "utilPct"],
  ["mem_util_pct", "memUtilPct"],
  ["mem_used_mib", "memUsedMiB"],
  ["power_w", "powerW"],
  ["mem_total_mib", "memTotalMiB"],
  ["sm_clock_mhz", "smClockMHz"],
  ["mem_clock_mhz", "memClockMHz"],
  ["temp_c", "tempC"],
  ["pcie_gen", "pcieGen"],
  ["pcie_width", "pcieWidth"],
  ["pcie_rx_mb_per_s", "pcieRxMBPerS"],
  ["pcie_tx_mb_per_s", "pcieTxMBPerS"],
  ["pstate", "pstate"],
  ["clocks_event_reasons", "clocksEventReasons"],
  ["age_ms", "ageMs"],
];

function csvCell(value: Cell): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One row per sample, one column per series: wide and flat so a spreadsheet or pandas can read it
 * directly. Missing readings are empty cells. Per-core and per-GPU columns are numbered.
 */
export function timelineCsv(samples: readonly Sample[], gpus: readonly GpuIdentity[], spans: readonly TimelineSpan[] = []): string {
  const coreCount = samples.reduce((n, s) => Math.max(n, s.cores.length), 0);
  const header = ["t_ms", ...(spans.length > 0 ? ["trial"] : []), ...CPU_COLUMNS.map(([name]) => `cpu_${name}`)];
  for (let c = 0; c < coreCount; c++) header.push(...CORE_COLUMNS.map(([name]) => `core${c}_${name}`));
  header.push("mem_available_mib", "page_cache_mib", "proc_read_bytes_per_s", "proc_storage_read_bytes_per_s", "disk_read_bytes_per_s");
  for (const gpu of gpus) header.push(...GPU_COLUMNS.map(([name]) => `gpu${gpu.index}_${name}`));

  const lines = [header.join(",")];
  for (const s of samples) {
    const span = spans.find((x) => s.tMs >= x.startMs && s.tMs <= x.endMs);
    const row: Cell[] = [s.tMs, ...(spans.length > 0 ? [span ? span.trialId : null] : []), ...CPU_COLUMNS.map(([, key]) => s.cpu[key])];
    for (let c = 0; c < coreCount; c++) {
      const core = s.cores[c];
      row.push(...CORE_COLUMNS.map(([, key]) => (core ? core[key] : null)));
    }
    row.push(s.mem.availableMiB, s.mem.pageCacheMiB, s.io.procReadBytesPerS, s.io.procStorageReadBytesPerS, s.io.diskReadBytesPerS);
    for (const gpu of gpus) {
      const g = s.gpus.find((x) => x.index === gpu.index);
      row.push(...GPU_COLUMNS.map(([, key]) => (g ? g[key] : null)));
    }
    lines.push(row.map(csvCell).join(","));
  }
  return lines.join("\n") + "\n";
}
