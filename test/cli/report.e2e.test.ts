import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root, runCli, tempDir } from "../helpers.js";

const fixture = join(root, "fixtures", "results", "run-jpeg-2cores.json");

describe("gpuprof report", () => {
  it("re-renders a committed results file into the committed summary.md, byte for byte", async () => {
    const run = await runCli(["report", fixture, "--format", "md"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(join(root, "fixtures", "results", "run-jpeg-2cores.summary.md"), "utf8"));
  });

  it("prints the diagnosis and numbered advice, and writes summary.md and analysis.json into --out", async () => {
    const out = join(tempDir(), "report");
    const run = await runCli(["report", fixture, "--format", "terminal,md,json", "--out", out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Diagnosis: input-bound \(CPU\)/);
    expect(run.stdout).toMatch(/1\. Feed the device faster/);
    expect(existsSync(join(out, "summary.md"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "analysis.json"), "utf8")).diagnosis).toBe("input-bound (CPU)");
  });

  it.each([
    ["a missing path", "/no/such/run", /no such file or folder/],
    ["a corrupt file", "corrupt", /is not valid JSON/],
    ["a newer schema", "newer", /written by a newer gpuprof \(schema 99/],
    ["a damaged file", "damaged", /does not match the results schema \(trials/],
  ])("refuses %s in one line with exit 2", async (_, which, message) => {
    const dir = tempDir();
    const path = which.startsWith("/") ? which : join(dir, `${which}.json`);
    const good = JSON.parse(readFileSync(fixture, "utf8"));
    if (which === "corrupt") writeFileSync(path, "{ not json");
    if (which === "newer") writeFileSync(path, JSON.stringify({ ...good, schemaVersion: 99 }));
    if (which === "damaged") writeFileSync(path, JSON.stringify({ ...good, trials: "gone" }));
    const run = await runCli(["report", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});
