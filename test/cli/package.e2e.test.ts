import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "../helpers.js";

// Unpacked inside the checkout, so the checkout's node_modules stand in for an install's dependencies.
const dir = mkdtempSync(join(root, ".pack-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the published package", () => {
  it("runs from what npm pack ships: every file read at run time is in it", () => {
    execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], { cwd: root, stdio: "pipe" });
    const [tarball] = readdirSync(dir).filter((f) => f.endsWith(".tgz"));
    execFileSync("tar", ["-xzf", join(dir, tarball!), "-C", dir]);
    const run = spawnSync(
      process.execPath,
      [join(dir, "package", "bin", "gpuprof.js"), "report", join(root, "fixtures", "results", "run-jpeg-2cores.json"), "--format", "md"],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    // The advice comes from Markdown templates: the package must carry them.
    expect(run.stdout).toContain("## What to change");
    expect(run.stdout).toMatch(/num_workers=/);
  });
});
