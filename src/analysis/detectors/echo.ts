import { bestTrial } from "../../harness/best.js";
import type { RunResults } from "../../store/results-schema.js";
import type { Finding, Thresholds } from "../types.js";
import { deviceBasis } from "../trials.js";

/**
 * Batch echoing helps only while loading is slower than the step: R = loading time per batch
 * (workers load in parallel) / device time per batch. Echo factors beyond R buy nothing.
 */
export function detectEcho(results: RunResults, t: Thresholds): Finding {
  const base = { id: "echo", title: "Batch echoing", basis: deviceBasis(results) };
  const best = bestTrial(results.trials);
  if (!best || best.metrics.batches === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: "No finished trial to estimate loading against step time.",
      evidence: {},
      trials: [],
      recommend: [],
    };
  }
  const m = best.metrics;
  const loadMs = m.loadMsPerBatch.mean / Math.max(1, best.spec.workers);
  const deviceMs = (m.device.deviceBusyS * 1000) / m.batches / Math.max(1, best.spec.echo);
  const r = deviceMs > 0 ? loadMs / deviceMs : Infinity;
  const evidence = {
    loadMsPerBatch: Math.round(loadMs * 100) / 100,
    deviceMsPerBatch: Math.round(deviceMs * 100) / 100,
    r: Number.isFinite(r) ? Math.round(r * 100) / 100 : null,
  };
  if (r <= 1 || best.metrics.stallFraction < t.moderateStall) {
    return {
      ...base,
      verdict: "none",
      summary: `Loading a batch takes ${loadMs.toFixed(1)} ms against ${deviceMs.toFixed(1)} ms of device time (R = ${r.toFixed(2)}): loading keeps up, so echoing would only repeat samples.`,
      evidence,
      trials: [best.spec.id],
      recommend: [],
    };
  }
  // Floor of R as printed (two decimals), so the advice never contradicts the number beside it.
  const e = Math.max(2, Math.floor(Math.round(r * 100) / 100));
  return {
    ...base,
    verdict: "issue",
    summary: `Loading a batch takes ${loadMs.toFixed(1)} ms against ${deviceMs.toFixed(1)} ms of device time (R = ${r.toFixed(2)}): an echo factor up to ${e} keeps the device busy; beyond R it buys nothing.`,
    evidence,
    trials: [best.spec.id],
    recommend: [{ template: "echo", values: { e: String(e), r: r.toFixed(2) } }],
  };
}
