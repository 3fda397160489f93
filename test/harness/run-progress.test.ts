import { Writable } from "node:stream";
import { Chalk } from "chalk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { buildPlan } from "../../src/harness/plan.js";
import { sweepProgress } from "../../src/report/run-progress.js";
import type { TrialResult } from "../../src/store/results-schema.js";

/** A terminal that keeps what is drawn on it. */
function terminal(): Writable & { isTTY: true; columns: number; text(): string } {
  let written = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { isTTY: true as const, columns: 160, text: () => written });
}

const plan = buildPlan({
  loaders: ["harness"],
  pinMemory: [false],
  workers: [0, 1, 2],
  dtypes: ["uint8"],
  transports: ["transfer"],
  echoes: [1],
  echoSplit: 1,
  baseline: false,
  repeat: 1,
});
let stop = (): void => undefined;
// The bar redraws on a timer and reads the clock: a fake clock makes what it draws exact.
beforeEach(() => void vi.useFakeTimers({ now: 0 }));
afterEach(() => {
  stop();
  vi.useRealTimers();
});

describe("the sweep's progress bar", () => {
  it("shows the plan's estimate as the ETA until a trial has finished, not 0s", () => {
    const tty = terminal();
    const progress = sweepProgress(tty, new Chalk({ level: 0 }));
    stop = () => progress.stop();
    progress.start(plan.length, 95);
    progress.trialStarted(plan[0]!);
    expect(tty.text()).toMatch(/0\/3 trials \| ETA ~1m35s \|/);
    // It counts down while the first trial runs.
    vi.advanceTimersByTime(30_000);
    expect(tty.text()).toMatch(/0\/3 trials \| ETA ~1m5s \| workers 0, uint8/);
    expect(tty.text()).not.toMatch(/ETA 0s/);
  });

  it("goes by the measured pace once a trial has finished", () => {
    const tty = terminal();
    const progress = sweepProgress(tty, new Chalk({ level: 0 }));
    stop = () => progress.stop();
    progress.start(plan.length, 95);
    vi.advanceTimersByTime(10_000);
    const failed: TrialResult = { status: "failed", spec: plan[0]!, reason: "a test" };
    progress.trialFinished(failed);
    vi.advanceTimersByTime(500);
    // One trial in 10 s, two to go.
    expect(tty.text()).toMatch(/1\/3 trials \| ETA 20s \|/);
  });
});
