import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import type { RunResults } from "../../src/store/results-schema.js";
import { root, runCli, tempDir } from "../helpers.js";
import { CHROMIUM_EXECUTABLE, CHROMIUM as CHROMIUM_PACKAGE, describeNeeding } from "../system-packages.js";

// Debian's chromium, installed by .ci/run. Screenshots are kept as test artifacts in reports/test-artifacts/.
const CHROMIUM = CHROMIUM_EXECUTABLE;
const ARTIFACTS = join(root, "reports", "test-artifacts");
const fixture = join(root, "fixtures", "results", "run-jpeg-2cores.json");

function chromium(args: string[]): { stdout: string; stderr: string } {
  if (!CHROMIUM) throw new Error("chromium is not installed: apt-get install -y chromium (.ci/run does)");
  const run = spawnSync(
    CHROMIUM,
    ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--virtual-time-budget=5000", ...args],
    { encoding: "utf8", timeout: 60000 },
  );
  return { stdout: run.stdout, stderr: run.stderr };
}

async function htmlReportOf(results: RunResults): Promise<string> {
  const dir = tempDir();
  const source = join(dir, "results.json");
  writeFileSync(source, JSON.stringify(results));
  const out = join(dir, "out");
  const run = await runCli(["report", source, "--format", "html", "--out", out]);
  expect(run.code).toBe(0);
  return join(out, "report.html");
}

/** A small real run (with its timeline), and an HDF5 study, made once for the browser tests below. */
let runDir: string;
let h5Dir: string;
let watchDir: string;
beforeAll(async () => {
  const cwd = tempDir();
  const env = { GPUPROF_CACHE_DIR: join(cwd, "cache") };
  runDir = join(cwd, "run");
  const small = ["--samples", "64", "--shape", "3,16,16", "--batch", "8", "--step-ms", "5", "--warmup", "2", "--duration", "0.3"];
  const run = await runCli(["run", ...small, "--workers", "0,1", "--dtype", "uint8", "--consumer", "sim", "--out", runDir], {
    cwd,
    env,
    timeoutMs: 60000,
  });
  expect(run.code).toBe(0);
  h5Dir = join(cwd, "h5");
  const h5 = await runCli(
    [
      "h5",
      "--samples",
      "64",
      "--shape",
      "3,16,16",
      "--chunk",
      "8,3,16,16",
      "--cache",
      "1KiB,64KiB,1MiB",
      "--epochs",
      "2",
      "--workers",
      "1",
      "--out",
      h5Dir,
    ],
    { cwd, env, timeoutMs: 60000 },
  );
  expect(h5.code).toBe(0);
  watchDir = join(cwd, "watch");
  const watched = await runCli(
    ["watch", "--out", watchDir, "--", process.execPath, "-e", "const t = Date.now(); while (Date.now() - t < 800);"],
    { cwd, env },
  );
  expect(watched.code).toBe(0);
}, 120000);

describeNeeding(CHROMIUM_PACKAGE, "HTML report in headless Chromium", () => {
  it("draws a real run's charts with the trial windows shaded on the timeline", async () => {
    const html = join(runDir, "report.html");
    const { stdout, stderr } = chromium(["--enable-logging=stderr", "--v=0", "--dump-dom", `file://${html}`]);
    expect(stdout).toContain('data-charts-drawn="5"');
    expect(stdout).toContain('data-spans-shaded="2"');
    expect(stderr).not.toMatch(/CONSOLE.*(error|Uncaught)/i);
    mkdirSync(ARTIFACTS, { recursive: true });
    chromium(["--hide-scrollbars", "--window-size=1200,2400", `--screenshot=${join(ARTIFACTS, "run-report.png")}`, `file://${html}`]);
  });

  it("draws an HDF5 study's hit rate against cache size, and its measured speeds", async () => {
    const html = join(h5Dir, "report.html");
    const { stdout, stderr } = chromium(["--enable-logging=stderr", "--v=0", "--dump-dom", `file://${html}`]);
    expect(stdout).toContain('data-charts-drawn="2"');
    expect(stdout).toContain('id="chart-hitrate"');
    expect(stdout).toMatch(/<h2>What to set<\/h2>/);
    expect(stderr).not.toMatch(/CONSOLE.*(error|Uncaught)/i);
    mkdirSync(ARTIFACTS, { recursive: true });
    chromium(["--hide-scrollbars", "--window-size=1200,2400", `--screenshot=${join(ARTIFACTS, "h5-report.png")}`, `file://${html}`]);
  });

  it("draws a watched run's timeline under its verdict", async () => {
    const html = join(watchDir, "report.html");
    const { stdout, stderr } = chromium(["--enable-logging=stderr", "--v=0", "--dump-dom", `file://${html}`]);
    expect(stdout).toContain('data-charts-drawn="1"');
    expect(stdout).toContain('id="chart-timeline"');
    expect(stdout).toMatch(/<h2>Measured<\/h2>/);
    expect(stderr).not.toMatch(/CONSOLE.*(error|Uncaught)/i);
  });

  it("opens with no console errors and draws every chart, offline", async () => {
    const html = await htmlReportOf(JSON.parse(readFileSync(fixture, "utf8")));
    const text = readFileSync(html, "utf8");
    expect(text).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
    // The sweep table carries what the terminal lines leave out: load, transport, copies, reads, memory.
    for (const column of ["load ms/batch", "transport ms/batch", "copied MB/batch", "reads: storage share", "peak RSS MiB"]) {
      expect(text).toContain(`<th>${column}</th>`);
    }
    const { stdout, stderr } = chromium(["--enable-logging=stderr", "--v=0", "--dump-dom", `file://${html}`]);
    expect(stdout).toContain('data-charts-drawn="4"');
    expect(stderr).not.toMatch(/CONSOLE.*(error|Uncaught)/i);
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, "report.png");
    chromium(["--hide-scrollbars", "--window-size=1200,2000", `--screenshot=${shot}`, `file://${html}`]);
    expect(existsSync(shot)).toBe(true);
  });

  it("shows a hostile dataset name as text, never as markup", async () => {
    const results = JSON.parse(readFileSync(fixture, "utf8")) as RunResults;
    results.dataset.label = "<img src=x onerror=alert(1)>";
    results.host.hostname = "</script><script>alert(2)</script>";
    const html = await htmlReportOf(results);
    const { stdout } = chromium(["--dump-dom", `file://${html}`]);
    expect(stdout).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(stdout).not.toMatch(/<img src="?x"?/);
    expect(stdout).toContain('data-charts-drawn="4"');
    expect(readFileSync(html, "utf8")).not.toContain("alert(2)</script>");
  });
});
