import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AnalysisFileSchema } from "../../src/store/analysis-schema.js";
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
    expect(run.stdout).toMatch(
      /^Key: AU: accelerator utilisation[\s\S]*?\nDiagnosis: input-bound \(CPU\) \(modelled device: resnet50-h100\)/,
    );
    expect(run.stdout).toMatch(/1\. Feed the device faster/);
    expect(existsSync(join(out, "summary.md"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "analysis.json"), "utf8"))).toMatchObject({
      kind: "gpuprof.analysis",
      schemaVersion: 1,
      source: "run",
      verdict: "input-bound (CPU)",
    });
  });

  it("with --out and no --format writes every report file, and still prints the verdict", async () => {
    const out = join(tempDir(), "report");
    const run = await runCli(["report", fixture, "--out", out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Key: AU: accelerator utilisation[\s\S]*?\nDiagnosis: input-bound \(CPU\) \(modelled device: resnet50-h100\)/,
    );
    // The files go to --out, not to stdout.
    expect(run.stdout).not.toContain("# gpuprof");
    for (const f of ["summary.md", "analysis.json", "report.html", "summary.png", "throughput.png"])
      expect(existsSync(join(out, f))).toBe(true);
    expect(run.stderr).toContain(`gpuprof: wrote ${join(out, "summary.md")}`);
  });

  it("refuses --format terminal with --out in one line: it would write nothing", async () => {
    const out = join(tempDir(), "report");
    const run = await runCli(["report", fixture, "--format", "terminal", "--out", out]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([
      `gpuprof: --format terminal writes no files, so --out ${out} would stay empty; leave out --format to write every report file, or name the files, e.g. --format terminal,html,md`,
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it("names --au-target in the example of its error", async () => {
    const run = await runCli(["report", fixture, "--au-target", "150%"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^gpuprof: option '--au-target <share>' argument '150%' is invalid\. .*e\.g\. --au-target 90%; run 'gpuprof report --help'/,
      ),
    ]);
  });

  it.each([
    ["a missing path", "/no/such/run", /no such file or folder/],
    ["a corrupt file", "corrupt", /is not valid JSON \([^"]*\); it may be damaged/],
    ["a Markdown file given by mistake", "markdown", /markdown\.json is not JSON; give the results\.json gpuprof wrote, or its folder/],
    ["a newer schema", "newer", /written by a newer gpuprof \(schema 99/],
    ["a damaged file", "damaged", /does not match the results schema \(trials/],
    [
      "a file with no schema version",
      "unversioned",
      /has no schema version; it was not written by gpuprof, or it was edited: run gpuprof run again/,
    ],
    ["a schema older than any release", "ancient", /has schema 0, older than any this gpuprof reads \(1 to 2\); run gpuprof run again/],
    ["a watch folder", "watch", /is a gpuprof watch folder/],
  ])("refuses %s in one line with exit 2", async (_, which, message) => {
    const dir = tempDir();
    const path = which.startsWith("/") ? which : join(dir, `${which}.json`);
    const good = JSON.parse(readFileSync(fixture, "utf8"));
    if (which === "corrupt") writeFileSync(path, "{ not json");
    if (which === "markdown") writeFileSync(path, "# gpuprof run: device-bound\n");
    if (which === "newer") writeFileSync(path, JSON.stringify({ ...good, schemaVersion: 99 }));
    if (which === "damaged") writeFileSync(path, JSON.stringify({ ...good, trials: "gone" }));
    if (which === "unversioned") writeFileSync(path, JSON.stringify({ ...good, schemaVersion: undefined }));
    if (which === "ancient") writeFileSync(path, JSON.stringify({ ...good, schemaVersion: 0 }));
    if (which === "watch") writeFileSync(join(dir, "summary.json"), "{}");
    const run = await runCli(["report", which === "watch" ? dir : path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("links the PNGs it writes from summary.md, and --au-target moves the verdict", async () => {
    const out = join(tempDir(), "report");
    const run = await runCli(["report", fixture, "--format", "md,png", "--out", out]);
    expect(run.code).toBe(0);
    const md = readFileSync(join(out, "summary.md"), "utf8");
    expect(md).toContain("![gpuprof summary](summary.png)");
    expect(md).toMatch(/Charts: \[throughput\]\(throughput\.png\), \[au\]\(au\.png\), \[stall\]\(stall\.png\)/);
    // The fixture's best AU is 34%: below the default 90%, above a 30% target.
    const strict = await runCli(["report", fixture, "--format", "json"]);
    expect(JSON.parse(strict.stdout).findings[0]).toMatchObject({ id: "input-bound", verdict: "issue" });
    const lenient = await runCli(["report", fixture, "--format", "json", "--au-target", "30%"]);
    expect(JSON.parse(lenient.stdout).findings[0]).toMatchObject({ id: "input-bound", verdict: "none" });
    expect(JSON.parse(lenient.stdout).thresholds.auTarget).toBe(0.3);
  });

  it("says when the timeline beside the results is damaged, and still writes the rest", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "results.json"), readFileSync(fixture));
    writeFileSync(join(dir, "timeline.json"), "{broken");
    const out = join(dir, "out");
    const run = await runCli(["report", dir, "--format", "png", "--out", out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/timeline\.json is damaged, so the timeline chart is left out/);
    expect(existsSync(join(out, "throughput.png"))).toBe(true);
    expect(existsSync(join(out, "timeline.png"))).toBe(false);
  });

  it("re-renders an HDF5 study: the verdict and what to set, and its report files", async () => {
    const cwd = tempDir();
    const study = join(cwd, "h5");
    const made = await runCli(
      [
        "h5",
        "--samples",
        "64",
        "--shape",
        "3,16,16",
        "--chunk",
        "8,3,16,16",
        "--cache",
        "1KiB,1MiB",
        "--epochs",
        "2",
        "--workers",
        "1",
        "--no-live",
        "--format",
        "json",
        "--out",
        study,
      ],
      { cwd, env: { GPUPROF_CACHE_DIR: join(cwd, "cache") }, timeoutMs: 60000 },
    );
    expect(made.code).toBe(0);
    // --format json: results.json only, no report files.
    expect(existsSync(join(study, "summary.md"))).toBe(false);
    expect(existsSync(join(study, "report.html"))).toBe(false);
    const out = join(cwd, "out");
    const run = await runCli(["report", study, "--format", "terminal,md,html,png,json", "--out", out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Verdict: /);
    expect(run.stdout).toMatch(/What to set:\n  1\. Open the file with this chunk cache: h5py\.File\(path, "r", rdcc_nbytes=/);
    for (const f of ["summary.md", "report.html", "summary.png", "hitrate.png", "analysis.json"])
      expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toMatch(/^# gpuprof h5: .*\n\n!\[gpuprof h5 summary\]\(summary\.png\)/);
    expect(AnalysisFileSchema.parse(JSON.parse(readFileSync(join(out, "analysis.json"), "utf8")))).toMatchObject({
      kind: "gpuprof.analysis",
      source: "h5",
    });
  });
});
