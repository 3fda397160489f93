import { afterEach, describe, expect, it } from "vitest";
import { GpuMonitor } from "../../src/telemetry/nvidia-smi/gpu-monitor.js";
import type { TelemetryNote } from "../../src/telemetry/types.js";
import { fakeNvidiaSmi, missingNvidiaSmi } from "../helpers.js";

const monitors: GpuMonitor[] = [];
afterEach(() => {
  for (const m of monitors.splice(0)) m.stop();
});

function startFake(scenario: string, extra: Partial<ConstructorParameters<typeof GpuMonitor>[0]> = {}) {
  const notes: TelemetryNote[] = [];
  const t0 = performance.now();
  const monitor = new GpuMonitor({
    executable: extra.executable ?? fakeNvidiaSmi,
    loopMs: 50,
    nowMs: () => performance.now() - t0,
    env: { ...process.env, FAKE_NVIDIA_SMI_SCENARIO: scenario, FAKE_NVIDIA_SMI_DMON_MS: "50" },
    onNote: (n) => notes.push(n),
    ...extra,
  });
  monitors.push(monitor);
  monitor.start();
  const now = () => performance.now() - t0;
  // The monitor reads nvidia-smi's output when the sampler asks for a snapshot; tests ask the same way.
  const poll = () => monitor.snapshot(now());
  return { monitor, notes, now, poll };
}

/** Polls until the condition holds; the fake runs at 50 ms per row, so this is seconds at worst. */
async function until(condition: () => boolean, timeoutMs = 10000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("GPU monitor over a fake nvidia-smi", () => {
  it("reads one GPU's rows and PCIe traffic", async () => {
    const { monitor, notes, now, poll } = startFake("one-gpu");
    await until(() => poll().some((g) => g.pcieRxMBPerS !== null));
    const [gpu] = monitor.snapshot(now());
    expect(monitor.gpus()).toEqual([
      { index: 0, name: "NVIDIA H100 80GB HBM3", uuid: "GPU-0ec42c2e-244f-9c27-8ed5-ce9c2a7ca4a6", busId: "00000000:00:06.0" },
    ]);
    expect(gpu).toMatchObject({ index: 0, memTotalMiB: 81559, pcieGen: 5, pcieWidth: 16, pstate: "P0" });
    expect(gpu!.utilPct).not.toBeNull();
    expect(gpu!.ageMs).toBeGreaterThanOrEqual(0);
    expect(notes).toEqual([]);
  });

  it("reads every GPU of a multi-GPU box", async () => {
    const { monitor, now, poll } = startFake("four-gpus");
    await until(() => poll().length === 4);
    expect(monitor.snapshot(now()).map((g) => g.index)).toEqual([0, 1, 2, 3]);
    expect(new Set(monitor.gpus().map((g) => g.busId)).size).toBe(4);
  });

  it("turns N/A fields into null and says once that dmon is unsupported", async () => {
    const { monitor, notes, now, poll } = startFake("na-fields");
    await until(() => poll().length === 1 && notes.length === 1);
    const [gpu] = monitor.snapshot(now());
    expect(gpu).toMatchObject({ utilPct: null, memUtilPct: null, powerW: null, tempC: null, smClockMHz: null, memTotalMiB: 81559 });
    expect(notes[0]!.message).toBe("PCIe throughput unavailable: nvidia-smi dmon is not supported on this GPU");
  });

  it("detects a hung nvidia-smi, kills it, reports it once, and stops reporting stale readings", async () => {
    const { monitor, notes, now, poll } = startFake("hang", { stallTimeoutMs: 400 });
    await until(() => poll() && notes.some((n) => n.source === "nvidia-smi"));
    const hang = notes.filter((n) => n.source === "nvidia-smi");
    expect(hang).toHaveLength(1);
    expect(hang[0]!.message).toMatch(/^nvidia-smi stopped responding \(no output for \d+\.\d s\); killed it, GPU readings stop here$/);
    await new Promise((r) => setTimeout(r, 450));
    expect(monitor.snapshot(now())[0]!.utilPct).toBeNull();
  });

  it("reports a crash mid-stream with the number of rows it gave", async () => {
    const { notes, poll } = startFake("crash");
    await until(() => poll() && notes.length > 0);
    expect(notes[0]!.message).toBe("nvidia-smi was killed by SIGSEGV after 3 rows; GPU readings stop here");
  });

  it("drops a field an older nvidia-smi does not know, and keeps streaming", async () => {
    const { monitor, notes, now, poll } = startFake("old-driver-unknown-field");
    await until(() => poll().length === 1);
    expect(notes[0]!.message).toBe("this nvidia-smi does not know the field clocks_event_reasons.active; it is recorded as missing");
    const [gpu] = monitor.snapshot(now());
    expect(gpu!.clocksEventReasons).toBeNull();
    expect(gpu!.memTotalMiB).toBe(81559);
  });

  it.each([
    ["driver-mismatch", "nvidia-smi: the NVIDIA driver and its library versions do not match"],
    ["no-driver", "nvidia-smi cannot communicate with the NVIDIA driver"],
    ["silent-exit-9", "nvidia-smi cannot communicate with the NVIDIA driver"],
    ["device-lost", "nvidia-smi lost GPU 0000:0B:00.0 (Unknown Error)"],
    ["nvml-unknown", "nvidia-smi could not initialize NVML (Unknown Error)"],
    ["no-devices", "no NVIDIA GPU found (nvidia-smi sees no devices)"],
  ])("tells the user about %s in one line and carries on without GPUs", async (scenario, start) => {
    const { monitor, notes, now } = startFake(scenario);
    await until(() => notes.length > 0);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message.startsWith(start)).toBe(true);
    expect(notes[0]!.message).toMatch(/continuing without GPU telemetry$/);
    expect(notes[0]!.message).not.toContain("\n");
    expect(monitor.snapshot(now())).toEqual([]);
  });

  it("says 'no NVIDIA GPU found' when there is no nvidia-smi", async () => {
    const { notes } = startFake("one-gpu", { executable: missingNvidiaSmi });
    await until(() => notes.length > 0);
    expect(notes.map((n) => n.message)).toEqual([`no NVIDIA GPU found (${missingNvidiaSmi} is not installed); sampling CPU and I/O only`]);
  });
});
