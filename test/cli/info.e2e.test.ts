import { describe, expect, it } from "vitest";
import { InfoResultSchema } from "../../src/store/info-schema.js";
import { fakeNvidiaSmi, runCli } from "../helpers.js";

describe("gpuprof info", () => {
  it("prints JSON of the documented shape", async () => {
    const run = await runCli(["info", "--json"]);
    expect(run.code).toBe(0);
    const result = InfoResultSchema.parse(JSON.parse(run.stdout));
    expect(result.loader.workerCeiling).toBe(result.host.cpu.usable.count);
    expect(result.host.memory.totalMiB).toBeGreaterThan(0);
    expect(result.host.gpus).toEqual([]);
    expect(result.host.gpuProblem).toMatch(/^no NVIDIA GPU found/);
    // info reads an inventory; it samples nothing.
    expect(result.host.gpuProblem).not.toMatch(/sampling/);
  });

  it("lists every GPU with driver, memory and PCIe link", async () => {
    const run = await runCli(["info", "--json"], { env: { GPUPROF_NVIDIA_SMI: fakeNvidiaSmi, FAKE_NVIDIA_SMI_SCENARIO: "four-gpus" } });
    const result = InfoResultSchema.parse(JSON.parse(run.stdout));
    expect(result.host.gpus).toHaveLength(4);
    expect(result.host.gpus[3]).toMatchObject({
      index: 3,
      driverVersion: "580.159.04",
      memoryTotalMiB: 81559,
      pcieGenCurrent: 5,
      pcieWidthCurrent: 16,
    });
  });

  it("still lists every GPU when nvidia-smi does not know an inventory field, which then reads null", async () => {
    const run = await runCli(["info", "--json"], {
      env: { GPUPROF_NVIDIA_SMI: fakeNvidiaSmi, FAKE_NVIDIA_SMI_SCENARIO: "unknown-pcie-max" },
    });
    const result = InfoResultSchema.parse(JSON.parse(run.stdout));
    expect(result.host.gpuProblem).toBeNull();
    expect(result.host.gpus).toHaveLength(2);
    expect(result.host.gpus[1]).toMatchObject({
      index: 1,
      driverVersion: "580.159.04",
      pcieGenCurrent: 5,
      pcieGenMax: null,
      pcieWidthMax: 16,
    });
  });

  it("tells why no GPU is listed in one line, with what to check", async () => {
    const run = await runCli(["info", "--json"], {
      env: { GPUPROF_NVIDIA_SMI: fakeNvidiaSmi, FAKE_NVIDIA_SMI_SCENARIO: "driver-mismatch" },
    });
    const result = InfoResultSchema.parse(JSON.parse(run.stdout));
    expect(result.host.gpus).toEqual([]);
    expect(result.host.gpuProblem).toMatch(
      /^nvidia-smi: the NVIDIA driver and its library versions do not match .*; reboot or reload the nvidia kernel module$/,
    );
  });

  it("prints a readable summary with the worker ceiling", async () => {
    const run = await runCli(["info"], { env: { GPUPROF_NVIDIA_SMI: fakeNvidiaSmi, FAKE_NVIDIA_SMI_SCENARIO: "one-gpu" } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^GPU 0 {3}NVIDIA H100 80GB HBM3, 79\.6 GiB, driver 580\.159\.04, PCIe gen 5 x16/m);
    expect(run.stdout).toMatch(/worker ceiling: \d+/);
    expect(run.stdout).not.toMatch(/\x1b\[/);
  });
});
