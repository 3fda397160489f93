import { bestTrial } from "../best.js";
import type { RunResults } from "../../store/results-schema.js";
import { byConfig, mean, n0, realTrials, type OkTrial } from "../trials.js";
import type { Finding } from "../types.js";
import type { Thresholds } from "../types.js";

/** The smallest worker count within `tie` of the best throughput, at the best configuration's other settings. */
export function detectWorkers(results: RunResults, t: Thresholds): Finding {
  const base = { id: "workers", title: "Prefetch workers", basis: "measured" as const };
  const best = bestTrial(results.trials, t.tie);
  const sameOtherwise = (x: OkTrial): boolean =>
    best !== null &&
    x.spec.dtype === best.spec.dtype &&
    x.spec.echo === best.spec.echo &&
    x.spec.echoSplit === best.spec.echoSplit &&
    (x.spec.workers === 0 || x.spec.transport === best.spec.transport || best.spec.transport === "none");
  const group = realTrials(results).filter(sameOtherwise);
  const perWorkers = [...byConfig(group, (x) => String(x.spec.workers)).entries()]
    .map(([w, g]) => ({
      workers: Number(w),
      rate: mean(g.map((x) => x.metrics.samplesPerS)),
      rss: mean(g.map((x) => x.metrics.peakRssMiB)),
      trials: g.map((x) => x.spec.id),
    }))
    .sort((a, b) => a.workers - b.workers);
  if (!best || perWorkers.length < 2) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: "Fewer than two worker counts were measured at the same settings; sweep --workers (e.g. 0,2,4) to size num_workers.",
      evidence: {},
      trials: [],
      recommend: [],
    };
  }
  const top = Math.max(...perWorkers.map((p) => p.rate));
  const enough = perWorkers.find((p) => p.rate >= top * (1 - t.tie))!;
  const falls = perWorkers.find((p, i) => i > 0 && p.rate < perWorkers[i - 1]!.rate * (1 - t.tie));
  const first = perWorkers[0]!;
  const last = perWorkers[perWorkers.length - 1]!;
  const rssPerWorker = last.workers > first.workers ? (last.rss - first.rss) / (last.workers - first.workers) : null;
  const usable = results.host.usableCores;
  const zero = perWorkers.find((p) => p.workers === 0);
  const gain = zero && zero.rate > 0 ? enough.rate / zero.rate : null;
  const evidence: Finding["evidence"] = {
    recommendedWorkers: enough.workers,
    samplesPerSAtRecommended: Math.round(enough.rate),
    bestSamplesPerS: Math.round(top),
    usableCores: usable,
    rssMiBPerWorker: rssPerWorker === null ? null : Math.round(rssPerWorker),
    throughputFallsAtWorkers: falls ? falls.workers : null,
    ...Object.fromEntries(perWorkers.map((p) => [`samplesPerSAt${p.workers}Workers`, Math.round(p.rate)])),
  };
  const atCeiling =
    enough.workers === last.workers &&
    last.workers < usable &&
    enough.rate < top * (1 + t.tie) &&
    best.metrics.stallFraction >= t.moderateStall;
  const summary =
    `${enough.workers} worker${enough.workers === 1 ? " reaches" : "s reach"} ${n0(enough.rate)} samples/s, within ${(t.tie * 100).toFixed(0)}% of the best (${n0(top)})` +
    (gain !== null && enough.workers > 0 ? `: ${gain.toFixed(2)}x loading on the training thread` : "") +
    (falls
      ? `; throughput falls from ${falls.workers} workers on (${falls.workers > usable ? `more workers than the ${usable} usable cores compete for them` : "the workers compete for CPU, memory bandwidth or the disk"})`
      : "") +
    (atCeiling
      ? `; the largest count tried is still the best and the device still waits, so try more, up to the ${usable} usable cores`
      : "") +
    ".";
  const verdict = gain !== null && gain >= 1 + t.tie ? "issue" : "none";
  return {
    ...base,
    verdict,
    summary,
    evidence,
    trials: perWorkers.flatMap((p) => p.trials),
    // Loading on the training thread already does as well: there is nothing to change.
    recommend:
      verdict === "none" && enough.workers === 0
        ? []
        : [
            {
              template: "advice.workers",
              knob: "num_workers",
              value: String(enough.workers),
              gain: gain === null ? null : `${gain.toFixed(2)}x samples/s against num_workers=0 (measured)`,
              values: {
                workers: String(enough.workers),
                gain: gain === null ? "not measured against 0 workers" : `${gain.toFixed(2)}x the samples/s of num_workers=0`,
                usable: String(usable),
                beyond: beyondText(enough.workers, last.workers, rssPerWorker),
              },
            },
          ],
  };
}

/** What the sweep says about going past the recommended count: only what it measured. */
function beyondText(recommended: number, largest: number, rssPerWorker: number | null): string {
  const rss = rssPerWorker === null ? "" : ` (about ${Math.max(0, Math.round(rssPerWorker))} MiB of resident memory each)`;
  if (recommended < largest) return `More workers than that, up to the ${largest} tried, added memory${rss} without throughput`;
  return `No count above ${largest} was tried, so whether more would help is not measured here; each worker costs memory${rss}`;
}
