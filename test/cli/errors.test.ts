import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { takeDebugFlag } from "../../src/cli/main.js";
import { runCli, tempDir } from "../helpers.js";

function expectOneLineUsageError(run: { code: number | null; stderr: string }, text: RegExp): void {
  expect(run.code).toBe(2);
  const lines = run.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^gpuprof: /);
  expect(lines[0]).toMatch(text);
  expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
}

describe("bad input gets one line and exit code 2", () => {
  it.each([
    [["watch", "--interval", "abc", "--", "true"], /--interval.*whole number of milliseconds/],
    [["watch", "--interval", "0", "--", "true"], /from 10 to 60000/],
    [["watch", "--bogus", "--", "true"], /unknown option '--bogus'.*gpuprof watch --help/],
    [["watch"], /missing required argument 'command'/],
    [["wat"], /unknown command 'wat' \(Did you mean watch\?\)/],
    [["info", "--jsn"], /unknown option '--jsn'/],
    [["watch", "--", "no-such-command-xyz"], /command not found: no-such-command-xyz/],
    [["info", "extra"], /too many arguments for 'info'\. Expected 0 arguments but got 1; run 'gpuprof info --help' for usage$/],
    // Node's recursive mkdir never returns on /proc: refused before it is tried.
    [["watch", "--out", "/proc/nope", "--", "true"], /--out \/proc\/nope is inside \/proc, a kernel filesystem.*choose another folder/],
    [["watch", "--out", "/sys/nope", "--", "true"], /--out \/sys\/nope is inside \/sys, a kernel filesystem/],
    [["watch", "--out", "/dev/fd/nope", "--", "true"], /--out \/dev\/fd\/nope is inside \/proc/],
    // Generated datasets need a writable folder: checked before anything is generated.
    [["run", "--cache-dir", "/proc/nope"], /--cache-dir \/proc\/nope is inside \/proc, a kernel filesystem/],
    [["h5", "--cache-dir", "/sys/nope"], /--cache-dir \/sys\/nope is inside \/sys, a kernel filesystem/],
    // A share's example names the option it belongs to.
    [["h5", "--target", "0"], /option '--target <share>' argument '0' is invalid\. .*e\.g\. --target 90%; run 'gpuprof h5 --help'/],
    [["run", "--au-target", "abc"], /option '--au-target <share>' argument 'abc' is invalid\. .*e\.g\. --au-target 90%/],
    [
      ["run", "--cache-dir", "/etc/passwd/x"],
      /--cache-dir \/etc\/passwd\/x: a file stands where a folder is needed; give a writable folder/,
    ],
  ])("gpuprof %j", async (args, text) => {
    expectOneLineUsageError(await runCli(args), text);
  });

  it("refuses to write over an earlier run in --out", async () => {
    const out = join(tempDir(), "out");
    mkdirSync(out);
    writeFileSync(join(out, "summary.json"), "{}");
    expectOneLineUsageError(await runCli(["watch", "--out", out, "--", "true"]), /already holds files.*--force/);
  });

  it("leaves no run folder behind, and never touches a user's --out, when the command cannot start", async () => {
    const cwd = tempDir();
    const run = await runCli(["watch", "--", "no-such-command-xyz"], { cwd });
    expect(run.code).toBe(2);
    expect(readdirSync(join(cwd, "reports"))).toEqual([]);
    const out = join(cwd, "mine");
    mkdirSync(out);
    writeFileSync(join(out, "keep.txt"), "earlier results");
    expect((await runCli(["watch", "--force", "--out", out, "--", "no-such-command-xyz"], { cwd })).code).toBe(2);
    expect(readdirSync(out)).toEqual(["keep.txt"]);
  });

  it("shows a stack trace only with --debug", async () => {
    const out = join(tempDir(), "out");
    mkdirSync(out);
    writeFileSync(join(out, "x"), "");
    const run = await runCli(["--debug", "watch", "--out", out, "--", "true"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/UsageError/);
  });

  it("prints help and the version with exit code 0", async () => {
    const help = await runCli(["watch", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: gpuprof watch \[options\] -- <command> \[args\.\.\.\]/);
    const version = await runCli(["--version"]);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("--debug", () => {
  it("is gpuprof's own before the command name or after it, and the watched command's after --", () => {
    expect(takeDebugFlag(["node", "gpuprof", "--debug", "run"])).toEqual({ args: ["node", "gpuprof", "run"], debug: true });
    expect(takeDebugFlag(["node", "gpuprof", "watch", "--debug", "--", "python", "x.py"])).toEqual({
      args: ["node", "gpuprof", "watch", "--", "python", "x.py"],
      debug: true,
    });
    expect(takeDebugFlag(["node", "gpuprof", "watch", "--", "python", "x.py", "--debug"])).toEqual({
      args: ["node", "gpuprof", "watch", "--", "python", "x.py", "--debug"],
      debug: false,
    });
    expect(takeDebugFlag(["node", "gpuprof", "watch", "--interval", "50", "python", "x.py", "--debug"]).debug).toBe(false);
    expect(takeDebugFlag(["node", "gpuprof", "info", "--json", "--debug"])).toEqual({
      args: ["node", "gpuprof", "info", "--json"],
      debug: true,
    });
  });

  it("never turns a usage mistake into a stack trace", async () => {
    const run = await runCli(["watch", "--debug", "--bogus", "--", "true"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^gpuprof: unknown option '--bogus'/)]);
  });
});
