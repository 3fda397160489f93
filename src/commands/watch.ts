import { watchRenderers } from "../report/report-sets.js";
import { writeReports } from "../report/write-reports.js";
import { LIVE_EVERY_MS, type LiveStatus } from "../report/watch-live.js";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmdirSync } from "node:fs";
import { availableParallelism, constants, hostname } from "node:os";
import { claimRunDir, runDirLabel } from "../store/run-dir.js";
import { RunFiles } from "../store/run-files.js";
import { WATCH_SCHEMA_VERSION, type WatchResult } from "../store/summary-schema.js";
import type { Finding } from "../store/analysis-schema.js";
import { timelineCsv } from "../store/timeline-csv.js";
import { TIMELINE_SCHEMA_VERSION, type TimelineFile } from "../store/timeline-schema.js";
import { nvidiaSmiExecutable } from "../telemetry/nvidia-smi/failures.js";
import { Sampler } from "../telemetry/sampler.js";
import { summarizeTelemetry } from "../telemetry/summary.js";
import { EnvironmentError, UsageError } from "../util/errors.js";
import { toolInfo } from "../util/tool-version.js";
import { relaySignals } from "./signal-relay.js";
import { analyseWatch } from "../analysis/analyse-watch.js";
import { onlyFinding } from "../store/only-finding.js";

export interface WatchOptions {
  command: string[];
  intervalMs: number;
  out?: string;
  force: boolean;
  /** Print the result as JSON on stdout; the command's own stdout then goes to stderr. */
  json: boolean;
  /** Report files beside summary.json and the timeline: html, png, md, json (analysis.json). */
  reports: readonly ("html" | "png" | "md" | "json")[];
  reportsDir: string;
  env: NodeJS.ProcessEnv;
}

export interface WatchHooks {
  /** A line for the user while the command runs (notes, interruption notices). */
  say(line: string): void;
  /**
   * The live status line, when the CLI shows one: redrawn from the sampler's samples so far about once
   * a second while the command runs, and cleared as soon as it ends.
   */
  live?: Pick<LiveStatus, "show" | "clear">;
}

interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function exitCodeOf(end: ChildEnd): number {
  if (end.code !== null) return end.code;
  const number = end.signal ? constants.signals[end.signal] : undefined;
  return 128 + (number ?? 0);
}

function childEnd(child: ChildProcess): Promise<ChildEnd> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

function startFailure(program: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new UsageError(`command not found: ${program}; check the spelling or give its full path`);
  if (code === "EACCES") return new UsageError(`${program} is not executable; check its permissions`);
  return new EnvironmentError(`could not start ${program}: ${code ?? String(err)}`);
}

/**
 * Runs the user's command (no shell, stdio passed through) and samples telemetry for its whole life.
 * Returns the result; the CLI exits with result.exitCode.
 */
export async function watch(options: WatchOptions, hooks: WatchHooks): Promise<WatchResult & { diagnosis: Finding }> {
  const [program, ...args] = options.command;
  if (program === undefined) throw new UsageError("watch needs a command to run: gpuprof watch -- python train.py");
  const startedAt = new Date();
  const outExisted = options.out !== undefined && existsSync(options.out);
  const outDir = claimRunDir({
    out: options.out,
    reportsDir: options.reportsDir,
    label: runDirLabel(startedAt, program),
    force: options.force,
  });
  const files = new RunFiles(outDir);

  const child = spawn(program, args, { stdio: ["inherit", options.json ? 2 : "inherit", "inherit"], env: options.env });
  const ended = childEnd(child);
  const sampler = new Sampler({
    intervalMs: options.intervalMs,
    rootPid: child.pid,
    rootIsChild: true,
    nvidiaSmi: nvidiaSmiExecutable(options.env),
    env: options.env,
    onSamples: (batch) => files.appendSamples(batch),
    onNote: (note) => hooks.say(note.message),
  });
  if (child.pid !== undefined) sampler.start();
  const signals = relaySignals(child, program, hooks.say);
  // A timer of its own: it reads what the sampler has already taken, so it costs a format and a write a second.
  const live = hooks.live;
  const liveTimer = live && child.pid !== undefined ? setInterval(() => live.show(sampler.samplesSoFar()), LIVE_EVERY_MS) : null;
  liveTimer?.unref();

  let end: ChildEnd;
  try {
    end = await ended;
  } catch (err) {
    sampler.stop();
    files.discardPartialSamples();
    // Only a folder this run made, and only while empty: a user's --out is never removed.
    if (!outExisted) rmdirSync(outDir);
    throw startFailure(program, err);
  } finally {
    if (liveTimer) clearInterval(liveTimer);
    live?.clear();
    signals.dispose();
  }

  const { samples, notes, gpus } = await sampler.stopAndSettle();
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
  const measured: WatchResult = {
    schemaVersion: WATCH_SCHEMA_VERSION,
    kind: "gpuprof.watch",
    tool: toolInfo(),
    command: options.command,
    startedAt: timeline.startedAt,
    intervalMs: options.intervalMs,
    exit: end,
    exitCode: exitCodeOf(end),
    interrupted: signals.interrupted(),
    outDir,
    files: { timelineJson: files.path("timeline.json"), timelineCsv: files.path("timeline.csv"), summaryJson: files.path("summary.json") },
    summary: summarizeTelemetry(samples, gpus),
    notes,
  };
  // The verdict goes into summary.json too, so that it holds exactly what --json prints.
  const analysis = analyseWatch(measured, samples);
  const result = { ...measured, diagnosis: onlyFinding(analysis) };
  writeWatchFiles(files, timeline, result);
  await writeReports(files, options.reports, watchRenderers(result, analysis, samples));
  return result;
}

function writeWatchFiles(files: RunFiles, timeline: TimelineFile, result: WatchResult): void {
  try {
    files.writeJson("timeline.json", timeline);
    files.writeText("timeline.csv", timelineCsv(timeline.samples, timeline.gpus));
    files.writeJson("summary.json", result);
    files.discardPartialSamples();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new EnvironmentError(
      `could not write results to ${files.dir} (${code}); what was sampled is in ${files.path("samples.partial.jsonl")}`,
    );
  }
}
