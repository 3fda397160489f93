import { bestTrial } from "../best.js";
import type { RunResults } from "../../store/results-schema.js";
import { deviceBasis, realTrials, pct } from "../trials.js";
import type { Finding } from "../types.js";
import type { Thresholds } from "../types.js";

export function stallLevel(stall: number, t: Thresholds): "high" | "moderate" | "low" {
  return stall >= t.highStall ? "high" : stall >= t.moderateStall ? "moderate" : "low";
}

/** Does the best configuration keep the device busy enough (AU against the target)? */
export function detectInputBound(results: RunResults, t: Thresholds): Finding {
  const trials = realTrials(results);
  const best = bestTrial(results.trials, t.tie);
  const base = { id: "input-bound", title: "Input-bound", basis: deviceBasis(results), recommend: [] };
  if (!best || trials.length === 0) {
    return { ...base, verdict: "insufficient-data", summary: "No trial finished, so there is nothing to judge.", evidence: {}, trials: [] };
  }
  const worst = trials.reduce((a, b) => (b.metrics.au < a.metrics.au ? b : a));
  const below = trials.filter((x) => x.metrics.au < t.auTarget);
  const levels = trials.map((x) => stallLevel(x.metrics.stallFraction, t));
  const count = (level: string): number => levels.filter((l) => l === level).length;
  // TensorFlow's input-pipeline analyzer levels, trial by trial.
  const perTrial = `per configuration: ${count("high")} highly, ${count("moderate")} moderately and ${count("low")} not input-bound`;
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
      summary: `The best configuration keeps the device busy ${pct(best.metrics.au)} of the time (target ${pct(t.auTarget)}), but it waited for batches only ${pct(best.metrics.stallFraction)} of the time: the rest, ${pct(overhead)}, is the consumer's own host overhead (submitting work and waiting for results), not the input pipeline; ${perTrial}.`,
      evidence: { ...evidence, bestHostOverhead: overhead },
      trials: [best.spec.id],
    };
  }
  if (best.metrics.au < t.auTarget) {
    return {
      ...base,
      verdict: "issue",
      summary: `Even the best configuration keeps the device busy only ${pct(best.metrics.au)} of the time (target ${pct(t.auTarget)}): the input pipeline is the bottleneck, ${{ high: "highly so", moderate: "moderately so", low: "if only slightly (stall under 5%)" }[stallLevel(best.metrics.stallFraction, t)]}; ${perTrial}.`,
      evidence,
      trials: [best.spec.id],
      recommend: [
        {
          template: "advice.input-bound",
          values: { au: pct(best.metrics.au), target: pct(t.auTarget) },
          knob: "input pipeline throughput",
          value: `AU of ${pct(t.auTarget)} or more`,
          gain: `up to ${(t.auTarget / Math.max(best.metrics.au, 1e-6)).toFixed(2)}x steps/s at the target AU (from the measured AU of ${pct(best.metrics.au)})`,
        },
      ],
    };
  }
  return {
    ...base,
    verdict: "none",
    summary: `The best configuration reaches AU ${pct(best.metrics.au)} (target ${pct(t.auTarget)})${othersText(below.length, trials.length, pct(worst.metrics.au))}; ${perTrial}.`,
    evidence,
    trials: [best.spec.id, worst.spec.id],
  };
}

/** How the other configurations fare against the target, in words that agree in number. */
function othersText(below: number, judged: number, worstAu: string): string {
  if (judged === 1) return "";
  if (below === 0) return `; none of the ${judged} configurations falls below it, the lowest at ${worstAu}`;
  return `; ${below} of ${judged} configurations ${below === 1 ? "falls" : "fall"} below it, the worst at ${worstAu}`;
}
