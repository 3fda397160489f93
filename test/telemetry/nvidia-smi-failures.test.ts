import { describe, expect, it } from "vitest";
import { classifyNvidiaSmiOutput, nvidiaSmiExecutable, spawnFailure } from "../../src/telemetry/nvidia-smi/failures.js";
import { fixture } from "../helpers.js";

const errors = JSON.parse(fixture("nvidia-smi", "errors.json")) as Record<string, string>;

describe("nvidia-smi failure messages", () => {
  it.each([
    ["driver-library-mismatch", "driver-mismatch", /versions do not match/],
    ["no-driver", "no-driver", /cannot communicate with the NVIDIA driver/],
    ["device-lost", "device-lost", /lost GPU 0000:0B:00\.0 \(Unknown Error\)/],
    ["nvml-unknown", "nvml-error", /could not initialize NVML \(Unknown Error\)/],
    ["dmon-unsupported", "dmon-unsupported", /dmon is not supported/],
  ])("recognises %s as %s in one line", (key, kind, text) => {
    const failure = classifyNvidiaSmiOutput(errors[key]!, null)!;
    expect(failure.kind).toBe(kind);
    expect(failure.message).toMatch(text);
    expect(failure.message).not.toContain("\n");
  });

  it("recognises exit code 9 without a message as the driver being unreachable", () => {
    expect(classifyNvidiaSmiOutput("", 9)?.kind).toBe("no-driver");
  });

  it("names the field an older nvidia-smi does not know", () => {
    const failure = classifyNvidiaSmiOutput(fixture("nvidia-smi", "h100_bad_field.txt"), 2)!;
    expect(failure).toMatchObject({ kind: "unknown-field", field: "bogus.field" });
  });

  it("treats 'No devices were found' as no GPU", () => {
    expect(classifyNvidiaSmiOutput(fixture("nvidia-smi", "h100_bad_index.txt"), 6)?.kind).toBe("no-gpu");
  });

  it("leaves ordinary rows alone", () => {
    expect(classifyNvidiaSmiOutput(fixture("nvidia-smi", "h100_query_loop100_idle.txt"), 0)).toBeNull();
  });

  it("says 'no NVIDIA GPU found' when nvidia-smi is not installed", () => {
    expect(spawnFailure("nvidia-smi", "ENOENT").message).toMatch(/^no NVIDIA GPU found/);
  });

  it("lets GPUPROF_NVIDIA_SMI choose the executable", () => {
    expect(nvidiaSmiExecutable({ GPUPROF_NVIDIA_SMI: "/opt/fake" })).toBe("/opt/fake");
    expect(nvidiaSmiExecutable({})).toBe("nvidia-smi");
  });
});
