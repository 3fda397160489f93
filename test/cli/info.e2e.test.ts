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

  it("prints a readable summary with the worker ceiling", async () => {
    const run = await runCli(["info"], { env: { GPUPROF_NVIDIA_SMI: fakeNvidiaSmi, FAKE_NVIDIA_SMI_SCENARIO: "one-gpu" } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^GPU 0 {3}NVIDIA H100 80GB HBM3, 79\.6 GiB, driver 580\.159\.04, PCIe gen 5 x16/m);
    expect(run.stdout).toMatch(/worker ceiling: \d+/);
    expect(run.stdout).not.toMatch(/\x1b\[/);
  });
});
