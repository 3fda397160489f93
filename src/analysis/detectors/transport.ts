import type { RunResults } from "../../store/results-schema.js";
import { mean, pct, realTrials } from "../trials.js";
import type { Finding } from "../types.js";
import type { Thresholds } from "../types.js";
import { pairsDifferingIn } from "./pairs.js";

/** The time lost to copying batches between threads (clone, as pickling does) against zero-copy transports. */
export function detectTransport(results: RunResults, t: Thresholds): Finding {
  const base = { id: "transport", title: "Transport", basis: "measured" as const };
  const trials = realTrials(results);
  const pairs = [
    ...pairsDifferingIn(trials, "transport", "clone", "transfer"),
    ...pairsDifferingIn(trials, "transport", "clone", "shared"),
  ];
  if (pairs.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary:
        new Set(trials.filter((x) => x.spec.transport !== "none").map((x) => x.spec.transport)).size <= 1
          ? "Only one transport was swept, so copies were not compared with zero-copy; sweep --transport transfer,shared,clone."
          : "clone was not measured beside a zero-copy transport at the same settings; sweep --transport transfer,shared,clone.",
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
    summary: `Copying batches (clone) loses ${pct(Math.max(0, lost))} of the samples/s of a zero-copy transport; a batch takes ${copyMs.toFixed(2)} ms to arrive copied against ${zeroMs.toFixed(2)} ms without copies.`,
    evidence,
    trials: pairs.flat().map((x) => x.spec.id),
    recommend: issue
      ? [
          {
            template: "advice.zero-copy",
            values: { lost: pct(lost) },
            knob: "batch transport",
            value: "zero-copy (tensors in shared memory)",
            gain: `the ${pct(lost)} of samples/s that copies cost (measured)`,
          },
        ]
      : [],
  };
}
