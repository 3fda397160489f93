import { bestTrial } from "../best.js";
import { message } from "../../messages/catalogue.js";
import type { RunResults } from "../../store/results-schema.js";
import type { Finding } from "../types.js";
import type { Thresholds } from "../types.js";
import { deviceBasis, type OkTrial } from "../trials.js";

/**
 * Batch echoing helps only while loading is slower than the step: R = loading time per batch
 * (workers load in parallel) / device time per batch. Echo factors beyond R buy nothing.
 */
export function detectEcho(results: RunResults, t: Thresholds): Finding {
  const base = { id: "echo", title: message("echo.title"), basis: deviceBasis(results) };
  const best = bestTrial(results.trials, t.tie);
  if (!best || best.metrics.batches === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: message("echo.summary.insufficient"),
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
  const timing = message("echo.timing", { load: ms(loadMs), device: ms(deviceMs), r: r.toFixed(2) });
  const none = (summary: string): Finding => ({ ...base, verdict: "none", summary, evidence, trials: [best.spec.id], recommend: [] });
  if (best.spec.workers === 0 && best.spec.echo === 1 && m.stallFraction >= t.moderateStall)
    return serialLoading(best, loadMs, deviceMs, evidence);
  if (r <= 1) return none(message("echo.summary.keeps-up", { timing }));
  const echo = best.spec.echo;
  if (echo > 1) {
    // The sweep already echoes: judge the factor it chose against R.
    if (echo <= Math.ceil(r)) {
      return none(message("echo.summary.within", { timing, echo: String(echo) }));
    }
    const e = Math.max(1, Math.floor(r));
    return {
      ...base,
      verdict: "issue",
      summary: message("echo.summary.beyond", { timing, echo: String(echo), e: String(e) }),
      evidence,
      trials: [best.spec.id],
      recommend: [echoAdvice(e, r, "lower")],
    };
  }
  if (best.metrics.stallFraction < t.moderateStall) {
    return none(message("echo.summary.no-wait", { timing, stall: (best.metrics.stallFraction * 100).toFixed(1) }));
  }
  // Floor of R as printed (two decimals), so the advice never contradicts the number beside it.
  const e = Math.max(2, Math.floor(Math.round(r * 100) / 100));
  // A factor beyond the largest the sweep ran was not measured: no gain is claimed for it, only the sweep that would measure it.
  const swept = Math.max(1, ...results.plan.trials.filter((x) => !x.baseline).map((x) => x.echo));
  if (e > swept) {
    const sweep = echoSweep(e);
    return {
      ...base,
      verdict: "issue",
      summary: message("echo.summary.unmeasured", { timing, swept: String(swept), e: String(e), sweep }),
      evidence: { ...evidence, largestEchoSwept: swept },
      trials: [best.spec.id],
      recommend: [
        {
          template: "advice.echo-unmeasured",
          values: { r: r.toFixed(2), e: String(e), swept: String(swept), sweep },
          knob: message("echo.advice.knob"),
          value: message("echo.advice.value.unmeasured", { swept: String(swept), sweep }),
          gain: null,
        },
      ],
    };
  }
  return {
    ...base,
    verdict: "issue",
    summary: message("echo.summary.raise", { timing, e: String(e) }),
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
    title: message("echo.title"),
    basis: "measured and modelled",
    verdict: "issue",
    summary: message("echo.summary.serial", {
      load: loadMs.toFixed(1),
      device: deviceMs.toFixed(1),
      stall: (best.metrics.stallFraction * 100).toFixed(1),
      e: String(e),
      gain: gain.toFixed(2),
    }),
    evidence: { ...evidence, serialLoading: "yes", modelledEchoGain: Math.round(gain * 100) / 100 },
    trials: [best.spec.id],
    recommend: [
      {
        template: "advice.echo-serial",
        values: {
          load: loadMs.toFixed(1),
          step: deviceMs.toFixed(1),
          e: String(e),
          gain: message("echo.advice.serial.gain", { gain: gain.toFixed(2) }),
        },
        knob: message("echo.advice.knob"),
        value: String(e),
        gain: message("echo.advice.serial.expected", { gain: gain.toFixed(2), e: String(e) }),
      },
    ],
  };
}

/** The --echo list that measures factors up to e: 1, 2, ..., e for a few, doubling beyond 4, always ending at e. */
export function echoSweep(e: number): string {
  const factors: number[] = [];
  for (let f = 1; f < e; f = f < 4 ? f + 1 : f * 2) factors.push(f);
  return [...factors, e].join(",");
}

/** Sub-millisecond times keep two significant digits, so R never sits beside "0.0 ms against 0.0 ms". */
function ms(v: number): string {
  return v > 0 && v < 1 ? v.toPrecision(2) : v.toFixed(1);
}

function echoAdvice(e: number, r: number, direction: "raise" | "lower"): Finding["recommend"][number] {
  return {
    template: "advice.echo",
    values: { e: String(e), r: r.toFixed(2) },
    knob: message("echo.advice.knob"),
    value: String(e),
    gain:
      direction === "raise" ? message("echo.advice.gain.raise", { gain: Math.min(e, r).toFixed(2) }) : message("echo.advice.gain.lower"),
  };
}
