import { bestTrial } from "../best.js";
import type { RunResults } from "../../store/results-schema.js";
import type { Finding } from "../types.js";
import type { Thresholds } from "../types.js";
import { deviceBasis, type OkTrial } from "../trials.js";

/**
 * Batch echoing helps only while loading is slower than the step: R = loading time per batch
 * (workers load in parallel) / device time per batch. Echo factors beyond R buy nothing.
 */
export function detectEcho(results: RunResults, t: Thresholds): Finding {
  const base = { id: "echo", title: "Batch echoing", basis: deviceBasis(results) };
  const best = bestTrial(results.trials, t.tie);
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
  const timing = `Loading a batch takes ${ms(loadMs)} ms against ${ms(deviceMs)} ms of device time (R = ${r.toFixed(2)})`;
  const none = (summary: string): Finding => ({ ...base, verdict: "none", summary, evidence, trials: [best.spec.id], recommend: [] });
  if (best.spec.workers === 0 && best.spec.echo === 1 && m.stallFraction >= t.moderateStall)
    return serialLoading(best, loadMs, deviceMs, evidence);
  if (r <= 1) return none(`${timing}: loading keeps up, so echoing would only repeat samples.`);
  const echo = best.spec.echo;
  if (echo > 1) {
    // The sweep already echoes: judge the factor it chose against R.
    if (echo <= Math.ceil(r)) {
      return none(
        `${timing}: the best configuration already echoes each batch ${echo} times, within R, so the echoes fill time the device would spend waiting; more than R would only repeat samples.`,
      );
    }
    const e = Math.max(1, Math.floor(r));
    return {
      ...base,
      verdict: "issue",
      summary: `${timing}: the best configuration echoes ${echo} times, beyond R; echoes past ${e} repeat samples without keeping the device any busier.`,
      evidence,
      trials: [best.spec.id],
      recommend: [echoAdvice(e, r, "lower")],
    };
  }
  if (best.metrics.stallFraction < t.moderateStall) {
    return none(
      `${timing} on one worker's share, yet the device hardly waits (stall ${(best.metrics.stallFraction * 100).toFixed(1)}%): prefetching keeps up, so echoing would only repeat samples.`,
    );
  }
  // Floor of R as printed (two decimals), so the advice never contradicts the number beside it.
  const e = Math.max(2, Math.floor(Math.round(r * 100) / 100));
  return {
    ...base,
    verdict: "issue",
    summary: `${timing}: an echo factor up to ${e} keeps the device busy; beyond R it buys nothing.`,
    evidence,
    trials: [best.spec.id],
    recommend: [echoAdvice(e, r, "raise")],
  };
}

/**
 * With no workers the main thread loads, then the device steps: nothing overlaps, so even a load
 * shorter than the step stalls the device. Echoing e times takes L + e*S for e steps instead of
 * e*(L + S): e(L + S)/(L + eS) times the steps/s, a model from the two measured times.
 */
function serialLoading(best: OkTrial, loadMs: number, deviceMs: number, evidence: Finding["evidence"]): Finding {
  const e = 2;
  const gain = (e * (loadMs + deviceMs)) / (loadMs + e * deviceMs);
  return {
    id: "echo",
    title: "Batch echoing",
    basis: "measured and modelled",
    verdict: "issue",
    summary: `With no workers, loading (${loadMs.toFixed(1)} ms a batch) runs in series with ${deviceMs.toFixed(1)} ms of device time, so the device waits through every load (stall ${(best.metrics.stallFraction * 100).toFixed(1)}%): workers overlap the two; an echo factor of ${e} would spread each load over ${e} steps, ${gain.toFixed(2)}x the steps/s (modelled from the two times).`,
    evidence: { ...evidence, serialLoading: "yes", modelledEchoGain: Math.round(gain * 100) / 100 },
    trials: [best.spec.id],
    recommend: [
      {
        template: "advice.echo-serial",
        values: { load: loadMs.toFixed(1), step: deviceMs.toFixed(1), e: String(e), gain: `${gain.toFixed(2)}x the steps/s (modelled)` },
        knob: "batch echo factor",
        value: String(e),
        gain: `${gain.toFixed(2)}x steps/s with workers 0 (modelled: ${e}(L + S)/(L + ${e}S) from the measured load and device times)`,
      },
    ],
  };
}

/** Sub-millisecond times keep two significant digits, so R never sits beside "0.0 ms against 0.0 ms". */
function ms(v: number): string {
  return v > 0 && v < 1 ? v.toPrecision(2) : v.toFixed(1);
}

function echoAdvice(e: number, r: number, direction: "raise" | "lower"): Finding["recommend"][number] {
  return {
    template: "advice.echo",
    values: { e: String(e), r: r.toFixed(2) },
    knob: "batch echo factor",
    value: String(e),
    gain:
      direction === "raise"
        ? `up to ${Math.min(e, r).toFixed(2)}x steps per loaded batch while loading is the limit (from R)`
        : "the same device utilisation with fewer repeats of each sample (from R)",
  };
}
