import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeJpeg } from "../../src/harness/dataset/synthetic.js";
import { ensureSyntheticH5 } from "../../src/h5/synthetic-h5.js";
import { fillSyntheticSample } from "../../src/harness/dataset/synthetic-pixels.js";
import { RunResultsSchema } from "../../src/store/results-schema.js";
import { TimelineFileSchema } from "../../src/store/timeline-schema.js";
import { fakeNvidiaSmi, root, runCli, tempDir, unwrapped, type CliOptions } from "../helpers.js";

// Small data and short windows: these tests check behaviour, not speed.
const SMALL = ["--samples", "64", "--shape", "3,16,16", "--batch", "8", "--step-ms", "5", "--warmup", "2"];
let cacheDir: string;

function gpuprofRun(args: string[], options: CliOptions = {}) {
  return runCli(["run", ...args], { timeoutMs: 60000, ...options, env: { GPUPROF_CACHE_DIR: cacheDir, ...options.env } });
}

beforeAll(() => {
  cacheDir = tempDir();
});

describe("gpuprof run", () => {
  it("sweeps the plan, prints the table and the answer, and writes results that validate", async () => {
    const cwd = tempDir();
    const run = await gpuprofRun(
      [...SMALL, "--duration", "0.3", "--workers", "0,2", "--dtype", "uint8", "--transport", "transfer,shared", "--baseline"],
      { cwd },
    );
    expect(run.stderr).toContain("generating the synthetic npy dataset");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/configuration.*samples\/s.*AU/);
    expect(run.stdout).toMatch(/^Best: workers \d, uint8/m);
    expect(run.stdout).toContain("Modelled, not measured: the device step");
    const [dir] = readdirSync(join(cwd, "reports")).filter((d) => d.endsWith("-run"));
    const results = RunResultsSchema.parse(JSON.parse(readFileSync(join(cwd, "reports", dir!, "results.json"), "utf8")));
    // workers 0: one trial and its baseline; workers 2: two transports, each with a baseline.
    expect(results.plan.trials).toHaveLength(6);
    expect(results.trials.every((t) => t.status === "ok")).toBe(true);
    expect(results.bestTrialId).not.toBeNull();
    expect(results.dataset).toMatchObject({ origin: "synthetic", count: 64, sampleShape: [3, 16, 16], fitsInPageCache: true });
    expect(results.consumer.modelled.length).toBeGreaterThan(0);
    const timeline = TimelineFileSchema.parse(JSON.parse(readFileSync(join(cwd, "reports", dir!, "timeline.json"), "utf8")));
    expect(timeline.spans).toHaveLength(6);
    const csv = readFileSync(join(cwd, "reports", dir!, "timeline.csv"), "utf8").split("\n");
    expect(csv[0]).toMatch(/^t_ms,trial,/);
    expect(csv.some((line) => /^[\d.]+,1,/.test(line))).toBe(true);
    expect(existsSync(join(cwd, "reports", dir!, "samples.partial.jsonl"))).toBe(false);
    for (const png of ["summary.png", "throughput.png", "stall.png", "timeline.png"])
      expect(existsSync(join(cwd, "reports", dir!, png))).toBe(true);
    const summary = readFileSync(join(cwd, "reports", dir!, "summary.md"), "utf8");
    expect(summary).toMatch(/^# gpuprof run: /);
    expect(summary).toContain("![gpuprof summary](summary.png)");
    expect(run.stdout).toMatch(/^Diagnosis: /m);
  });

  it("reuses the generated dataset and prints results.json with --json", async () => {
    const cwd = tempDir();
    const run = await gpuprofRun([...SMALL, "--steps", "5", "--workers", "1", "--dtype", "float16", "--json", "--format", "md"], { cwd });
    const [dir] = readdirSync(join(cwd, "reports"));
    expect(readdirSync(join(cwd, "reports", dir!)).sort()).toEqual(["results.json", "summary.md", "timeline.csv", "timeline.json"]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain("generating");
    const results = RunResultsSchema.parse(JSON.parse(run.stdout));
    expect(results.trials[0]).toMatchObject({ status: "ok", metrics: { steps: 5 } });
  });

  it("--format json writes the analysis (findings and advice with knob, value and gain) and no other report file", async () => {
    const cwd = tempDir();
    const run = await gpuprofRun(
      [...SMALL, "--steps", "5", "--workers", "0", "--dtype", "uint8", "--format", "json", "--au-target", "99.9%"],
      { cwd },
    );
    expect(run.code).toBe(0);
    const [dir] = readdirSync(join(cwd, "reports"));
    expect(readdirSync(join(cwd, "reports", dir!)).sort()).toEqual(["analysis.json", "results.json", "timeline.csv", "timeline.json"]);
    const analysis = JSON.parse(readFileSync(join(cwd, "reports", dir!, "analysis.json"), "utf8"));
    expect(analysis.thresholds.auTarget).toBeCloseTo(0.999, 9);
    for (const r of analysis.recommendations)
      expect(Object.keys(r)).toEqual(expect.arrayContaining(["knob", "value", "expectedGain", "text", "basis"]));
  });

  it("sweeps an HDF5 file through the emulated chunk cache in every worker", async () => {
    const { path } = await ensureSyntheticH5(
      { count: 32, shape: [3, 16, 16], chunk: [8, 3, 16, 16], compression: "gzip1", seed: 0 },
      tempDir(),
    );
    const run = await gpuprofRun([
      "--data",
      path,
      "--cache",
      "64KiB",
      "--slots",
      "101",
      "--batch",
      "8",
      "--step-ms",
      "5",
      "--steps",
      // Long enough a window (about 0.3 s) that the kernel, which counts CPU time by the tick, sees the loader run.
      "60",
      "--workers",
      "0,2",
      "--dtype",
      "uint8",
      "--transport",
      "shared",
      "--json",
    ]);
    expect(run.code).toBe(0);
    const results = RunResultsSchema.parse(JSON.parse(run.stdout));
    expect(results.dataset).toMatchObject({ kind: "h5", count: 32, sampleShape: [3, 16, 16] });
    expect(results.trials.every((t) => t.status === "ok")).toBe(true);
    // The loader's own CPU over each window, every thread of the process, apart from the host's.
    for (const t of results.trials) if (t.status === "ok") expect(t.metrics.processCpu!.userS).toBeGreaterThan(0);
  });

  it("--dry-run prints the plan and its time and measures nothing", async () => {
    const cwd = tempDir();
    const run = await gpuprofRun(
      [...SMALL, "--workers", "0,1,2", "--dtype", "uint8,float32", "--echo", "1,2", "--echo-split", "2", "--dry-run"],
      { cwd },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Plan: 12 trials, at least [\d.]+ s/);
    expect(run.stdout).toContain("workers 2, float32, transfer, echo 2, split 2");
    expect(run.stdout).toContain("workers 2, float32, transfer, split 2\n");
    expect(existsSync(join(cwd, "reports"))).toBe(false);
  });

  it("--dry-run refuses an --out that holds files, or is a file, as the run itself would", async () => {
    const cwd = tempDir();
    const out = join(cwd, "earlier");
    mkdirSync(out);
    writeFileSync(join(out, "results.json"), "{}");
    const held = await gpuprofRun([...SMALL, "--out", out, "--dry-run"], { cwd });
    expect(held.code).toBe(2);
    expect(held.stderr).toMatch(/--out .*earlier already holds files; choose a new folder, or add --force/);
    const file = await gpuprofRun([...SMALL, "--out", join(out, "results.json"), "--dry-run"], { cwd });
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/results\.json is a file, not a folder; choose a folder/);
  });

  it("--repeat labels every repeat and judges each configuration by its mean", async () => {
    const cwd = tempDir();
    const run = await gpuprofRun(
      [...SMALL, "--workers", "0,1", "--dtype", "uint8", "--duration", "0.3", "--repeat", "2", "--format", "md"],
      {
        cwd,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^\[4\/4\] workers 1, uint8, transfer #2: /m);
    expect(run.stdout).toMatch(/^Best: .* samples\/s \(mean of 2 repeats, which spread [\d.]+%\)/m);
    const folder = readdirSync(join(cwd, "reports"))[0]!;
    const md = readFileSync(join(cwd, "reports", folder, "summary.md"), "utf8");
    expect(md).toMatch(/\| workers 0, uint8 #1( \*\*\(best\)\*\*)? \|/);
    expect(md).toMatch(/\| workers 0, uint8 #2 \|/);
  });

  it("--step-ms 0 says the device advice then describes an infinitely fast GPU", async () => {
    const run = await gpuprofRun([...SMALL, "--step-ms", "0", "--dry-run"], { cwd: tempDir() });
    expect(run.code).toBe(0);
    expect(unwrapped(run.stderr)).toMatch(/note: --step-ms 0 models a device with no compute .*give your model's step/);
    const short = await gpuprofRun([...SMALL, "--duration", "0.2", "--dry-run"], { cwd: tempDir() });
    expect(unwrapped(short.stderr)).toMatch(/note: --duration 0\.2 s gives each trial window only a few telemetry samples/);
    const steps = await gpuprofRun([...SMALL, "--steps", "4", "--dry-run"], { cwd: tempDir() });
    expect(unwrapped(steps.stderr)).toMatch(
      /note: --steps 4 at 5\.0 ms of device time a step \(about 0\.02 s or a little more\) gives each trial window only a few/,
    );
  });

  it.each([
    [["--workers", "-1"], /--workers.*whole number of 0 or more/],
    [["--workers", "1.5"], /'1\.5' is not a whole number/],
    [["--batch", "0"], /--batch.*whole number of 1 or more/],
    [["--batch", "100"], /--batch 100 is larger than the dataset \(64 samples\)/],
    [["--dtype", "int8"], /unknown value 'int8'; choose from uint8, float16, float32/],
    [["--transport", "pickle"], /unknown value 'pickle'; choose from transfer, clone, shared/],
    [["--duration", "0"], /--duration.*number above 0/],
    [["--duration", "-2"], /--duration/],
    [["--steps", "5", "--duration", "2"], /cannot be used with option '--duration/],
    [
      ["--data", "/no/such/data.npy"],
      /--data \/no\/such\/data\.npy: no such file or folder; --data takes a uint8 NumPy \.npy array \(numpy\.save\), an HDF5 file \(\.h5, \.hdf5\) or a folder of images/,
    ],
    [["--data", join(root, "fixtures", "npy", "float32_2x3.npy")], /holds float32 values/],
    [["--data", join(root, "package.json")], /is not a \.npy file/],
    [["--step", "gpt5"], /unknown value 'gpt5'; choose one of resnet50-h100/],
    [["--cache", "64MiB"], /--cache applies to HDF5 data only/],
    [["--cache", "lots"], /'lots' is invalid.*KiB, MiB, GiB/],
    [["--echo", "2", "--echo-split", "100"], /--echo-split 100 is more than the 8 samples of a batch; use at most --echo-split 8/],
    [["--synthetic", "jpeg", "--shape", "5,10,10"], /--shape 5,10,10: a JPEG holds 1 \(greyscale\) or 3 \(colour\) channels, not 5/],
    [
      ["--synthetic", "jpeg", "--shape", "2,10,10", "--dry-run"],
      /--shape 2,10,10: a JPEG holds 1 \(greyscale\) or 3 \(colour\) channels, not 2/,
    ],
    // SMALL sets --step-ms: a preset as well is a conflict, not a silent choice.
    [["--step", "unet3d-h100"], /option '--step-ms <ms>' cannot be used with option '--step <preset>'/],
    [["--workers", "0,99999999999"], /'99999999999' is more than 256, the most allowed/],
    // --device picks a WebGPU adapter: the sim consumer has none to pick.
    [
      ["--consumer", "sim", "--device", "0"],
      /^gpuprof: --device 0 picks a WebGPU adapter, which the sim consumer does not use; drop --device, or drive the adapter with --consumer webgpu --device 0\n/,
    ],
    [["--consumer", "sim", "--device", "1", "--dry-run"], /--device 1 picks a WebGPU adapter, which the sim consumer does not use/],
    [["--au-target", "150%"], /--au-target.*a share above 0 and at most 1, or a percentage, e\.g\. --au-target 90%/],
  ])("rejects %j with one line and exit 2, before any worker starts", async (args, message) => {
    const cwd = tempDir();
    const run = await gpuprofRun([...SMALL, ...(args as string[])], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message as RegExp);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(cwd, "reports"))).toBe(false);
  });

  it("--cold where no tool can drop the page cache stops in one line, before any trial or folder", async () => {
    const cwd = tempDir();
    const tools = tempDir();
    // dd as busybox and BSD have it (no iflag=nocache), and no python3 to fall back on.
    writeFileSync(join(tools, "dd"), '#!/bin/sh\necho "dd: invalid input flag: nocache" >&2\nexit 1\n');
    writeFileSync(join(tools, "python3"), '#!/bin/sh\necho "sh: python3: not found" >&2\nexit 127\n');
    for (const tool of ["dd", "python3"]) chmodSync(join(tools, tool), 0o755);
    copyFileSync(join(root, "fixtures", "npy", "uint8_4x3x5x6.npy"), join(cwd, "u8.npy"));
    const run = await gpuprofRun(
      ["--data", "u8.npy", "--batch", "2", "--cold", "--workers", "0,1", "--dtype", "uint8", "--duration", "1", "--consumer", "sim"],
      { cwd, env: { PATH: `${tools}:${process.env["PATH"] ?? ""}` } },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^gpuprof: --cold cannot drop files from the page cache here \(dd said "dd: invalid input flag: nocache"; /);
    expect(run.stderr).toMatch(/or run without --cold\n$/);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(cwd, "reports"))).toBe(false);
  });

  it("Ctrl-C while the dataset is generated leaves nothing behind: no run folder, no reports/, no cache folders", async () => {
    const cwd = tempDir();
    const cache = join(tempDir(), "first-use-cache");
    let signalled = false;
    let pid = 0;
    // A JPEG dataset that takes many seconds to generate; the signal goes as soon as generation starts.
    const run = await gpuprofRun(["--synthetic", "jpeg", "--samples", "20000", "--workers", "1", "--dtype", "uint8", "--consumer", "sim"], {
      cwd,
      detached: true,
      env: { GPUPROF_CACHE_DIR: cache },
      onStart: (p) => {
        pid = p;
      },
      onStderr: (soFar) => {
        if (!signalled && soFar.includes("generating the synthetic jpeg dataset")) {
          signalled = true;
          process.kill(pid, "SIGINT");
        }
      },
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain("interrupted while generating the dataset; nothing was measured");
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(cache)).toBe(false);
  });

  it("Ctrl-C stops the sweep, saves the finished trials and exits 130", async () => {
    const cwd = tempDir();
    let signalled = false;
    const run = await gpuprofRun([...SMALL, "--duration", "1", "--workers", "1,2", "--dtype", "uint8,float32"], {
      cwd,
      detached: true,
      onStderr: (soFar) => {
        if (!signalled && soFar.includes("[1/4]")) {
          signalled = true;
          process.kill(run$pid, "SIGINT");
        }
      },
      onStart: (pid) => {
        run$pid = pid;
      },
    });
    expect(run.code).toBe(130);
    const [dir] = readdirSync(join(cwd, "reports"));
    const results = RunResultsSchema.parse(JSON.parse(readFileSync(join(cwd, "reports", dir!, "results.json"), "utf8")));
    expect(results.interrupted).toBe(true);
    expect(results.trials.length).toBeGreaterThanOrEqual(1);
    expect(results.trials.length).toBeLessThan(4);
    expect(run.stdout).toContain("Interrupted:");
  });

  it("a corrupt image fails its trial with the reason, the sweep goes on, and exit is 1 when nothing succeeded", async () => {
    const data = tempDir();
    mkdirSync(join(data, "faces"));
    const pixels = new Uint8Array(3 * 16 * 16);
    for (let i = 0; i < 12; i++) {
      fillSyntheticSample(pixels, [3, 16, 16], 0, i);
      writeFileSync(join(data, "faces", `${String(i).padStart(2, "0")}.jpg`), await encodeJpeg(pixels, [3, 16, 16]));
    }
    writeFileSync(join(data, "faces", "05.jpg"), "this is not a JPEG");
    const run = await gpuprofRun([
      "--data",
      data,
      "--batch",
      "4",
      "--step-ms",
      "1",
      "--steps",
      "10",
      "--workers",
      "0,1",
      "--dtype",
      "uint8",
      "--order",
      "sequential",
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\[1\/2\] workers 0, uint8: failed: .*05\.jpg: cannot decode/);
    expect(run.stderr).toMatch(/\[2\/2\] workers 1, uint8, transfer: failed: .*05\.jpg: cannot decode/);
  });

  it("reads the user's image folder and reports GPU utilisation when nvidia-smi answers", async () => {
    const data = tempDir();
    const pixels = new Uint8Array(3 * 16 * 16);
    for (let i = 0; i < 12; i++) {
      fillSyntheticSample(pixels, [3, 16, 16], 0, i);
      writeFileSync(join(data, `${i}.jpg`), await encodeJpeg(pixels, [3, 16, 16]));
    }
    const run = await gpuprofRun(
      ["--data", data, "--batch", "4", "--step-ms", "20", "--duration", "0.6", "--workers", "1", "--dtype", "uint8", "--json"],
      {
        env: { GPUPROF_NVIDIA_SMI: fakeNvidiaSmi, FAKE_NVIDIA_SMI_SCENARIO: "one-gpu" },
      },
    );
    expect(run.code).toBe(0);
    const results = RunResultsSchema.parse(JSON.parse(run.stdout));
    expect(results.dataset).toMatchObject({ origin: "user", kind: "image-files", count: 12, sampleShape: [3, 16, 16] });
    expect(results.host.gpus).toHaveLength(1);
    const trial = results.trials[0]!;
    expect(trial.status).toBe("ok");
    if (trial.status === "ok") expect(trial.telemetry.gpus[0]!.utilPct).not.toBeNull();
  });
});

let run$pid = 0;
