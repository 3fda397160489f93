import { message } from "../../messages/catalogue.js";
import type { RunResults } from "../../store/results-schema.js";
import { mean, pct, realTrials } from "../trials.js";
import type { Finding } from "../types.js";
import type { Thresholds } from "../types.js";
import { pairsDifferingIn } from "./pairs.js";

/** The time lost to copying batches between threads (clone, as pickling does) against zero-copy transports. */
export function detectTransport(results: RunResults, t: Thresholds): Finding {
  const base = { id: "transport", title: message("transport.title"), basis: "measured" as const };
  const trials = realTrials(results);
  const pairs = [
    ...pairsDifferingIn(trials, "transport", "clone", "transfer"),
    ...pairsDifferingIn(trials, "transport", "clone", "shared"),
  ];
  if (pairs.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: message(
        trials.some((x) => x.spec.loader === "torch")
          ? "transport.summary.torch"
          : new Set(trials.filter((x) => x.spec.transport !== "none").map((x) => x.spec.transport)).size <= 1
            ? "transport.summary.one-transport"
            : "transport.summary.unpaired",
      ),
      evidence: {},
      trials: [],
      recommend: [],
    };
  }
  const lost = mean(pairs.map(([c, z]) => 1 - c.metrics.samplesPerS / z.metrics.samplesPerS));
  const copyMs = mean(pairs.map(([c]) => c.metrics.transport.msPerBatch.mean));
  const zeroMs = mean(pairs.map(([, z]) => z.metrics.transport.msPerBatch.mean));
  const evidence = {
    throughputLostToCopies: Math.round(lost * 1000) / 1000,
    cloneMsPerBatch: Math.round(copyMs * 100) / 100,
    zeroCopyMsPerBatch: Math.round(zeroMs * 100) / 100,
    pairs: pairs.length,
  };
  const issue = lost >= t.tie;
  return {
    ...base,
    verdict: issue ? "issue" : "none",
    summary: message("transport.summary", { lost: pct(Math.max(0, lost)), copyMs: copyMs.toFixed(2), zeroMs: zeroMs.toFixed(2) }),
    evidence,
    trials: pairs.flat().map((x) => x.spec.id),
    recommend: issue
      ? [
          {
            template: "advice.zero-copy",
            values: { lost: pct(lost) },
            knob: message("transport.advice.knob"),
            value: message("transport.advice.value"),
            gain: message("transport.advice.gain", { lost: pct(lost) }),
          },
        ]
      : [],
  };
}
