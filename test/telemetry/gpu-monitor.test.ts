import { afterEach, describe, expect, it } from "vitest";
import { GpuMonitor } from "../../src/telemetry/nvidia-smi/gpu-monitor.js";
import type { GpuSample, TelemetryNote } from "../../src/telemetry/types.js";
import { fakeNvidiaSmi, missingNvidiaSmi } from "../helpers.js";
import { fakePids, pidsDir, silentNvidiaSmi, survivors, until } from "./fake-processes.js";

const monitors: GpuMonitor[] = [];
const pidDirs: string[] = [];
// Every test ends its monitor, and no nvidia-smi it started may outlive that.
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.stop(0)));
  for (const dir of pidDirs.splice(0)) expect(await survivors(dir)).toEqual([]);
});

function startFake(scenario: string, extra: Partial<ConstructorParameters<typeof GpuMonitor>[0]> = {}) {
  const notes: TelemetryNote[] = [];
  const t0 = performance.now();
  const pids = pidsDir();
  pidDirs.push(pids);
  const monitor = new GpuMonitor({
    executable: extra.executable ?? fakeNvidiaSmi,
    loopMs: 50,
    nowMs: () => performance.now() - t0,
    env: { ...process.env, FAKE_NVIDIA_SMI_SCENARIO: scenario, FAKE_NVIDIA_SMI_DMON_MS: "50", FAKE_NVIDIA_SMI_PIDS: pids },
    onNote: (n) => notes.push(n),
    ...extra,
  });
  monitors.push(monitor);
  monitor.start();
  const now = () => performance.now() - t0;
  // The monitor reads nvidia-smi's output when the sampler asks for a snapshot; tests ask the same way.
  const poll = () => monitor.snapshot(now());
  return { monitor, notes, now, poll, pids };
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

  it("detects a hung nvidia-smi, kills it, reports it once, and reads null from then on", async () => {
    const { monitor, notes, now, poll } = startFake("hang", { stallTimeoutMs: 400 });
    await until(() => poll() && notes.some((n) => n.source === "nvidia-smi"));
    const hang = notes.filter((n) => n.source === "nvidia-smi");
    expect(hang).toHaveLength(1);
    expect(hang[0]!.message).toMatch(/^nvidia-smi stopped responding \(no output for \d+\.\d s\); killed it, GPU readings stop here$/);
    expect(monitor.snapshot(now())[0]).toMatchObject({ utilPct: null, memUsedMiB: null, pcieRxMBPerS: null });
  });

  it("reads null, not the last row, once a row is older than a second, before the watchdog calls it hung", async () => {
    // The watchdog's default waits 5 s of silence; a sample in between must not pass the last row off as current.
    const { notes, poll } = startFake("hang");
    let gpu: GpuSample | undefined;
    await until(() => (gpu = poll()[0]) !== undefined && gpu.utilPct !== null);
    await until(() => (gpu = poll()[0])!.ageMs > 1000);
    expect(gpu).toMatchObject({ utilPct: null, memUsedMiB: null, pstate: null });
    expect(notes.filter((n) => n.source === "nvidia-smi")).toEqual([]);
  });

  it("reports a crash mid-stream with the number of rows it gave, and reads null after it", async () => {
    const { monitor, notes, now, poll } = startFake("crash");
    await until(() => poll() && notes.length > 0);
    expect(notes[0]!.message).toBe("nvidia-smi was killed by SIGSEGV after 3 rows; GPU readings stop here");
    // A crash is reported as soon as it happens, well within the seconds a row counts as current.
    expect(monitor.snapshot(now())[0]).toMatchObject({ index: 0, utilPct: null, memUsedMiB: null, pcieRxMBPerS: null });
  });

  it("never reports a negative age for a row read during the snapshot that asks for it", async () => {
    // The sampler takes the time, then asks for the snapshot, whose poll stamps new rows a moment later.
    const clock = 1000;
    const { monitor } = startFake("one-gpu", { nowMs: () => clock });
    await until(() => monitor.snapshot(clock - 5).length === 1);
    expect(monitor.snapshot(clock - 5)[0]!.ageMs).toBe(0);
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

  it.each(["driver-mismatch", "no-devices"])("still reports %s when stopped before nvidia-smi has answered", async (scenario) => {
    const { monitor, notes } = startFake(scenario);
    await monitor.stop();
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toMatch(/continuing without GPU telemetry$/);
  });

  it("gives a silent nvidia-smi a bounded wait on stop, then kills it though it ignores SIGTERM", async () => {
    const { monitor, notes, pids } = startFake("one-gpu", { executable: silentNvidiaSmi() });
    await until(() => fakePids(pids).length === 1);
    const started = performance.now();
    await monitor.stop(300);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(notes.map((n) => n.message)).toEqual([
      "nvidia-smi had not reported any GPU 0.3 s after sampling ended; killed it, no GPU telemetry for this run",
    ]);
    expect(await survivors(pids)).toEqual([]);
  });

  it("kills both nvidia-smi children on stop, though they ignore SIGTERM", async () => {
    // The hang scenario's fake ignores SIGTERM, in dmon too.
    const { monitor, pids, poll } = startFake("hang");
    await until(() => poll() && fakePids(pids, "dmon").length === 1);
    await monitor.stop();
    expect(fakePids(pids)).toHaveLength(2);
    expect(await survivors(pids)).toEqual([]);
  });

  it("says 'no NVIDIA GPU found' when there is no nvidia-smi", async () => {
    const { notes } = startFake("one-gpu", { executable: missingNvidiaSmi });
    await until(() => notes.length > 0);
    expect(notes.map((n) => n.message)).toEqual([`no NVIDIA GPU found (${missingNvidiaSmi} is not installed); sampling CPU and I/O only`]);
  });
});
