import { spawn } from "node:child_process";
import { hostname, availableParallelism } from "node:os";
import { rmSync } from "node:fs";
import { constants } from "node:os";
import { claimRunDir, runDirLabel } from "../store/run-dir.js";
import { RunFiles } from "../store/run-files.js";
import { WATCH_SCHEMA_VERSION, type WatchResult } from "../store/summary-schema.js";
import { TIMELINE_SCHEMA_VERSION, type TimelineFile } from "../store/timeline-schema.js";
import { timelineCsv } from "../store/timeline-csv.js";
import { nvidiaSmiExecutable } from "../telemetry/nvidia-smi/failures.js";
import { ioDifference, reapedIo } from "../telemetry/process-io.js";
import { Sampler } from "../telemetry/sampler.js";
import { summarizeTelemetry } from "../telemetry/summary.js";
import type { TelemetryNote } from "../telemetry/types.js";
import { EnvironmentError, UsageError } from "../util/errors.js";
import { inForegroundOfTerminal } from "../util/foreground.js";
import { toolInfo } from "../util/tool-version.js";

export interface WatchOptions {
  command: string[];
  intervalMs: number;
  out?: string;
  force: boolean;
  /** Print the result as JSON on stdout; the command's own stdout then goes to stderr. */
  json: boolean;
  reportsDir: string;
  env: NodeJS.ProcessEnv;
}

export interface WatchHooks {
  /** A line for the user while the command runs (notes, interruption notices). */
  say(line: string): void;
}

interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Ctrl-C this many times and the command is killed outright. */
const SIGINTS_BEFORE_KILL = 3;

function exitCodeOf(end: ChildEnd): number {
  if (end.code !== null) return end.code;
  const number = end.signal ? constants.signals[end.signal] : undefined;
  return 128 + (number ?? 0);
}

/**
 * Runs the user's command (no shell, stdio passed through) and samples telemetry for its whole life.
 * Returns the result; the CLI exits with result.exitCode.
 */
export async function watch(options: WatchOptions, hooks: WatchHooks): Promise<WatchResult> {
  const [program, ...args] = options.command;
  if (program === undefined) {
    throw new UsageError("watch needs a command to run: gpuprof watch -- python train.py");
  }
  const startedAt = new Date();
  const outDir = claimRunDir({ out: options.out, reportsDir: options.reportsDir, label: runDirLabel(startedAt, program), force: options.force });
  const files = new RunFiles(outDir);

  const ioBefore = reapedIo();
  const child = spawn(program, args, { stdio: ["inherit", options.json ? 2 : "inherit", "inherit"], env: options.env });
  const ended = new Promise<ChildEnd>((resolve, reject) => {
    child.once("error", (err: NodeJS.ErrnoException) => reject(err));
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });

  const sampler = new Sampler({
    intervalMs: options.intervalMs,
    rootPid: child.pid,
    nvidiaSmi: nvidiaSmiExecutable(options.env),
    env: options.env,
    onSamples: (batch) => files.appendSamples(batch),
    onNote: (note: TelemetryNote) => hooks.say(note.message),
  });
  if (child.pid !== undefined) sampler.start();

  let interrupted = false;
  let sigints = 0;
  const forwardSigint = !inForegroundOfTerminal();
  const onSigint = (): void => {
    interrupted = true;
    sigints++;
    if (sigints >= SIGINTS_BEFORE_KILL) {
      hooks.say(`interrupted ${sigints} times: killing ${program}`);
      child.kill("SIGKILL");
      return;
    }
    if (sigints === 1) hooks.say(`interrupted: waiting for ${program} to exit; samples so far are kept (Ctrl-C ${SIGINTS_BEFORE_KILL - 1} more times to kill it)`);
    // In the terminal's foreground group the child got this Ctrl-C itself; forwarding would double it.
    if (forwardSigint) child.kill("SIGINT");
  };
  const forward = (signal: NodeJS.Signals) => (): void => {
    interrupted = true;
    child.kill(signal);
  };
  const onSigterm = forward("SIGTERM");
  const onSighup = forward("SIGHUP");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  process.on("SIGHUP", onSighup);

  let end: ChildEnd;
  try {
    end = await ended;
  } catch (err) {
    sampler.stop();
    rmSync(outDir, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UsageError(`command not found: ${program}; check the spelling or give its full path`);
    if (code === "EACCES") throw new UsageError(`${program} is not executable; check its permissions`);
    throw new EnvironmentError(`could not start ${program}: ${code ?? String(err)}`);
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    process.off("SIGHUP", onSighup);
  }

  const ioAfter = reapedIo();
  const { samples, notes, gpus } = sampler.stop(ioBefore && ioAfter ? ioDifference(ioAfter, ioBefore) : null);
  const timeline: TimelineFile = {
    schemaVersion: TIMELINE_SCHEMA_VERSION,
    kind: "gpuprof.timeline",
    tool: toolInfo(),
    startedAt: startedAt.toISOString(),
    intervalMs: options.intervalMs,
    host: { hostname: hostname(), logicalCores: availableParallelism() },
    command: options.command,
    gpus,
    notes,
    samples,
  };
  const result: WatchResult = {
    schemaVersion: WATCH_SCHEMA_VERSION,
    kind: "gpuprof.watch",
    tool: toolInfo(),
    command: options.command,
    startedAt: timeline.startedAt,
    intervalMs: options.intervalMs,
    exit: { code: end.code, signal: end.signal },
    exitCode: exitCodeOf(end),
    interrupted,
    outDir,
    files: { timelineJson: files.path("timeline.json"), timelineCsv: files.path("timeline.csv"), summaryJson: files.path("summary.json") },
    summary: summarizeTelemetry(samples, gpus),
    notes,
  };
  try {
    files.writeJson("timeline.json", timeline);
    files.writeText("timeline.csv", timelineCsv(samples, gpus));
    files.writeJson("summary.json", result);
    files.discardPartialSamples();
  } catch (err) {
    throw new EnvironmentError(`could not write results to ${outDir} (${(err as NodeJS.ErrnoException).code ?? String(err)}); samples so far are in ${outDir}/samples.partial.jsonl`);
  }
  return result;
}
