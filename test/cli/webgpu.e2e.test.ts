import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { RunResultsSchema } from "../../src/store/results-schema.js";
import { runCli, tempDir, unwrapped, type CliOptions } from "../helpers.js";
import { describeNeeding, LAVAPIPE } from "../system-packages.js";

// lavapipe (Mesa's CPU Vulkan driver) is this machine's only adapter: CI installs it, as .ci/run shows.
const SMALL = ["--samples", "64", "--shape", "3,16,16", "--batch", "8", "--step-ms", "10", "--warmup", "2"];
let cacheDir: string;

function gpuprofRun(args: string[], options: CliOptions = {}) {
  return runCli(["run", ...args], { timeoutMs: 120_000, ...options, env: { GPUPROF_CACHE_DIR: cacheDir, ...options.env } });
}

/** gpuprof's own lines on stderr; Dawn's native warnings about lavapipe's limits are not ours to judge. */
const ours = (stderr: string): string[] =>
  stderr
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("gpuprof:"));

beforeAll(() => {
  cacheDir = tempDir();
});

describeNeeding(LAVAPIPE, "gpuprof run --consumer webgpu", () => {
  it("drives the adapter: device times measured, uint8 copies a quarter of float32's bytes, the shared transport too", async () => {
    const cwd = tempDir();
    const run = await gpuprofRun(
      [...SMALL, "--consumer", "webgpu", "--workers", "0,1", "--transport", "shared", "--duration", "0.4", "--format", "md"],
      { cwd },
    );
    expect(unwrapped(run.stderr)).toMatch(
      /gpuprof: consumer: webgpu \(drives 'llvmpipe[^']*' \(WebGPU adapter 0, vulkan\): a CPU implementation/,
    );
    expect(run.stderr).toMatch(/gpuprof: GPU load: \d+ multiplies of \d+x\d+ a batch take/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/AU +│ H2D GB\/s │ step ms/);
    expect(run.stdout).toContain("Consumer: webgpu on 'llvmpipe");
    expect(run.stdout).toContain("Measured on the device: host-to-device copies and device time.");
    const [dir] = readdirSync(join(cwd, "reports"));
    const results = RunResultsSchema.parse(JSON.parse(readFileSync(join(cwd, "reports", dir!, "results.json"), "utf8")));
    expect(results.consumer).toMatchObject({ kind: "webgpu", deviceTiming: "gpu-timestamps", selection: { requested: "webgpu" } });
    const ok = results.trials.filter((t) => t.status === "ok");
    expect(ok).toHaveLength(4);
    for (const t of ok) {
      expect(t.metrics.device.basis).toBe("measured");
      // Idle time splits into waits for a batch (stall) and the consumer's own host work.
      expect(t.metrics.hostOverheadFraction).toBeGreaterThanOrEqual(0);
      expect(t.metrics.au + t.metrics.stallFraction + t.metrics.hostOverheadFraction!).toBeCloseTo(1, 2);
    }
    const perBatch = (dtype: string, workers: number): number => {
      const t = ok.find((x) => x.spec.dtype === dtype && x.spec.workers === workers)!;
      return t.metrics.device.h2dBytes / t.metrics.batches;
    };
    expect(perBatch("float32", 1)).toBe(4 * perBatch("uint8", 1));
    expect(perBatch("uint8", 0)).toBe(8 * 3 * 16 * 16);
    const summary = readFileSync(join(cwd, "reports", dir!, "summary.md"), "utf8");
    expect(summary).toContain("| AU | H2D GB/s | step ms |");
    expect(summary).toContain("Consumer: webgpu on 'llvmpipe");
  });

  it("says in one line how to install webgpu when it is missing, and runs nothing", async () => {
    const cwd = tempDir();
    const run = await gpuprofRun([...SMALL, "--consumer", "webgpu"], { cwd, env: { GPUPROF_WEBGPU_MODULE: "gpuprof-no-such-webgpu" } });
    expect(run.code).toBe(1);
    expect(ours(run.stderr)).toEqual([expect.stringMatching(/^gpuprof: --consumer webgpu: .*not installed: npm install webgpu/)]);
    expect(existsSync(join(cwd, "reports"))).toBe(false);
  });

  it("names the missing Vulkan driver in one line and stops before any trial", async () => {
    const cwd = tempDir();
    const run = await gpuprofRun([...SMALL, "--consumer", "webgpu"], { cwd, env: { VK_DRIVER_FILES: "/nonexistent/icd.json" } });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^gpuprof: --consumer webgpu: Vulkan found no driver \(ICD\).*mesa-vulkan-drivers/),
    ]);
    expect(existsSync(join(cwd, "reports"))).toBe(false);
  });

  it("refuses an adapter number that does not exist, listing the ones that do", async () => {
    const run = await gpuprofRun([...SMALL, "--consumer", "webgpu", "--device", "7"]);
    expect(run.code).toBe(2);
    expect(ours(run.stderr)).toEqual([
      expect.stringMatching(/^gpuprof: --device 7: WebGPU has 1 adapter\(s\): 0 'llvmpipe[^']*'; pick one of those numbers$/),
    ]);
  });
});

describeNeeding(LAVAPIPE, "gpuprof run --consumer auto", () => {
  it("picks sim over a CPU-only adapter and says why", async () => {
    const run = await gpuprofRun([...SMALL, "--workers", "0", "--dtype", "uint8", "--duration", "0.2", "--format", "md"]);
    expect(run.code).toBe(0);
    // One short line by default; the reason with --verbose.
    expect(run.stderr).toMatch(/^gpuprof: no GPU: the device step is modelled \(sim\); --verbose says why$/m);
    expect(run.stderr).not.toContain("llvmpipe");
    const verbose = await gpuprofRun([...SMALL, "--workers", "0", "--dtype", "uint8", "--duration", "0.2", "--format", "md", "--verbose"]);
    expect(unwrapped(verbose.stderr)).toMatch(
      /gpuprof: consumer: sim \(the only WebGPU adapter is 'llvmpipe[^']*' \(WebGPU adapter 0, vulkan\), a CPU implementation/,
    );
    expect(run.stdout).toContain("Modelled, not measured: the device step");
  });

  it("says that --device was not used when auto falls back to sim", async () => {
    // Without the package: the fallback line names the --device it did not use.
    const missing = await gpuprofRun([...SMALL, "--device", "0", "--dry-run"], {
      env: { GPUPROF_WEBGPU_MODULE: "gpuprof-no-such-webgpu" },
    });
    expect(missing.code).toBe(0);
    expect(missing.stdout).toMatch(
      /^Consumer: sim \(the webgpu package is not installed .*; --device 0 was not used, as it picks a WebGPU adapter/m,
    );
    // --device 0 is lavapipe here: auto does not drive a CPU implementation, and says so before the trials.
    const run = await gpuprofRun([...SMALL, "--device", "0", "--workers", "0", "--dtype", "uint8", "--duration", "0.2", "--format", "md"]);
    expect(run.code).toBe(0);
    expect(unwrapped(run.stderr)).toMatch(
      /gpuprof: consumer: sim \(--device 0 is 'llvmpipe[^']*' \(WebGPU adapter 0, vulkan\), a CPU implementation, not a GPU, which --consumer auto does not drive, so --device 0 was not used/,
    );
  });

  it("picks sim without the webgpu package, and --dry-run says so", async () => {
    const run = await gpuprofRun([...SMALL, "--dry-run"], { env: { GPUPROF_WEBGPU_MODULE: "gpuprof-no-such-webgpu" } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Consumer: sim \(the webgpu package is not installed \(npm install webgpu to drive a real GPU\)/m);
  });
});
