// gpuprof run on suspicious data warns with the fix, --layout nhwc reads channels-last arrays, and a
// partial run's reports all say "partial: N of M trials".
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { npyHeaderUint8 } from "../../src/harness/dataset/npy-format.js";
import { AnalysisFileSchema } from "../../src/store/analysis-schema.js";
import { RunResultsSchema } from "../../src/store/results-schema.js";
import { syntheticRun } from "../analysis/synthetic-results.js";
import { runCli, tempDir, type CliOptions, unwrapped } from "../helpers.js";

const QUICK = ["--batch", "4", "--step-ms", "5", "--warmup", "1", "--steps", "4", "--workers", "0", "--dtype", "uint8", "--format", "md"];
let cacheDir: string;

function gpuprof(args: string[], options: CliOptions = {}) {
  return runCli(args, { timeoutMs: 60000, ...options, env: { GPUPROF_CACHE_DIR: cacheDir, ...options.env } });
}

function writeNpy(path: string, shape: number[]): void {
  const data = new Uint8Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => i % 251);
  writeFileSync(path, Buffer.concat([npyHeaderUint8(shape), data]));
}

beforeAll(() => {
  cacheDir = tempDir();
});

describe("gpuprof run on suspicious data", () => {
  it("warns that an (N, H, W, 3) .npy looks channels-last, and --layout nhwc reads it as N x 3 x H x W", async () => {
    const dir = tempDir();
    const npy = join(dir, "nhwc.npy");
    writeNpy(npy, [64, 12, 10, 3]);
    const plain = await gpuprof(["run", "--data", npy, ...QUICK, "--out", join(dir, "plain")]);
    expect(plain.code).toBe(0);
    expect(unwrapped(plain.stderr)).toMatch(/warning: --data .*nhwc\.npy has shape \(64, 12, 10, 3\).*pass --layout nhwc/);
    const results = RunResultsSchema.parse(JSON.parse(readFileSync(join(dir, "plain", "results.json"), "utf8")));
    expect(results.dataset.sampleShape).toEqual([12, 10, 3]);
    expect(results.notes.some((n) => n.includes("--layout nhwc"))).toBe(true);
    expect(readFileSync(join(dir, "plain", "summary.md"), "utf8")).toContain("pass --layout nhwc");

    const fixed = await gpuprof(["run", "--data", npy, "--layout", "nhwc", ...QUICK, "--out", join(dir, "fixed")]);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).not.toContain("--layout nhwc");
    const read = RunResultsSchema.parse(JSON.parse(readFileSync(join(dir, "fixed", "results.json"), "utf8")));
    expect(read.dataset.sampleShape).toEqual([3, 12, 10]);
    expect(read.trials.every((t) => t.status === "ok")).toBe(true);
  });

  it("refuses another --layout in one line, and --layout nhwc without a .npy", async () => {
    const bad = await gpuprof(["run", "--layout", "hwc", "--dry-run"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/--layout.*choose one of nchw, nhwc/);
    const synthetic = await gpuprof(["run", "--layout", "nhwc", "--dry-run"]);
    expect(synthetic.code).toBe(2);
    expect(synthetic.stderr).toContain("--layout nhwc applies to .npy arrays only");
  });

  it("warns about images of mixed sizes and about a dataset too small to measure", async () => {
    const dir = tempDir();
    const images = join(dir, "images");
    mkdirSync(images);
    for (const [i, [w, h]] of [
      [40, 30],
      [24, 20],
      [40, 30],
      [24, 20],
      [24, 20],
      [40, 30],
    ].entries()) {
      const img = sharp({ create: { width: w!, height: h!, channels: 3, background: { r: 9 * i, g: 80, b: 160 } } });
      writeFileSync(join(images, `${i}.${i % 2 ? "jpg" : "png"}`), await (i % 2 ? img.jpeg() : img.png()).toBuffer());
    }
    const run = await gpuprof(["run", "--data", images, ...QUICK, "--out", join(dir, "out")]);
    expect(run.code).toBe(0);
    expect(unwrapped(run.stderr)).toContain("warning: 2 different image sizes among the 6 images looked at");
    expect(unwrapped(run.stderr)).toContain("resized to the first image's 40x30");
    expect(unwrapped(run.stderr)).toMatch(
      /warning: the dataset holds only 6 samples, fewer than 8 batches of 4 \(32 samples\).*unreliable/,
    );
    const results = RunResultsSchema.parse(JSON.parse(readFileSync(join(dir, "out", "results.json"), "utf8")));
    expect(results.notes.filter((n) => /different image sizes|only 6 samples/.test(n))).toHaveLength(2);
  });
});

describe("a partial run's reports", () => {
  it("all say 'partial: 2 of 6 trials' and qualify the verdict", async () => {
    const dir = tempDir();
    const full = syntheticRun([
      { workers: 0, dtype: "uint8", samplesPerS: 500, au: 0.4, userPct: 90, processUserS: 2.9 },
      { workers: 0, dtype: "float32", samplesPerS: 350, au: 0.3, userPct: 95, processUserS: 2.95 },
      { workers: 1, dtype: "uint8", samplesPerS: 1770, au: 1 },
      { workers: 1, dtype: "float32", samplesPerS: 1730, au: 1 },
      { workers: 2, dtype: "uint8", samplesPerS: 1771, au: 1 },
      { workers: 2, dtype: "float32", samplesPerS: 1729, au: 1 },
    ]);
    const file = join(dir, "results.json");
    writeFileSync(file, JSON.stringify({ ...full, interrupted: true, trials: full.trials.slice(0, 2) }));
    const out = join(dir, "out");
    const run = await gpuprof(["report", file, "--out", out]);
    expect(run.code).toBe(0);
    // The terminal wraps long lines at words: read it with each run of white space as one space.
    const text = run.stdout.replace(/\s+/g, " ");
    expect(text).toMatch(/Diagnosis: partial: 2 of 6 trials; input-bound [^.]* among the trials that finished \(modelled device: [^)]+\) /);
    expect(text).toContain("Not measured: workers 1, 2");
    expect(readdirSync(out)).toEqual(expect.arrayContaining(["summary.md", "report.html", "analysis.json", "summary.png"]));
    expect(readFileSync(join(out, "summary.md"), "utf8")).toMatch(/^# gpuprof run: partial: 2 of 6 trials; /);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("partial: 2 of 6 trials");
    const analysis = AnalysisFileSchema.parse(JSON.parse(readFileSync(join(out, "analysis.json"), "utf8")));
    expect(analysis.answer!.partial).toEqual({ finished: 2, planned: 6 });
    expect(analysis.verdict).toMatch(/^partial: 2 of 6 trials; /);
  });
});
