import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunResults } from "../../src/store/results-schema.js";
import { root, runCli, tempDir } from "../helpers.js";

const fixture = join(root, "fixtures", "results", "run-jpeg-2cores.json");
const load = (): RunResults => JSON.parse(readFileSync(fixture, "utf8")) as RunResults;

function save(results: RunResults): string {
  const path = join(tempDir(), "results.json");
  writeFileSync(path, JSON.stringify(results));
  return path;
}

describe("gpuprof compare", () => {
  it("exits 0 when the runs are the same", async () => {
    const run = await runCli(["compare", fixture, fixture]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# gpuprof compare: no regression beyond 5\.0%/);
    expect(run.stdout).toContain("| workers 2, uint8, transfer |");
  });

  it("exits 1 on a planted regression and names it; unmatched trials are listed", async () => {
    const head = load();
    const slowed = head.trials.find(
      (t) => t.status === "ok" && t.spec.workers === 2 && t.spec.dtype === "uint8" && t.spec.transport === "transfer",
    )!;
    if (slowed.status === "ok") slowed.metrics.samplesPerS *= 0.8;
    head.trials = head.trials.filter((t) => !(t.spec.workers === 1 && t.spec.dtype === "float32" && t.spec.transport === "clone"));
    const run = await runCli(["compare", fixture, save(head), "--format", "md,json"]);
    expect(run.code).toBe(1);
    // With json, stdout is the JSON alone (pipeable) and the Markdown goes to stderr.
    const json = JSON.parse(run.stdout);
    expect(json.regressions).toBe(1);
    expect(run.stderr).toMatch(/1 regression beyond 5\.0%/);
    expect(run.stderr).toMatch(/\| workers 2, uint8, transfer \| .* \| -20\.0% \| .* \*\*regressed\*\* \|/);
    expect(run.stderr).toContain("Only in base (not compared): workers 1, float32, clone");
  });

  it("counts a configuration that finished in base and failed in head as a regression", async () => {
    const head = load();
    const broken = head.trials.findIndex((t) => t.spec.workers === 1 && t.spec.dtype === "uint8" && t.spec.transport === "transfer");
    head.trials[broken] = { status: "failed", spec: head.trials[broken]!.spec, reason: "images/42.jpg: corrupt JPEG" };
    const run = await runCli(["compare", fixture, save(head)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^# gpuprof compare: 1 regression beyond 5\.0%/);
    // The base's numbers stay in the row, so a reader sees what was lost.
    expect(run.stdout).toMatch(
      /\| workers 1, uint8, transfer \| [\d,]+ \| failed \| \| [\d.]+% -> failed \| [\d.]+% -> failed \| \*\*regressed\*\*: images\/42\.jpg: corrupt JPEG \|/,
    );
    const back = await runCli(["compare", save(head), fixture]);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain("Failed in base, finish in head: workers 1, uint8, transfer");
  });

  it("fails when the runs share no configuration: a gate that compared nothing must not pass", async () => {
    const head = load();
    for (const t of head.trials) t.spec.echo = 7;
    const run = await runCli(["compare", fixture, save(head)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^# gpuprof compare: nothing compared/);
    expect(run.stderr.trim()).toMatch(/^gpuprof: the runs share no configuration, so nothing was compared; sweep the same/);
  });

  it("says when the runs differ in more than the swept settings", async () => {
    const head = load();
    head.settings.batch = 32;
    head.dataset.count = 256;
    const run = await runCli(["compare", fixture, save(head)]);
    expect(run.stdout).toMatch(
      /The runs differ in more than the swept settings, so their numbers may not compare: dataset: .*512 x 3x218x178\) in base, .*256 x 3x218x178\) in head; batch: 64 in base, 32 in head\./,
    );
  });

  it("says when head was interrupted", async () => {
    const head = load();
    head.interrupted = true;
    head.trials = head.trials.slice(0, 3);
    const run = await runCli(["compare", fixture, save(head)]);
    expect(run.stdout).toMatch(
      new RegExp(`completeness: complete in base, interrupted, 3 of ${head.plan.trials.length} trials saved in head`),
    );
  });

  it("honours --max-regression", async () => {
    const head = load();
    for (const t of head.trials) if (t.status === "ok") t.metrics.samplesPerS *= 0.9;
    expect((await runCli(["compare", fixture, save(head), "--max-regression", "15%"])).code).toBe(0);
    expect((await runCli(["compare", fixture, save(head), "--max-regression", "0.05"])).code).toBe(1);
    const bad = await runCli(["compare", fixture, fixture, "--max-regression", "150%"]);
    expect(bad.code).toBe(2);
    // The example in the error names the option that was wrong, not another command's.
    expect(bad.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^gpuprof: option '--max-regression <share>' argument '150%' is invalid\. .*e\.g\. --max-regression 5%; run 'gpuprof compare --help'/,
      ),
    ]);
  });

  it("refuses a watch folder naming compare, not report", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "summary.json"), "{}");
    const run = await runCli(["compare", fixture, dir]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/is a gpuprof watch folder.*; gpuprof compare compares gpuprof run results$/),
    ]);
  });
});
