import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "./helpers.js";

/** A vitest of its own over a suite that needs a package that is not installed. */
function runFixture(ci: boolean): { code: number | null; output: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0" };
  delete env["CI"];
  if (ci) env["CI"] = "true";
  const run = spawnSync(
    process.execPath,
    [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--config", "test/system-packages/vitest.config.ts"],
    {
      cwd: root,
      env,
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return { code: run.status, output: run.stdout + run.stderr };
}

describe("tests that need a system package", () => {
  it("skip with one line naming the package and its install command when it is missing", () => {
    const run = runFixture(false);
    expect(run.code).toBe(0);
    expect(run.output).toContain(
      'skipped "frobnicating": needs the frobnicator (frob-utils); install it with: apt-get install -y frob-utils',
    );
    expect(run.output).toMatch(/1 skipped/);
  });

  it("fail under CI=true, since CI must run every test", () => {
    const run = runFixture(true);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("the frobnicator (frob-utils) is not installed, and CI runs every test: apt-get install -y frob-utils");
  });
});
