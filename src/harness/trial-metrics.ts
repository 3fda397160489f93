import type { TrialMetrics } from "../store/results-schema.js";
import { summarize } from "./stats.js";

/**
 * One entry per batch of a trial's measured window, in step order: what both loaders record (the
 * harness in trial.ts, the torch loader in Python), so every metric has one definition.
 */
export interface BatchRecords {
  /** The device's wait for this batch: max(0, batch in hand - device free), ms. */
  waitMs: number[];
  loadMs: number[];
  transportMs: number[];
  freshSamples: number[];
  /** The steps this batch made (echo x split) and the samples they consumed. */
  steps: number[];
  consumedSamples: number[];
  bytesDelivered: number[];
  bytesCopied: number[];
  busyMs: number[];
  h2dMs: number[];
  h2dBytes: number[];
}

export function emptyBatchRecords(): BatchRecords {
  return {
    waitMs: [],
    loadMs: [],
    transportMs: [],
    freshSamples: [],
    steps: [],
    consumedSamples: [],
    bytesDelivered: [],
    bytesCopied: [],
    busyMs: [],
    h2dMs: [],
    h2dBytes: [],
  };
}

export interface WindowFacts {
  windowMs: number;
  /** The device's times were modelled (sim) rather than measured on a GPU. */
  modelled: boolean;
  processCpu?: { userS: number; systemS: number };
  peakRssMiB: number;
  startRssMiB: number;
  reads: { allBytes: number; storageBytes: number } | null;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

export function metricsFromRecords(r: BatchRecords, facts: WindowFacts): TrialMetrics {
  const { windowMs, modelled } = facts;
  const windowS = windowMs / 1000;
  const batches = r.waitMs.length;
  const windowSteps = sum(r.steps);
  const busyMs = sum(r.busyMs);
  const h2dMs = sum(r.h2dMs);
  const waitedMs = sum(r.waitMs);
  const bytesDelivered = sum(r.bytesDelivered);
  // An echoed or split batch waits once, before its first step; its other steps find it in hand.
  const waits = r.waitMs.flatMap((wait, i) => [wait, ...Array.from({ length: Math.max(0, r.steps[i]! - 1) }, () => 0)]);
  // A real device's idle time also holds the consumer's own host work: only the waits for a batch are stall.
  const stall = modelled ? Math.max(0, 1 - busyMs / windowMs) : Math.min(1, waitedMs / windowMs);
  const perS = (v: number): number => Math.round((v / windowS) * 100) / 100;
  const r4 = (v: number): number => Math.round(v * 10000) / 10000;
  const h2dBytes = sum(r.h2dBytes);
  return {
    windowS: Math.round(windowS * 1000) / 1000,
    steps: windowSteps,
    batches,
    freshSamples: sum(r.freshSamples),
    consumedSamples: sum(r.consumedSamples),
    samplesPerS: perS(sum(r.freshSamples)),
    stepsPerS: perS(windowSteps),
    consumedSamplesPerS: perS(sum(r.consumedSamples)),
    au: r4(busyMs / windowMs),
    stallFraction: r4(stall),
    ...(modelled ? {} : { hostOverheadFraction: r4(Math.max(0, 1 - busyMs / windowMs - stall)) }),
    waitMs: summarize(waits),
    loadMsPerBatch: summarize(r.loadMs),
    transport: {
      msPerBatch: summarize(r.transportMs),
      bytesCopied: sum(r.bytesCopied),
      bytesDelivered,
      deliveredMBPerS: perS(bytesDelivered / 1e6),
    },
    ...(facts.processCpu ? { processCpu: facts.processCpu } : {}),
    peakRssMiB: facts.peakRssMiB,
    startRssMiB: facts.startRssMiB,
    reads: facts.reads,
    device: {
      basis: modelled ? "modelled" : "measured",
      deviceBusyS: Math.round(busyMs) / 1000,
      h2dMsPerBatch: Math.round((h2dMs / batches) * 1000) / 1000,
      deviceMsPerStep: Math.round(((busyMs - h2dMs) / windowSteps) * 1000) / 1000,
      h2dBytes,
      h2dGBPerS: h2dMs > 0 ? Math.round((h2dBytes / (h2dMs * 1e6)) * 100) / 100 : 0,
    },
  };
}
