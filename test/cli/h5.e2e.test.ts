import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureSyntheticH5 } from "../../src/h5/synthetic-h5.js";
import { H5ResultsSchema } from "../../src/store/h5-results-schema.js";
import { root, runCli, tempDir, type CliOptions } from "../helpers.js";

let cacheDir: string;
const SMALL = ["--samples", "40", "--shape", "3,16,16", "--batch", "8"];

function gpuprofH5(args: string[], options: CliOptions = {}) {
  return runCli(["h5", ...args], { timeoutMs: 60000, ...options, env: { GPUPROF_CACHE_DIR: cacheDir, ...options.env } });
}

beforeAll(() => {
  cacheDir = tempDir();
});

describe("gpuprof h5", () => {
  it("studies synthetic files over chunk shapes, caches and orders, and measured bytes agree with the model", async () => {
    const cwd = tempDir();
    const run = await gpuprofH5(
      [
        ...SMALL,
        "--chunk",
        "1,3,16,16",
        "--chunk",
        "10,3,16,16",
        "--cache",
        "4KiB,1MiB",
        "--access",
        "random,chunk-shuffle",
        "--workers",
        "1,2",
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
    // 7.5 KB chunks bypass a 4 KiB cache: only the selection is read, amplification 1.
    const bypass = results.configs.find((c) => c.cache.nbytes === 4096 && results.files[c.file]!.chunks![0] === 10)!;
    expect(bypass.simulated!.epochs[0]!.bypasses).toBeGreaterThan(0);
    for (const c of results.configs) {
      expect(c.live).not.toBeNull();
      expect(c.live!.measuredBytes).toBeGreaterThan(0);
    }
    expect(run.stdout).toMatch(/Smallest cache per worker reaching 90\.0% chunk hits/);
    expect(results.smallestCache).toHaveLength(2 * 2 * 2);
    const summary = readFileSync(join(cwd, "reports", dir!, "summary.md"), "utf8");
    expect(summary).toMatch(/^# gpuprof h5: /);
    expect(summary).toContain("rdcc_nbytes=");
    expect(summary.split("\n").filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(16);
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
    // Rechunked copy: chunks 0,0,0 then hits, then chunk 5 for sample 29: 2 misses of 960 bytes.
    const rechunked = results.configs.find((c) => c.file === 1)!;
    expect(rechunked.simulated!.epochs[0]!).toMatchObject({ misses: 2, hits: 6, bytesFetched: 2 * 960 });
    const rows = readFileSync(perRead, "utf8").trim().split("\n");
    expect(rows[0]).toBe("config,worker,read,sample,bytes_fetched");
    const config2 = rows.filter((r) => r.startsWith("2,")).map((r) => r.split(",").map(Number));
    // The trace is replayed every epoch (2 by default): the second pass hits everything.
    expect(config2.map((r) => r[3])).toEqual([0, 1, 2, 0, 1, 2, 29, 0, 0, 1, 2, 0, 1, 2, 29, 0]);
    expect(config2.map((r) => r[4])).toEqual([960, 0, 0, 0, 0, 0, 960, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
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
  ])("rejects %j with one line and exit 2", async (args, message) => {
    const cwd = tempDir();
    const run = await gpuprofH5([...SMALL, "--no-live", ...(args as string[])], { cwd });
    expect(run.code).toBe(2);
    expect(
      run.stderr
        .trim()
        .split("\n")
        .filter((l) => !l.includes("cache sizes:")),
    ).toHaveLength(1);
    expect(run.stderr).toMatch(message as RegExp);
    expect(existsSync(join(cwd, "reports"))).toBe(false);
  });

  it("names the datasets when the file has several, and refuses one that is not image-like", async () => {
    const { path } = await ensureSyntheticH5({ count: 10, shape: [3, 4, 4], chunk: [5, 3, 4, 4], compression: "none", seed: 1 }, tempDir());
    const run = await gpuprofH5([path, "--dataset", "/nope", "--no-live"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--dataset \/nope: no such dataset .* it has \/images/);
  });
});
