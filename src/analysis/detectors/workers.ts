import { bestTrial } from "../best.js";
import { judgedLoader } from "../loaders.js";
import { message } from "../../messages/catalogue.js";
import type { RunResults } from "../../store/results-schema.js";
import { byConfig, mean, n0, realTrials, type OkTrial } from "../trials.js";
import type { Finding } from "../types.js";
import type { Thresholds } from "../types.js";
import { pairsDifferingIn } from "./pairs.js";

/** The smallest worker count within `tie` of the best throughput, at the best configuration's other settings. */
export function detectWorkers(results: RunResults, t: Thresholds): Finding {
  const base = { id: "workers", title: message("workers.title"), basis: "measured" as const };
  const best = bestTrial(results.trials, t.tie);
  const sameOtherwise = (x: OkTrial): boolean =>
    best !== null &&
    x.spec.dtype === best.spec.dtype &&
    x.spec.echo === best.spec.echo &&
    x.spec.echoSplit === best.spec.echoSplit &&
    x.spec.pinMemory === best.spec.pinMemory &&
    (x.spec.workers === 0 || x.spec.transport === best.spec.transport || best.spec.transport === "none");
  const group = realTrials(results).filter(sameOtherwise);
  const perWorkers = [...byConfig(group, (x) => String(x.spec.workers)).entries()]
    .map(([w, g]) => ({
      workers: Number(w),
      rate: mean(g.map((x) => x.metrics.samplesPerS)),
      rss: mean(g.map(loaderRssMiB)),
      trials: g.map((x) => x.spec.id),
    }))
    .sort((a, b) => a.workers - b.workers);
  if (!best || perWorkers.length < 2) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: message("workers.summary.insufficient"),
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
  const summary = message("workers.summary", {
    // The smallest count that is as good may be the fastest itself: then there is no "within" to speak of.
    reach:
      enough.rate >= top
        ? message(enough.workers === 1 ? "workers.clause.best.one" : "workers.clause.best.many", {
            workers: String(enough.workers),
            rate: n0(enough.rate),
          })
        : message(enough.workers === 1 ? "workers.clause.reach.one" : "workers.clause.reach.many", {
            workers: String(enough.workers),
            rate: n0(enough.rate),
            tie: (t.tie * 100).toFixed(0),
            top: n0(top),
          }),
    gain: gain !== null && enough.workers > 0 ? message("workers.clause.gain", { gain: gain.toFixed(2) }) : "",
    falls: falls
      ? message("workers.clause.falls", {
          workers: String(falls.workers),
          why: falls.workers > usable ? message("workers.falls.cores", { usable: String(usable) }) : message("workers.falls.contention"),
        })
      : "",
    ceiling: atCeiling ? message("workers.clause.ceiling", { usable: String(usable) }) : "",
  });
  // An issue only while the input is the limit: when the best configuration already meets the AU target and
  // barely waits (the diagnosis says device-bound), the recommended count is advice, not a problem.
  const inputLimits = best.metrics.au < t.auTarget || best.metrics.stallFraction >= t.moderateStall;
  const verdict = gain !== null && gain >= 1 + t.tie && inputLimits ? "issue" : "none";
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
              knob: message("workers.advice.knob"),
              value: String(enough.workers),
              gain: gain === null ? null : message("workers.advice.gain", { gain: gain.toFixed(2) }),
              values: {
                workers: String(enough.workers),
                gain:
                  gain === null
                    ? message("workers.advice.not-against-zero")
                    : message("workers.advice.against-zero", { gain: gain.toFixed(2) }),
                usable: String(usable),
                beyond: beyondText(enough.workers, last.workers, rssPerWorker),
                pin: pinText(results, t),
              },
            },
          ],
  };
}

/** The loader's resident memory: for the torch loader, its processes' peaks summed (each worker's copy-on-read growth counts). */
function loaderRssMiB(x: OkTrial): number {
  const processes = x.metrics.processes;
  return processes && processes.length > 0 ? processes.reduce((s, p) => s + p.peakRssMiB, 0) : x.metrics.peakRssMiB;
}

/** What the sweep says about going past the recommended count: only what it measured. */
function beyondText(recommended: number, largest: number, rssPerWorker: number | null): string {
  const rss = rssPerWorker === null ? "" : message("workers.beyond.rss", { mib: String(Math.max(0, Math.round(rssPerWorker))) });
  return message(recommended < largest ? "workers.beyond.tried" : "workers.beyond.untried", { largest: String(largest), rss });
}

/** pin_memory as measured by torch trials that differ in it alone; untried, a suggestion said to be one. */
function pinText(results: RunResults, t: Thresholds): string {
  const pairs = pairsDifferingIn(realTrials(results), "pinMemory", true, false);
  if (pairs.length === 0) {
    return message(judgedLoader(results) === "torch" ? "workers.pin.untried" : "workers.pin.untried.harness");
  }
  const ratio = mean(pairs.map(([pinned, plain]) => pinned.metrics.samplesPerS / plain.metrics.samplesPerS));
  if (results.consumer.kind !== "cuda") return message("workers.pin.measured.modelled", { ratio: ratio.toFixed(2) });
  const keep = ratio >= 1 + t.tie ? "workers.pin.keep.on" : ratio < 1 - t.tie ? "workers.pin.keep.off" : "workers.pin.keep.either";
  return message("workers.pin.measured", { ratio: ratio.toFixed(2), keep: message(keep) });
}
