import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import stringWidth from "string-width";
import { beforeAll, describe, expect, it } from "vitest";
import { AnalysisFileSchema } from "../../src/store/analysis-schema.js";
import { runCli, tempDir, unwrapped, type CliOptions } from "../helpers.js";

// What a person reads: run, h5 and watch fit 100 columns when $COLUMNS says so and no terminal does.
const WIDTH = 100;
let cacheDir: string;

beforeAll(() => {
  cacheDir = tempDir();
});

function gpuprof(args: string[], options: CliOptions = {}) {
  return runCli(args, { timeoutMs: 90000, ...options, env: { COLUMNS: String(WIDTH), GPUPROF_CACHE_DIR: cacheDir, ...options.env } });
}

/** The lines of stdout and stderr wider than the width, ANSI colours stripped. */
function tooWide(...texts: string[]): string[] {
  return texts.flatMap((t) => t.split("\n")).filter((l) => stringWidth(stripVTControlCharacters(l)) > WIDTH);
}

const RUN = ["run", "--samples", "256", "--shape", "3,32,32", "--duration", "0.3"];

describe("terminal width", () => {
  it("a default run fits 100 columns, says its verdict first, and points to --verbose for the rest", async () => {
    const cwd = tempDir();
    const run = await gpuprof(RUN, { cwd });
    expect(run.code).toBe(0);
    expect(tooWide(run.stdout, run.stderr)).toEqual([]);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^Diagnosis: /);
    // The verdict and the advice come before the table.
    const table = lines.findIndex((l) => l.startsWith("┌"));
    expect(lines.findIndex((l) => l.startsWith("Best: "))).toBeLessThan(table);
    expect(lines.findIndex((l) => l.startsWith("What to change:"))).toBeLessThan(table);
    // The columns that stay however narrow: #, configuration, samples/s, AU, stall, wait p95.
    expect(lines[table + 1]).toMatch(/# .*configuration .*samples\/s .*AU .*stall .*wait p95/);
    expect(run.stdout).toMatch(/^Findings \(! issue, ok no issue, \? not enough data\): /m);
    expect(unwrapped(run.stdout)).toMatch(/\nMore: --verbose .*report\.html/);
    // Details wait for --verbose: no finding in full, no note.
    expect(run.stdout).not.toMatch(/^Note: /m);
    expect(run.stdout).not.toMatch(/^Dataset: /m);
    // Without a GPU to drive, the consumer says so in one short line, with no install hint.
    expect(run.stderr).not.toMatch(/libvulkan|apt-get|dnf install/);
    expect(run.stderr).toMatch(/^gpuprof: (no GPU: the device step is modelled \(sim\)|the device step is modelled \(sim\))/m);
  });

  it("--verbose prints every finding in full, the notes and the whole consumer reason, still within 100 columns", async () => {
    const cwd = tempDir();
    const run = await gpuprof([...RUN, "--verbose"], { cwd });
    expect(run.code).toBe(0);
    expect(tooWide(run.stdout, run.stderr)).toEqual([]);
    const [dir] = readdirSync(join(cwd, "reports"));
    const analysis = AnalysisFileSchema.parse(JSON.parse(readFileSync(join(cwd, "reports", dir!, "analysis.json"), "utf8")));
    const text = unwrapped(run.stdout);
    expect(analysis.findings.length).toBeGreaterThan(0);
    for (const f of analysis.findings) expect(text).toContain(`${f.title}: ${f.summary}`);
    expect(text).toMatch(/\nNote: --duration 0\.3 s gives each trial window only a few telemetry samples/);
    expect(text).toMatch(/\nDataset: synthetic npy, 256 samples of 3x32x32 uint8/);
    expect(unwrapped(run.stderr)).toMatch(/gpuprof: consumer: sim \(/);
    expect(run.stdout).not.toMatch(/^More: /m);
  });

  it("a narrower $COLUMNS drops more columns and wraps to it", async () => {
    const run = await gpuprof([...RUN, "--workers", "0,1", "--dtype", "uint8"], { cwd: tempDir(), env: { COLUMNS: "60" } });
    expect(run.code).toBe(0);
    const wide = [run.stdout, run.stderr].flatMap((t) => t.split("\n")).filter((l) => stringWidth(l) > 60);
    expect(wide).toEqual([]);
  });

  it("gpuprof h5 on a small study fits 100 columns; --verbose adds the files and the smallest caches", async () => {
    const small = ["h5", "--samples", "40", "--shape", "3,16,16", "--batch", "8", "--epochs", "1"];
    const run = await gpuprof(small, { cwd: tempDir() });
    expect(run.code).toBe(0);
    expect(tooWide(run.stdout, run.stderr)).toEqual([]);
    expect(run.stdout).toMatch(/^Pick: /);
    expect(run.stdout).not.toMatch(/^Smallest cache per worker/m);
    expect(unwrapped(run.stdout)).toMatch(/\nMore: --verbose for the files/);
    const verbose = await gpuprof([...small, "--verbose"], { cwd: tempDir() });
    expect(tooWide(verbose.stdout, verbose.stderr)).toEqual([]);
    expect(verbose.stdout).toMatch(/^Files:/m);
    expect(unwrapped(verbose.stdout)).toMatch(/\nSmallest cache per worker reaching 90\.0% chunk hits/);
  });

  it("gpuprof watch -- sleep 1 fits 100 columns", async () => {
    const run = await gpuprof(["watch", "--", "sleep", "1"], { cwd: tempDir() });
    expect(run.code).toBe(0);
    expect(tooWide(run.stdout, run.stderr)).toEqual([]);
    expect(unwrapped(run.stderr)).toMatch(/Saved .*\(report\.html, summary\.md/);
    expect(run.stderr).toMatch(/^ {2}Verdict {2}/m);
  });

  it("--json is unchanged: one JSON document, not wrapped", async () => {
    const run = await gpuprof([...RUN, "--workers", "0", "--dtype", "uint8", "--json", "--format", "md"], {
      cwd: tempDir(),
      env: { COLUMNS: "40" },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: "gpuprof.run" });
  });
});
