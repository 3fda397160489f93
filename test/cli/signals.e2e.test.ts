import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunResultsSchema } from "../../src/store/results-schema.js";
import { WatchResultSchema } from "../../src/store/summary-schema.js";
import { runCli, tempDir, type CliRun } from "../helpers.js";

/** A named pipe with no writer: opening it for reading blocks until one comes, i.e. forever. */
function fifo(name = "data.fifo"): string {
  const path = join(tempDir(), name);
  execFileSync("mkfifo", [path]);
  return path;
}

function expectOneLineUsageError(run: CliRun, ...texts: string[]): void {
  expect(run.code).toBe(2);
  const lines = run.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^gpuprof: /);
  for (const text of texts) expect(lines[0]).toContain(text);
  expect(run.stderr).not.toContain("internal error");
}

describe("paths that are not regular files or folders are refused before anything opens them", () => {
  // A FIFO that was opened would hang the run: the 5 s limit fails the test instead.
  const quick = (args: string[]) => runCli(args, { timeoutMs: 5000, env: { GPUPROF_CACHE_DIR: tempDir() } });

  it("run --data on a FIFO", async () => {
    const path = fifo();
    expectOneLineUsageError(await quick(["run", "--data", path]), `--data ${path} is a named pipe (FIFO)`, "--data takes a uint8");
  });

  it("report and compare on a FIFO", async () => {
    const path = fifo("results.json");
    expectOneLineUsageError(await quick(["report", path]), `${path} is a named pipe (FIFO)`, "give a folder gpuprof run");
    expectOneLineUsageError(await quick(["compare", path, path]), `${path} is a named pipe (FIFO)`);
  });

  it("run --out on /dev/null and on a FIFO", async () => {
    expectOneLineUsageError(await quick(["run", "--out", "/dev/null"]), "--out /dev/null is a character device", "give a folder");
    const path = fifo("out");
    expectOneLineUsageError(await quick(["run", "--out", path]), `--out ${path} is a named pipe (FIFO)`);
  });

  it("h5 FILE and --trace on a FIFO", async () => {
    const path = fifo("trace.txt");
    expectOneLineUsageError(await quick(["h5", path]), `FILE ${path} is a named pipe (FIFO)`, "HDF5 file");
    expectOneLineUsageError(await quick(["h5", "--no-live", "--trace", path]), `--trace ${path} is a named pipe (FIFO)`);
  });
});

/** Runs gpuprof detached (so it handles the signal itself), signals it once `ready` holds, and times its end. */
async function signalWhen(
  args: string[],
  signal: NodeJS.Signals,
  ready: (stderr: string) => boolean,
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliRun & { signalledAt: number; endedAt: number }> {
  let pid = 0;
  let signalledAt = 0;
  const run = await runCli(args, {
    cwd,
    detached: true,
    timeoutMs: 30000,
    env,
    onStart: (p) => (pid = p),
    onStderr: (soFar) => {
      if (signalledAt === 0 && ready(soFar)) {
        signalledAt = performance.now();
        process.kill(pid, signal);
      }
    },
  });
  expect(signalledAt).toBeGreaterThan(0);
  return { ...run, signalledAt, endedAt: performance.now() };
}

describe("Ctrl-C and SIGTERM end gpuprof quickly, keep what finished and exit 130", () => {
  it("h5 interrupted while it generates its HDF5 file: one line, exit 130, no half-written file left to reuse", async () => {
    const cwd = tempDir();
    const cache = join(tempDir(), "cache");
    // About 740 MB to write: seconds of work, so the signal lands while generation runs.
    const args = ["h5", "--samples", "60000", "--shape", "3,64,64", "--chunk", "100,3,64,64", "--no-live"];
    const run = await signalWhen(args, "SIGINT", (s) => /gpuprof: generating\s/.test(s), cwd, { GPUPROF_CACHE_DIR: cache });
    expect(run.code).toBe(130);
    expect(run.stderr).not.toContain("internal error");
    const lines = run.stderr.trim().split("\n");
    expect(lines.at(-1)).toBe("gpuprof: interrupted while generating the HDF5 file; nothing was measured");
    expect(lines.filter((l) => l.includes("interrupted while generating"))).toHaveLength(1);
    expect(run.endedAt - run.signalledAt).toBeLessThan(2000);
    // Neither the file, nor its manifest, nor the partial build: the cache folders it made are taken back too.
    expect(existsSync(cache)).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("run stopped by SIGTERM mid-sweep exits 130 within 2 s and keeps results.json with the finished trials", async () => {
    const cwd = tempDir();
    const args = ["run", "--samples", "64", "--shape", "3,16,16", "--batch", "8", "--step-ms", "5", "--warmup", "2"];
    args.push("--duration", "1", "--workers", "1,2", "--dtype", "uint8,float32", "--consumer", "sim");
    const run = await signalWhen(args, "SIGTERM", (s) => s.includes("[1/4]"), cwd, { GPUPROF_CACHE_DIR: tempDir() });
    expect(run.code).toBe(130);
    expect(run.endedAt - run.signalledAt).toBeLessThan(2000);
    expect(run.stderr).not.toContain("internal error");
    const [dir] = readdirSync(join(cwd, "reports"));
    const results = RunResultsSchema.parse(JSON.parse(readFileSync(join(cwd, "reports", dir!, "results.json"), "utf8")));
    expect(results.interrupted).toBe(true);
    expect(results.trials.length).toBeGreaterThanOrEqual(1);
    expect(results.trials.length).toBeLessThan(4);
    expect(results.trials.every((t) => t.status === "ok")).toBe(true);
  });

  it("watch ends within 2 s of SIGTERM though the command ignores it, and writes what it sampled", async () => {
    const cwd = tempDir();
    const args = ["watch", "--json", "--format", "md", "--", "sh", "-c", 'trap "" TERM; echo started >&2; sleep 30 & wait'];
    const run = await signalWhen(args, "SIGTERM", (s) => s.includes("started"), cwd);
    expect(run.endedAt - run.signalledAt).toBeLessThan(2500);
    expect(run.stderr).toContain("still runs 1 s after SIGTERM: killing sh and every process it started");
    // watch exits as its command did: killed.
    expect(run.code).toBe(137);
    const result = WatchResultSchema.parse(JSON.parse(run.stdout));
    expect(result.interrupted).toBe(true);
    expect(existsSync(join(cwd, result.files.summaryJson))).toBe(true);
  });
});
