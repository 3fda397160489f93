import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadH5 } from "../../src/h5/h5-file.js";
import { ensureSyntheticH5 } from "../../src/h5/synthetic-h5.js";
import { AnalysisFileSchema } from "../../src/store/analysis-schema.js";
import { H5ResultsSchema } from "../../src/store/h5-results-schema.js";
import { RunResultsSchema } from "../../src/store/results-schema.js";
import { root, runCli, tempDir, unwrapped, type CliOptions } from "../helpers.js";

let cacheDir: string;
const SMALL = ["--samples", "40", "--shape", "3,16,16", "--batch", "8"];
// Files the bad-input cases name, written in beforeAll (the cases are listed before it runs).
const bad = tempDir();
const badFile = (name: string): string => join(bad, name);

function gpuprofH5(args: string[], options: CliOptions = {}) {
  return runCli(["h5", ...args], { timeoutMs: 60000, ...options, env: { GPUPROF_CACHE_DIR: cacheDir, ...options.env } });
}

/** A compressible uint8 dataset written directly with h5wasm: gzip level and format bounds of our choosing. */
async function writeH5(path: string, options: { count: number; chunk: number[]; gzip?: number; libver?: "latest" }): Promise<void> {
  const h5 = await loadH5();
  const shape = options.chunk.slice(1);
  const sampleBytes = shape.reduce((a, b) => a * b, 1);
  const data = new Uint8Array(options.count * sampleBytes).map((_, i) => (Math.floor(i / sampleBytes) * 7 + (i % 13)) % 251);
  const file = new h5.File(path, "w", options.libver ? { libver: options.libver } : undefined);
  file.create_dataset({
    name: "images",
    data,
    shape: [options.count, ...shape],
    dtype: "<B",
    chunks: options.chunk,
    ...(options.gzip ? { compression: "gzip" as const, compression_opts: options.gzip } : {}),
  });
  file.close();
}

beforeAll(async () => {
  cacheDir = tempDir();
  writeFileSync(badFile("bad-json.json"), "[1,2,");
  writeFileSync(badFile("blank.txt"), "  \n\n");
  writeFileSync(badFile("empty-array.json"), "[]");
  writeFileSync(badFile("words.txt"), "0\n1\nseven\n");
  writeFileSync(badFile("far.txt"), "0\n40\n");
  mkdirSync(badFile("folder.h5"));
  await writeH5(badFile("whole.h5"), { count: 40, chunk: [10, 3, 16, 16] });
  writeFileSync(badFile("truncated.h5"), readFileSync(badFile("whole.h5")).subarray(0, 3000));
});

