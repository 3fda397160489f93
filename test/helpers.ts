import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const fakeNvidiaSmi = join(root, "test", "fake-nvidia-smi.mjs");
export const missingNvidiaSmi = join(root, "test", "no-such-nvidia-smi");
export const missingPython = join(root, "test", "no-such-python");

export function fixture(...parts: string[]): string {
  return readFileSync(join(root, "fixtures", ...parts), "utf8");
}

export function fixtureLines(...parts: string[]): string[] {
  return fixture(...parts)
    .split("\n")
    .filter((l) => l.trim() !== "");
}

const tempDirs: string[] = [];

/** Removes the folders tempDir() made; test/setup.ts calls it after each test file. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh folder under the system temp dir, removed after the test file. */
export function tempDir(prefix = "gpuprof-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Called once the process is running (e.g. to signal it). */
  onStart?: (pid: number) => void;
  /** Called with all stderr so far, each time more arrives. */
  onStderr?: (stderrSoFar: string) => void;
  timeoutMs?: number;
  /**
   * Start gpuprof in its own process group, away from any terminal: then it is never in a terminal's
   * foreground group and forwards SIGINT itself, whether the tests run in a terminal or in CI.
   */
  detached?: boolean;
}

/** Runs the built CLI (bin/gpuprof.js) as a user would, without a terminal. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "bin", "gpuprof.js"), ...args], {
      cwd: options.cwd ?? tempDir(),
      // No Python for --loader auto unless a test gives one: every run measures the harness, wherever torch is installed.
      env: { ...process.env, NO_COLOR: "1", GPUPROF_NVIDIA_SMI: missingNvidiaSmi, GPUPROF_PYTHON: missingPython, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: options.detached ?? false,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr);
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`gpuprof ${args.join(" ")} did not finish in time; stderr: ${stderr}`));
    }, options.timeoutMs ?? 30000);
    child.on("spawn", () => options.onStart?.(child.pid!));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Terminal text with its wrapped lines joined again (gpuprof wraps at words to $COLUMNS or 100, each
 * continuation indented): what a message says, whatever the width it was printed at. Indented list
 * items are joined to the line above too, which the tests that use it do not mind.
 */
export function unwrapped(text: string): string {
  return text.replace(/\n {2,}/g, " ");
}
