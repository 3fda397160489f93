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
    expect(run.stdout).toMatch(/1 regression beyond 5\.0%/);
    expect(run.stdout).toMatch(/\| workers 2, uint8, transfer \| .* \| -20\.0% \| .* \*\*regressed\*\* \|/);
    expect(run.stdout).toContain("Only in base (not compared): workers 1, float32, clone");
    const json = JSON.parse(run.stdout.slice(run.stdout.indexOf("{")));
    expect(json.regressions).toBe(1);
  });

  it("honours --max-regression", async () => {
    const head = load();
    for (const t of head.trials) if (t.status === "ok") t.metrics.samplesPerS *= 0.9;
    expect((await runCli(["compare", fixture, save(head), "--max-regression", "15%"])).code).toBe(0);
    expect((await runCli(["compare", fixture, save(head), "--max-regression", "0.05"])).code).toBe(1);
    const bad = await runCli(["compare", fixture, fixture, "--max-regression", "150%"]);
    expect(bad.code).toBe(2);
  });
});
