import type { ChalkInstance } from "chalk";
import { SingleBar } from "cli-progress";
import type { SweepProgress } from "../commands/run.js";
import { trialLabel } from "../harness/plan.js";
import type { TrialResult } from "../store/results-schema.js";

function outcome(result: TrialResult): string {
  if (result.status === "failed") return `failed: ${result.reason}`;
  const m = result.metrics;
  return `${Math.round(m.samplesPerS).toLocaleString("en-US")} samples/s, AU ${(m.au * 100).toFixed(1)}%, stall ${(m.stallFraction * 100).toFixed(1)}%`;
}

/** A bar with ETA on a terminal; one plain line per finished trial otherwise (logs, CI). */
export function sweepProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  chalk: ChalkInstance,
): SweepProgress & { log(line: string): void } {
  let total = 0;
  if (!stream.isTTY) {
    return {
      log: (line) => void stream.write(line + "\n"),
      start: (trials) => {
        total = trials;
      },
      trialStarted: () => undefined,
      trialFinished: (result) => {
        const line = `[${result.spec.id}/${total}] ${trialLabel(result.spec)}: ${outcome(result)}`;
        stream.write((result.status === "failed" ? chalk.red(line) : line) + "\n");
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    format: "{bar} {value}/{total} trials | ETA {eta_formatted} | {label}",
    stream,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 4,
  });
  let active = false;
  return {
    // A line printed while the bar is drawn would land inside it: clear the bar's line first, then redraw it.
    log: (line) => {
      stream.write((active ? "\r\x1b[2K" : "") + line + "\n");
      if (active) bar.update({});
    },
    start: (trials, estimatedS) => {
      total = trials;
      active = true;
      bar.start(total, 0, { label: `starting; the plan takes at least ${Math.ceil(estimatedS)} s` });
    },
    trialStarted: (spec) => bar.update({ label: trialLabel(spec) }),
    trialFinished: (result) => {
      bar.increment(1, { label: `${trialLabel(result.spec)}: ${outcome(result)}` });
    },
    stop: () => {
      if (active) bar.stop();
      active = false;
    },
  };
}
