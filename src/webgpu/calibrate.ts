/** What calibration drives: a load of N x N matrix multiplies, timed on the device. */
export interface LoadTimer {
  setMatrix(n: number): Promise<void>;
  /** Device milliseconds for `dispatches` multiplies in one submission. */
  time(dispatches: number): Promise<number>;
}

export interface Calibration {
  targetMsPerBatch: number;
  matrixN: number;
  dispatchesPerBatch: number;
  /** Median measured time of a full batch's load after calibration. */
  achievedMsPerBatch: number;
  /** 2 N^3 flops per multiply over the achieved time. */
  gflopsPerS: number;
}

export interface CalibrationLimits {
  startN: number;
  minN: number;
  maxN: number;
  /** Enough dispatches a step that rounding to a whole number costs little, few enough that encoding them costs little. */
  minDispatches: number;
  maxDispatches: number;
  tolerance: number;
  rounds: number;
  /** Device milliseconds of load run before anything is measured. */
  warmupMs: number;
}

export const DEFAULT_LIMITS: CalibrationLimits = {
  startN: 256,
  minN: 32,
  maxN: 4096,
  minDispatches: 16,
  maxDispatches: 400,
  tolerance: 0.05,
  rounds: 10,
  warmupMs: 1500,
};

async function median(timer: LoadTimer, dispatches: number, samples = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push(await timer.time(dispatches));
  times.sort((a, b) => a - b);
  return times[samples >> 1]!;
}

/**
 * Finds the matrix size and the number of multiplies that make one step of the full batch take
 * `targetMs` on this device: first a matrix size at which the step is a sensible number of
 * dispatches, then the count, corrected against the measured time until it lands within tolerance.
 */
export async function calibrate(timer: LoadTimer, targetMs: number, limits: CalibrationLimits = DEFAULT_LIMITS): Promise<Calibration> {
  let n = limits.startN;
  await timer.setMatrix(n);
  await timer.time(1); // first use compiles and pages in
  if (targetMs <= 0) return { targetMsPerBatch: 0, matrixN: n, dispatchesPerBatch: 0, achievedMsPerBatch: 0, gflopsPerS: 0 };
  // An idle GPU raises its clocks under load, and a CPU driver (lavapipe) speeds up over its first
  // second of work: measured from cold, the count would be right only for a device no longer there.
  let warm = 0;
  let batch = 8;
  for (let calls = 0; warm < limits.warmupMs && calls < 1000; calls++) {
    const ms = await timer.time(batch);
    warm += ms;
    // A fast device gets bigger submissions, so the warm-up is device time, not submission overhead.
    if (ms < 10 && batch < limits.maxDispatches) batch = Math.min(batch * 2, limits.maxDispatches);
  }
  let one = await median(timer, 1);
  while (targetMs / one > limits.maxDispatches && n < limits.maxN) {
    n *= 2;
    await timer.setMatrix(n);
    await timer.time(1);
    one = await median(timer, 1);
  }
  while (targetMs / one < limits.minDispatches && n > limits.minN) {
    n /= 2;
    await timer.setMatrix(n);
    await timer.time(1);
    one = await median(timer, 1);
  }
  let dispatches = Math.max(1, Math.round(targetMs / one));
  // Seven runs a check: a CPU driver (lavapipe) shares the machine, and one slow run must not steer the count.
  let achieved = await median(timer, dispatches, 7);
  for (let round = 1; round < limits.rounds && Math.abs(achieved / targetMs - 1) > limits.tolerance; round++) {
    const next = Math.max(1, Math.round((dispatches * targetMs) / achieved));
    if (next === dispatches) break;
    dispatches = next;
    achieved = await median(timer, dispatches, 7);
  }
  return {
    targetMsPerBatch: targetMs,
    matrixN: n,
    dispatchesPerBatch: dispatches,
    achievedMsPerBatch: Math.round(achieved * 1000) / 1000,
    gflopsPerS: Math.round(((2 * n ** 3 * dispatches) / (achieved * 1e6)) * 10) / 10,
  };
}

/**
 * Dispatches for each step of a batch: the calibrated count scaled by the step's share of the full
 * batch, with the fractions carried from step to step so the total stays exact over a trial.
 */
export class DispatchSplitter {
  private carry = 0;

  constructor(
    private readonly dispatchesPerBatch: number,
    private readonly batch: number,
  ) {}

  forSteps(stepSizes: readonly number[]): number {
    let total = 0;
    for (const size of stepSizes) {
      const exact = (this.dispatchesPerBatch * size) / this.batch + this.carry;
      const whole = Math.floor(exact + 1e-9);
      this.carry = exact - whole;
      total += whole;
    }
    return total;
  }
}