describe("gpuprof h5", () => {
  it("studies synthetic files over chunk shapes, caches and orders, and measured bytes agree with the model within 1%", async () => {
    const cwd = tempDir();
    // Every chunk fits in every cache here: what h5wasm reads is what h5py would, so the model must match.
    const run = await gpuprofH5(
      [
        ...SMALL,
        "--chunk",
        "1,3,16,16",
        "--chunk",
        "5,3,16,16",
        "--cache",
        "4KiB,1MiB",
        "--access",
        "random,chunk-shuffle",
        "--workers",
        "1,2",
        // The agreement line and the smallest caches are details, printed with --verbose.
        "--verbose",
      ],
      { cwd },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("cache sizes per worker: 4 KiB (4,096 bytes), 1 MiB (1,048,576 bytes)");
    const [dir] = readdirSync(join(cwd, "reports"));
    const results = H5ResultsSchema.parse(JSON.parse(readFileSync(join(cwd, "reports", dir!, "results.json"), "utf8")));
    expect(results.files).toHaveLength(2);
    expect(results.configs).toHaveLength(2 * 2 * 2 * 2);
    // A 1 MiB cache holds the whole 30 KB dataset: with one worker the second epoch hits every chunk;
    // two workers each keep their own cache and meet chunks the other one loaded.
    const big = results.configs.filter((c) => c.cache.nbytes === 1024 * 1024);
    expect(big.filter((c) => c.workers === 1).every((c) => c.simulated!.epochs[1]!.hitRate === 1)).toBe(true);
    const two = big.find((c) => c.workers === 2 && c.access === "random" && results.files[c.file]!.chunks![0] === 1)!;
    expect(two.simulated!.epochs[1]!.hitRate).toBeLessThan(1);
    // A 4 KiB cache holds one chunk of 5 samples (3.8 KB): random order misses most of the time.
    const small = results.configs.find((c) => c.cache.nbytes === 4096 && c.access === "random" && results.files[c.file]!.chunks![0] === 5)!;
    expect(small.simulated!.epochs[1]!.hitRate).toBeLessThan(0.5);
    for (const c of results.configs) {
      expect(c.live).not.toBeNull();
      expect(c.live!.measuredBytes).toBeGreaterThan(0);
      expect(Math.abs(c.live!.measuredBytes / c.live!.simulatedBytes - 1)).toBeLessThanOrEqual(0.01);
      expect(c.live!.agrees).toBe(true);
      expect(c.notes).toEqual([]);
    }
    expect(unwrapped(run.stdout)).toContain("agree with the HDF5 chunk-cache model within 1% for every configuration");
    expect(unwrapped(run.stdout)).toMatch(/Smallest cache per worker reaching 90\.0% chunk hits/);
    expect(results.smallestCache).toHaveLength(2 * 2 * 2);
    const summary = readFileSync(join(cwd, "reports", dir!, "summary.md"), "utf8");
    expect(summary).toMatch(/^# gpuprof h5: /);
    expect(summary).toContain("rdcc_nbytes=");
    expect(summary.split("\n").filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(16);
    // analysis.json is the one analysis artifact, and summary.md's title is its verdict.
    const analysis = AnalysisFileSchema.parse(JSON.parse(readFileSync(join(cwd, "reports", dir!, "analysis.json"), "utf8")));
    expect(analysis).toMatchObject({ kind: "gpuprof.analysis", source: "h5", thresholds: null, answer: null });
    expect(analysis.findings.map((f) => f.id)).toEqual(["h5"]);
    expect(summary.startsWith(`# gpuprof h5: ${analysis.verdict}\n`)).toBe(true);
  });

  it("inspects a user's file, writes a rechunked copy, replays a trace and writes per-read bytes", async () => {
    const { path } = await ensureSyntheticH5(
      { count: 30, shape: [3, 8, 8], chunk: [30, 3, 8, 8], compression: "none", seed: 1 },
      tempDir(),
    );
    const trace = join(tempDir(), "trace.txt");
    writeFileSync(trace, [0, 1, 2, 0, 1, 2, 29, 0].join("\n"));
    const perRead = join(tempDir(), "reads.csv");
    const run = await gpuprofH5([path, "--chunk", "5,3,8,8", "--cache", "64KiB", "--trace", trace, "--per-read-out", perRead, "--json"]);
    expect(run.code).toBe(0);
    const results = H5ResultsSchema.parse(JSON.parse(run.stdout));
    expect(results.files.map((f) => [f.origin, f.chunks])).toEqual([
      ["user", [30, 3, 8, 8]],
      ["rechunked", [5, 3, 8, 8]],
    ]);
    expect(results.configs.every((c) => c.access === "trace")).toBe(true);
    // Rechunked copy: chunks 0,0,0 then hits, then chunk 5 for sample 29: 2 misses of 960 bytes,
    // and the first lookup reads the chunk index's one B-tree node (3,656 bytes for 4 dimensions).
    const rechunked = results.configs.find((c) => c.file === 1)!;
    expect(rechunked.simulated!.epochs[0]!).toMatchObject({ misses: 2, hits: 6, bytesFetched: 2 * 960 + 3656 });
    const rows = readFileSync(perRead, "utf8").trim().split("\n");
    expect(rows[0]).toBe("config,worker,read,sample,bytes_fetched");
    const config2 = rows.filter((r) => r.startsWith("2,")).map((r) => r.split(",").map(Number));
    // The trace is replayed every epoch (2 by default): the second pass hits everything.
    expect(config2.map((r) => r[3])).toEqual([0, 1, 2, 0, 1, 2, 29, 0, 0, 1, 2, 0, 1, 2, 29, 0]);
    expect(config2.map((r) => r[4])).toEqual([960 + 3656, 0, 0, 0, 0, 0, 960, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("asks for --chunk with --compression on a FILE, never writes over an earlier per-read file, and names what it chose", async () => {
    const compress = await gpuprofH5([badFile("whole.h5"), "--compression", "gzip1", "--no-live"]);
    expect(compress.code).toBe(2);
    expect(compress.stderr.trim()).toMatch(/^gpuprof: --compression makes rechunked copies of FILE: add --chunk/);
    const existing = join(tempDir(), "reads.csv");
    writeFileSync(existing, "earlier results\n");
    const over = await gpuprofH5([badFile("whole.h5"), "--no-live", "--per-read-out", existing]);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/--per-read-out .*reads\.csv already exists; give a new file name, or add --force/);
    expect(readFileSync(existing, "utf8")).toBe("earlier results\n");
    const cwd = tempDir();
    const small = await gpuprofH5(
      // The notes are details, printed with --verbose.
      ["--samples", "50", "--shape", "3,8,8", "--cache", "64KiB", "--no-live", "--epochs", "1", "--workers", "1", "--verbose"],
      { cwd },
    );
    expect(small.code).toBe(0);
    expect(unwrapped(small.stderr)).toMatch(
      /--samples 50 is fewer than the default chunk of 100 samples: the synthetic chunked file uses chunks of 50/,
    );
    expect(unwrapped(small.stdout)).toMatch(/nothing was read \(--no-live\), so there are no measured speeds or bytes/);
    expect(unwrapped(small.stdout)).toMatch(/--epochs 1: the only epoch is the first, cold one/);
    // ...and the hit rates are not called "once warm" anywhere.
    expect(small.stdout).not.toMatch(/once warm/);
    expect(unwrapped(small.stdout)).toMatch(/in the one \(cold\) epoch/);
    expect(unwrapped(small.stdout)).toMatch(
      /Saved .*\(report\.html, summary\.md, summary\.png, hitrate\.png, analysis\.json, results\.json\)/,
    );
  });

  it("counts a replayed trace once per epoch in samples/s", async () => {
    const trace = join(tempDir(), "trace.json");
    const order = Array.from({ length: 3000 }, (_, i) => (i * 7) % 40);
    writeFileSync(trace, JSON.stringify(order));
    const run = await gpuprofH5([...SMALL, "--chunk", "5,3,16,16", "--cache", "1MiB", "--trace", trace, "--epochs", "3", "--json"]);
    expect(run.code).toBe(0);
    const [config] = H5ResultsSchema.parse(JSON.parse(run.stdout)).configs;
    // samples/s x seconds = the samples read: the trace's 3000 reads in each of 3 epochs.
    const samples = config!.live!.samplesPerS * config!.live!.wallS;
    expect(samples / 9000).toBeGreaterThan(0.9);
    expect(samples / 9000).toBeLessThan(1.1);
    expect(config!.live!.deliveredMBPerS * 1e6 * config!.live!.wallS).toBeGreaterThan(0.9 * 9000 * 768);
  });

  it("says why measured bytes disagree: whole-chunk reads of bypassed chunks, estimated sizes of an index it cannot read", async () => {
    // 7.5 KB chunks bypass a 4 KiB cache: h5py would read only the sample, h5wasm reads the chunk whole.
    const bypass = await gpuprofH5([...SMALL, "--chunk", "10,3,16,16", "--cache", "4KiB", "--access", "random", "--json"]);
    expect(bypass.code).toBe(0);
    const [c] = H5ResultsSchema.parse(JSON.parse(bypass.stdout)).configs;
    expect(c!.simulated!.epochs[0]!.bypasses).toBeGreaterThan(0);
    // Only the selections are read, and the chunk index's one B-tree node (3,656 bytes) on the first lookup.
    expect(c!.simulated!.epochs[0]!.bytesFetched - c!.simulated!.epochs[0]!.bytesDelivered).toBe(3656);
    expect(c!.live!.agrees).toBe(false);
    expect(c!.live!.difference).toBeGreaterThan(5);
    expect(c!.notes.join(" ")).toMatch(/bypass a 4096-byte cache, so h5py would read only each sample, but h5wasm's own HDF5 2\.0 cache/);
    // libver="latest" indexes chunks in arrays gpuprof does not read: sizes are estimates, and it says so.
    const latest = join(tempDir(), "latest.h5");
    await writeH5(latest, { count: 40, chunk: [5, 3, 16, 16], gzip: 1, libver: "latest" });
    const estimated = await gpuprofH5([latest, "--cache", "1MiB", "--access", "random", "--json"]);
    expect(estimated.code).toBe(0);
    const results = H5ResultsSchema.parse(JSON.parse(estimated.stdout));
    expect(results.notes.join(" ")).toMatch(/its chunk index could not be read .* the model's bytes for this file are estimates/);
    // The file's size over its chunks counts metadata as chunk data: far above what is read.
    const e = results.configs[0]!;
    expect(e.live!.agrees).toBe(false);
    expect(e.notes.join(" ")).toMatch(/compressed chunks are modelled at an estimated size/);
  });

  it("rechunks a gzip9 file into gzip1 (a different layout), and studies HDF5's default caches as pairs", async () => {
    const gz9 = join(tempDir(), "gz9.h5");
    await writeH5(gz9, { count: 40, chunk: [10, 3, 16, 16], gzip: 9 });
    const run = await gpuprofH5([
      gz9,
      "--no-live",
      "--chunk",
      "10,3,16,16",
      "--compression",
      "gzip1",
      "--cache",
      "hdf5-1,hdf5-2",
      "--json",
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("cache sizes per worker: hdf5-1 (1 MiB, 521 slots), hdf5-2 (8 MiB, 8191 slots)");
    const results = H5ResultsSchema.parse(JSON.parse(run.stdout));
    expect(results.files.map((f) => [f.origin, f.compression])).toEqual([
      ["user", "gzip9"],
      ["rechunked", "gzip1"],
    ]);
    expect([...new Set(results.configs.map((c) => `${c.cache.nbytes}/${c.cache.nslots}`))]).toEqual([
      `${1024 ** 2}/521`,
      `${8 * 1024 ** 2}/8191`,
    ]);
    const own = await gpuprofH5([gz9, "--no-live", "--chunk", "10,3,16,16", "--compression", "none", "--cache", "1.5MiB", "--json"]);
    expect(own.stderr).toContain("cache sizes per worker: 1.5 MiB (1,572,864 bytes)");
  });

  it.each([
    [["/no/such/file.h5"], /FILE \/no\/such\/file\.h5: no such file/],
    [[join(root, "package.json")], /is not an HDF5 file/],
    [["--cache", "0MiB"], /'0MiB' is not a size above 0/],
    [["--cache", "lots"], /'lots' is not a size/],
    [["--chunk", "10,3,16"], /--chunk 10,3,16 has 3 dimensions but the synthetic dataset has 4/],
    [["--chunk", "80,3,16,16"], /--chunk 80,3,16,16 is larger than the synthetic dataset \(40x3x16x16\) in dimension 0/],
    [["--chunk", "0,3,16,16"], /is not a chunk shape/],
    [["--w0", "2"], /--w0.*from 0 to 1/],
    [["--access", "backwards"], /unknown value 'backwards'/],
    [
      [badFile("truncated.h5")],
      /truncated\.h5 is not a readable HDF5 file \(damaged or truncated\?\): HDF5 says "truncated file: eof = 3000/,
    ],
    [[bad], /FILE .* is a folder; give the path of an HDF5 file/],
    [[badFile("folder.h5")], /folder\.h5 is a folder/],
    [["--trace", badFile("bad-json.json")], /--trace .*bad-json\.json is not valid JSON \(.*\); give sample indices/],
    [["--trace", badFile("blank.txt")], /--trace .*blank\.txt holds no sample indices/],
    [["--trace", badFile("empty-array.json")], /--trace .*empty-array\.json holds no sample indices/],
    [["--trace", badFile("words.txt")], /entry 3 \(seven\) is not a sample index/],
    [["--trace", badFile("far.txt")], /--trace .*far\.txt holds index 40, but the synthetic dataset has 40 samples \(0 to 39\)/],
    [
      ["--per-read-out", join(bad, "no-such-folder", "reads.csv")],
      /--per-read-out .*reads\.csv: the folder .*no-such-folder does not exist/,
    ],
    [["--dataset", "/images"], /--dataset \/images names a dataset in FILE, but no FILE was given/],
    [
      ["--cache", "hdf5-2", "--slots", "7"],
      /--cache hdf5-2 is HDF5's default size and slot count together \(8 MiB, 8191 slots\); drop --slots/,
    ],
  ])("rejects %j with one line and exit 2", async (args, message) => {
    const cwd = tempDir();
    const cache = tempDir();
    const run = await gpuprofH5([...SMALL, "--no-live", ...(args as string[])], { cwd, env: { GPUPROF_CACHE_DIR: cache } });
    expect(run.stderr).not.toContain("HDF5-DIAG");
    expect(run.code).toBe(2);
    expect(
      run.stderr
        .trim()
        .split("\n")
        .filter((l) => !l.includes("cache sizes:")),
    ).toHaveLength(1);
    expect(run.stderr).toMatch(message as RegExp);
    expect(existsSync(join(cwd, "reports"))).toBe(false);
    // Checked before anything ran: no synthetic file was written either.
    expect(existsSync(join(cache, "datasets"))).toBe(false);
  });

  it("gpuprof run: a damaged file is one line; HDF5's default cache by name; says when h5wasm reads bypassed chunks whole", async () => {
    const damaged = await runCli(["run", "--data", badFile("truncated.h5"), "--steps", "2"], { timeoutMs: 60000 });
    expect(damaged.code).toBe(2);
    expect(damaged.stderr.trim().split("\n")).toHaveLength(1);
    expect(damaged.stderr).toMatch(/--data .*truncated\.h5 is not a readable HDF5 file \(damaged or truncated\?\)/);
    const args = ["run", "--data", badFile("whole.h5"), "--steps", "2", "--warmup", "1", "--workers", "0", "--dtype", "uint8"];
    const common = [...args, "--batch", "8", "--step-ms", "5", "--format", "md", "--json"];
    // 7.5 KB chunks, 4 KiB cache: h5py would read samples, h5wasm reads chunks (10x).
    const bypass = await runCli([...common, "--cache", "4KiB", "--out", join(tempDir(), "r")], { timeoutMs: 60000 });
    expect(bypass.code).toBe(0);
    const notes = RunResultsSchema.parse(JSON.parse(bypass.stdout)).notes.join(" ");
    expect(notes).toMatch(
      /chunks \(7\.7 KB\) are larger than each worker's 4 KiB chunk cache .* about 10x the bytes h5py would\. Give --cache 8KiB/,
    );
    const preset = await runCli([...common, "--cache", "hdf5-2", "--out", join(tempDir(), "r")], { timeoutMs: 60000 });
    expect(preset.code).toBe(0);
    const results = RunResultsSchema.parse(JSON.parse(preset.stdout));
    expect(results.dataset).toMatchObject({ h5: { cache: { nbytes: 8 * 1024 ** 2, nslots: 8191 } } });
    expect(results.notes.join(" ")).not.toContain("larger than each worker's");
  });

  it("names the datasets when the file has several, and refuses one that is not image-like", async () => {
    const { path } = await ensureSyntheticH5({ count: 10, shape: [3, 4, 4], chunk: [5, 3, 4, 4], compression: "none", seed: 1 }, tempDir());
    const run = await gpuprofH5([path, "--dataset", "/nope", "--no-live"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--dataset \/nope: no such dataset .* it has \/images/);
  });
});
