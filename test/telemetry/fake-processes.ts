import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";

/** A folder for FAKE_NVIDIA_SMI_PIDS: every fake nvidia-smi process started leaves "query-<pid>" or "dmon-<pid>" in it. */
export function pidsDir(): string {
  return tempDir("gpuprof-fake-pids-");
}

export function fakePids(dir: string, kind?: "query" | "dmon"): number[] {
  return readdirSync(dir)
    .map((name) => /^(query|dmon)-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && (kind === undefined || m[1] === kind))
    .map((m) => Number(m[2]));
}

/** Still running: it exists and is not a zombie (a killed child whose parent has gone waits for init to reap it). */
export function isRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

/** Polls until the condition holds; throws after timeoutMs with what was still waited for. */
export async function until(condition: () => boolean, timeoutMs = 10000, what = "condition"): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The fake processes recorded in `dir` still running once SIGKILL has had time to land. A signal is
 * delivered at once; the wait only covers a loaded machine scheduling the dying process.
 */
export async function survivors(dir: string, graceMs = 3000): Promise<number[]> {
  await until(() => fakePids(dir).every((pid) => !isRunning(pid)), graceMs).catch(() => undefined);
  return fakePids(dir).filter(isRunning);
}

/**
 * An "nvidia-smi" that never answers and ignores SIGTERM, the way a hung one does: a shell script
 * that records its pid in FAKE_NVIDIA_SMI_PIDS and becomes `sleep 1000`.
 */
export function silentNvidiaSmi(): string {
  const path = join(tempDir("gpuprof-silent-smi-"), "nvidia-smi");
  writeFileSync(path, `#!/bin/sh\ntrap '' TERM\n: > "$FAKE_NVIDIA_SMI_PIDS/query-$$"\nexec sleep 1000\n`);
  chmodSync(path, 0o755);
  return path;
}
