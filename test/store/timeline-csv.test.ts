import { describe, expect, it } from "vitest";
import { timelineCsv } from "../../src/store/timeline-csv.js";
import type { GpuSample, Sample } from "../../src/telemetry/types.js";

const cpu = { userPct: 50, nicePct: 0, systemPct: 5, iowaitPct: 1, irqPct: 0, softirqPct: 0, stealPct: 0, idlePct: 44 };
const gpu = (index: number, utilPct: number | null): GpuSample => ({
  index,
  ageMs: 10,
  utilPct,
  memUtilPct: null,
  memUsedMiB: 100,
  memTotalMiB: 1000,
  powerW: 70,
  smClockMHz: null,
  memClockMHz: null,
  tempC: 40,
  pcieGen: 5,
  pcieWidth: 16,
  pstate: "P0",
  clocksEventReasons: null,
  pcieRxMBPerS: null,
  pcieTxMBPerS: null,
});
const sample = (tMs: number, gpus: GpuSample[]): Sample => ({
  tMs,
  cpu,
  cores: [cpu, cpu],
  mem: { totalMiB: 1000, availableMiB: 500, pageCacheMiB: 200 },
  io: { procReadBytesPerS: 1000, procStorageReadBytesPerS: null, diskReadBytesPerS: 0 },
  gpus,
});

describe("timeline CSV", () => {
  const gpus = [
    { index: 0, name: "A", uuid: null, busId: null },
    { index: 1, name: "B", uuid: null, busId: null },
  ];
  const csv = timelineCsv([sample(100, []), sample(200, [gpu(0, 40), gpu(1, null)])], gpus);
  const [header, first, second] = csv
    .trim()
    .split("\n")
    .map((l) => l.split(","));

  it("has one column per series, with units in the names", () => {
    expect(header).toContain("cpu_user_pct");
    expect(header).toContain("core1_iowait_pct");
    expect(header).toContain("proc_storage_read_bytes_per_s");
    expect(header).toContain("gpu0_util_pct");
    expect(header).toContain("gpu1_pcie_rx_mb_per_s");
  });

  it("leaves missing readings empty, including GPUs not yet seen", () => {
    const col = (name: string) => header!.indexOf(name);
    expect(first![col("gpu0_util_pct")]).toBe("");
    expect(second![col("gpu0_util_pct")]).toBe("40");
    expect(second![col("gpu1_util_pct")]).toBe("");
    expect(second![col("proc_storage_read_bytes_per_s")]).toBe("");
    expect(first!.length).toBe(header!.length);
  });
});
