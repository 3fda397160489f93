import type { ChalkInstance } from "chalk";
// Format is not among the names Node can import from this CommonJS package: take it off the default export.
import cliProgress, { SingleBar, type Options, type Params } from "cli-progress";
import { repeatSuffix, trialLabel } from "../harness/plan.js";
import { message } from "../messages/catalogue.js";
import type { SweepProgress } from "../harness/run-types.js";
import type { TrialResult } from "../store/results-schema.js";
import { wrapToWidth } from "./terminal-layout.js";

function outcome(result: TrialResult): string {
  if (result.status === "failed") return message("report.trial.failed", { reason: result.reason });
  const m = result.metrics;
  return message("report.progress.outcome", {
    rate: Math.round(m.samplesPerS).toLocaleString("en-US"),
    au: `${(m.au * 100).toFixed(1)}%`,
    stall: `${(m.stallFraction * 100).toFixed(1)}%`,
  });
}

/** A bar with ETA on a terminal; one plain line per finished trial otherwise (logs, CI). */
export function sweepProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  chalk: ChalkInstance,
  width = Number.POSITIVE_INFINITY,
): SweepProgress & { log(line: string): void } {
  let total = 0;
  if (!stream.isTTY) {
    return {
      log: (line) => void stream.write(wrapToWidth(line, width) + "\n"),
      start: (trials) => {
        total = trials;
      },
      trialStarted: () => undefined,
      trialFinished: (result) => {
        const line = `[${result.spec.id}/${total}] ${trialLabel(result.spec)}${repeatSuffix(result.spec, result.spec.repeat > 1)}: ${outcome(result)}`;
        stream.write(wrapToWidth(result.status === "failed" ? chalk.red(line) : line, width) + "\n");
      },
      stop: () => undefined,
    };
  }
  let plannedS = 0;
  let finished = 0;
  // Until a trial has finished the bar has no pace to go on (it would say "ETA 0s"): count down the
  // plan's own estimate instead, marked "~" as an estimate; from then on the measured pace.
  const eta = (options: Options, params: Params): string => {
    if (finished > 0) return cliProgress.Format.TimeFormat(params.eta, options, 5);
    const left = Math.max(1, Math.ceil(plannedS - (Date.now() - params.startTime) / 1000));
    return `~${cliProgress.Format.TimeFormat(left, options, 1)}`;
  };
  const bar = new SingleBar({
    format: (options, params, payload: object) =>
      cliProgress.Format.Formatter({ ...options, format: message("report.progress.bar") }, params, {
        ...payload,
        eta_text: eta(options, params),
      }),
    stream,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 4,
  });
  let active = false;
  return {
    // A line printed while the bar is drawn would land inside it: clear the bar's line first, then redraw it.
    log: (line) => {
      stream.write((active ? "\r\x1b[2K" : "") + wrapToWidth(line, width) + "\n");
      if (active) bar.update({});
    },
    start: (trials, estimatedS) => {
      total = trials;
      plannedS = estimatedS;
      finished = 0;
      active = true;
      bar.start(total, 0, { label: message("report.progress.starting", { s: String(Math.ceil(estimatedS)) }) });
    },
    trialStarted: (spec) => bar.update({ label: trialLabel(spec) }),
    trialFinished: (result) => {
      finished++;
      bar.increment(1, { label: `${trialLabel(result.spec)}: ${outcome(result)}` });
    },
    stop: () => {
      if (active) bar.stop();
      active = false;
    },
  };
}
