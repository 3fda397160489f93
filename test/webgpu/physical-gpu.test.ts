import { describe, expect, it } from "vitest";
import type { GpuSample, Sample } from "../../src/telemetry/types.js";
import { gpuLoadedDuring, identifyPhysicalGpu } from "../../src/webgpu/physical-gpu.js";

const gpus = [0, 1, 2, 3].map((index) => ({ index, name: "NVIDIA H100 80GB HBM3", uuid: `GPU-${index}`, busId: `0000:0${index}:00.0` }));

function gpuSample(index: number, utilPct: number | null): GpuSample {
  const r = null;
  return {
    index,
    ageMs: 0,
    utilPct,
    memUtilPct: r,
    memUsedMiB: r,
    memTotalMiB: r,
    powerW: r,
    smClockMHz: r,
    memClockMHz: r,
    tempC: r,
    pcieGen: r,
    pcieWidth: r,
    pstate: null,
    clocksEventReasons: null,
    pcieRxMBPerS: r,
    pcieTxMBPerS: r,
  };
}

/** Samples every 100 ms over 0-2 s, the given GPU at `busy`% from 500 to 1500 ms, the rest idle. */
function samples(loaded: number | null, busy = 95): Sample[] {
  return Array.from({ length: 20 }, (_, i) => {
    const tMs = (i + 1) * 100;
    const on = tMs > 500 && tMs <= 1500;
    return {
      tMs,
      gpus: gpus.map((g) => gpuSample(g.index, g.index === loaded && on ? busy : 0)),
    } as unknown as Sample;
  });
}

const window = { startMs: 500, endMs: 1500 };

describe("which nvidia-smi GPU the WebGPU adapter is", () => {
  it("finds the GPU whose utilisation rose during calibration among identical ones", () => {
    expect(gpuLoadedDuring(samples(2), window)).toBe(2);
    expect(identifyPhysicalGpu("NVIDIA H100 80GB HBM3", gpus, samples(2), window)).toMatchObject({ index: 2, identifiedBy: "load" });
  });

  it("uses the name when it is unique, and says when the load agrees", () => {
    const one = [gpus[0]!, { ...gpus[1]!, name: "NVIDIA A100-SXM4-40GB" }];
    expect(identifyPhysicalGpu("NVIDIA A100-SXM4-40GB", one, samples(null), window)).toMatchObject({ index: 1, identifiedBy: "name" });
    expect(identifyPhysicalGpu("nvidia a100-sxm4-40gb ", one, samples(1), window)).toMatchObject({
      index: 1,
      identifiedBy: "name and load",
    });
  });

  it("trusts the load over the name when they disagree", () => {
    const one = [gpus[0]!, { ...gpus[1]!, name: "NVIDIA A100-SXM4-40GB" }];
    expect(identifyPhysicalGpu("NVIDIA A100-SXM4-40GB", one, samples(0), window)).toMatchObject({ index: 0, identifiedBy: "load" });
  });

  it("says nothing when neither the name nor the load can tell", () => {
    expect(identifyPhysicalGpu("NVIDIA H100 80GB HBM3", gpus, samples(null), window)).toBeNull();
    expect(identifyPhysicalGpu("NVIDIA H100 80GB HBM3", gpus, samples(1, 10), window)).toBeNull();
    expect(identifyPhysicalGpu("llvmpipe (LLVM 15.0.6, 256 bits)", gpus, samples(null), null)).toBeNull();
    expect(identifyPhysicalGpu("NVIDIA H100 80GB HBM3", [], [], window)).toBeNull();
  });

  it("does not single out a GPU when two rose together", () => {
    const both = samples(1).map((s) => ({ ...s, gpus: s.gpus.map((g) => (g.index === 3 ? { ...g, utilPct: s.gpus[1]!.utilPct } : g)) }));
    expect(gpuLoadedDuring(both, window)).toBeNull();
  });
});
