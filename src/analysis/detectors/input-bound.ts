import { bestTrial } from "../best.js";
import { message } from "../../messages/catalogue.js";
import type { RunResults } from "../../store/results-schema.js";
import { deviceBasis, realTrials, pct } from "../trials.js";
import type { Finding } from "../types.js";
import { stallLevel, type Thresholds } from "../types.js";

/** Does the best configuration keep the device busy enough (AU against the target)? */
export function detectInputBound(results: RunResults, t: Thresholds): Finding {
  const trials = realTrials(results);
  const best = bestTrial(results.trials, t.tie);
  const base = { id: "input-bound", title: message("input-bound.title"), basis: deviceBasis(results), recommend: [] };
  if (!best || trials.length === 0) {
    return { ...base, verdict: "insufficient-data", summary: message("input-bound.summary.insufficient"), evidence: {}, trials: [] };
  }
  const worst = trials.reduce((a, b) => (b.metrics.au < a.metrics.au ? b : a));
  const below = trials.filter((x) => x.metrics.au < t.auTarget);
  const levels = trials.map((x) => stallLevel(x.metrics.stallFraction, t));
  const count = (level: string): number => levels.filter((l) => l === level).length;
  // TensorFlow's input-pipeline analyzer levels, trial by trial.
  const perTrial = message("input-bound.per-trial", {
    high: String(count("high")),
    moderate: String(count("moderate")),
    low: String(count("low")),
  });
  const evidence = {
    trialsHighlyInputBound: count("high"),
    trialsModeratelyInputBound: count("moderate"),
    trialsNotInputBound: count("low"),
    bestAu: best.metrics.au,
    bestStall: best.metrics.stallFraction,
    bestStallLevel: stallLevel(best.metrics.stallFraction, t),
    auTarget: t.auTarget,
    worstAu: worst.metrics.au,
    trialsBelowTarget: below.length,
    trialsJudged: trials.length,
  };
  const overhead = best.metrics.hostOverheadFraction ?? 0;
  if (best.metrics.au < t.auTarget && evidence.bestStallLevel === "low" && overhead >= t.moderateStall) {
    // A real device idles while the consumer's host thread submits and waits, as a training loop's
    // Python does: more workers would not help, so it is not the input's fault.
    return {
      ...base,
      verdict: "none",
      summary: message("input-bound.summary.overhead", {
        au: pct(best.metrics.au),
        target: pct(t.auTarget),
        stall: pct(best.metrics.stallFraction),
        overhead: pct(overhead),
        perTrial,
      }),
      evidence: { ...evidence, bestHostOverhead: overhead },
      trials: [best.spec.id],
    };
  }
  if (best.metrics.au < t.auTarget) {
    return {
      ...base,
      verdict: "issue",
      summary: message("input-bound.summary.issue", {
        au: pct(best.metrics.au),
        target: pct(t.auTarget),
        level: message(`input-bound.level.${stallLevel(best.metrics.stallFraction, t)}`),
        perTrial,
      }),
      evidence,
      trials: [best.spec.id],
      recommend: [
        {
          template: "advice.input-bound",
          values: { au: pct(best.metrics.au), target: pct(t.auTarget) },
          knob: message("input-bound.advice.knob"),
          value: message("input-bound.advice.value", { target: pct(t.auTarget) }),
          gain: message("input-bound.advice.gain", {
            gain: (t.auTarget / Math.max(best.metrics.au, 1e-6)).toFixed(2),
            au: pct(best.metrics.au),
          }),
        },
      ],
    };
  }
  return {
    ...base,
    verdict: "none",
    summary: message("input-bound.summary.met", {
      au: pct(best.metrics.au),
      target: pct(t.auTarget),
      others: othersText(below.length, trials.length, pct(worst.metrics.au)),
      perTrial,
    }),
    evidence,
    trials: [best.spec.id, worst.spec.id],
  };
}

/** How the other configurations fare against the target, in words that agree in number. */
function othersText(below: number, judged: number, worstAu: string): string {
  if (judged === 1) return "";
  if (below === 0) return message("input-bound.others.none", { judged: String(judged), worst: worstAu });
  return message(below === 1 ? "input-bound.others.one" : "input-bound.others.many", {
    below: String(below),
    judged: String(judged),
    worst: worstAu,
  });
}
