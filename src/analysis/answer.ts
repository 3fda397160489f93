import type { LoaderPair, RunAnswer, Thresholds } from "../store/analysis-schema.js";
import type { RunResults } from "../store/results-schema.js";
import { bestTrial, configKey } from "./best.js";
import { judgedLoader } from "./loaders.js";
import { partialCount } from "./partial.js";
import { repeatSpread } from "./repeats.js";
import type { OkTrial } from "./trials.js";
import { stallLevel } from "./types.js";

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

function okTrials(results: RunResults): OkTrial[] {
  return results.trials.filter((t): t is OkTrial => t.status === "ok");
}

/** The same configuration as `base` except in the fields given, at the same repeat. */
function sibling(trials: OkTrial[], base: OkTrial, change: Partial<OkTrial["spec"]>): OkTrial | undefined {
  const key = configKey({ ...base.spec, ...change });
  return trials.find((t) => configKey(t.spec) === key && t.spec.repeat === base.spec.repeat);
}

/**
 * The run's answer: the best configuration and the evidence for each lever the sweep varied. `perConfig`
 * holds one trial per configuration (repeats collapsed to their mean), as every finding judges them.
 * `results` is what the findings judge (a run's torch trials when it has any); `whole`, the whole run,
 * gives the configurations and levels the tables and charts show, and the loaders side by side.
 */
export function runAnswer(
  results: RunResults,
  perConfig: RunResults,
  t: Thresholds,
  whole: { results: RunResults; perConfig: RunResults; pairs: LoaderPair[] } = { results, perConfig, pairs: [] },
): RunAnswer {
  const ok = okTrials(perConfig);
  const real = ok.filter((x) => !x.spec.baseline);
  const best = bestTrial(perConfig.trials, t.tie);
  // Every repeat read its data: the totals count them all.
  const reads = okTrials(results).reduce(
    (acc, x) => ({
      allBytes: acc.allBytes + (x.metrics.reads?.allBytes ?? 0),
      storageBytes: acc.storageBytes + (x.metrics.reads?.storageBytes ?? 0),
    }),
    { allBytes: 0, storageBytes: 0 },
  );
  const answer: RunAnswer = {
    partial: partialCount(results),
    failedTrials: results.trials.length - okTrials(results).length,
    best: null,
    fastest: null,
    vsInline: null,
    dtypePairs: [],
    transports: [],
    echoPairs: [],
    worst: null,
    ceiling: null,
    reads,
    configurations: configurations(whole.results, okTrials(whole.perConfig)),
    trialLevels: okTrials(whole.results).map((x) => ({ trialId: x.spec.id, level: stallLevel(x.metrics.stallFraction, t) })),
    judged: judgedLoader(whole.results),
    loaderPairs: whole.pairs,
  };
  if (!best) return answer;
  const m = best.metrics;
  const level = stallLevel(m.stallFraction, t);
  const overhead = m.hostOverheadFraction ?? null;
  const spread = repeatSpread(results, best.spec);
  answer.best = {
    trialId: best.spec.id,
    samplesPerS: m.samplesPerS,
    au: m.au,
    stallFraction: m.stallFraction,
    level,
    // Loading limits: more workers is a lever only while the best configuration leaves usable cores unused.
    limit:
      level !== "low"
        ? best.spec.workers >= results.host.usableCores
          ? "loading-at-cores"
          : "loading"
        : (overhead ?? 0) >= t.moderateStall
          ? "host-overhead"
          : "device",
    hostOverheadFraction: overhead,
    repeats: spread ? { count: spread.repeats, spread: spread.spread } : null,
  };
  const fastest = real.reduce((a, b) => (b.metrics.samplesPerS > a.metrics.samplesPerS ? b : a), best);
  if (fastest !== best) {
    answer.fastest = {
      trialId: fastest.spec.id,
      samplesPerS: fastest.metrics.samplesPerS,
      ratioToBest: ratio(fastest.metrics.samplesPerS, m.samplesPerS),
    };
  }
  const inline = sibling(ok, best, { workers: 0, transport: "none" });
  if (inline && best.spec.workers > 0) {
    answer.vsInline = {
      trialId: inline.spec.id,
      samplesRatio: ratio(m.samplesPerS, inline.metrics.samplesPerS),
      auFrom: inline.metrics.au,
      auTo: m.au,
    };
  }
  for (const dtype of ["float32", "float16", "uint8"] as const) {
    if (dtype === best.spec.dtype) continue;
    const other = sibling(ok, best, { dtype });
    if (other) {
      answer.dtypePairs.push({
        trialId: other.spec.id,
        dtype,
        samplesRatio: ratio(m.samplesPerS, other.metrics.samplesPerS),
        bytesRatio: ratio(m.transport.bytesDelivered / m.batches, other.metrics.transport.bytesDelivered / other.metrics.batches),
      });
    }
  }
  answer.transports = transportGroups(real);
  for (const x of real.filter((y) => y.spec.echo > 1)) {
    const plain = sibling(ok, x, { echo: 1 });
    if (!plain) continue;
    answer.echoPairs.push({
      trialId: x.spec.id,
      plainTrialId: plain.spec.id,
      echo: x.spec.echo,
      stepsRatio: ratio(x.metrics.stepsPerS, plain.metrics.stepsPerS),
      samplesRatio: ratio(x.metrics.samplesPerS, plain.metrics.samplesPerS),
      auFrom: plain.metrics.au,
      auTo: x.metrics.au,
    });
  }
  const worst = [...real].sort((a, b) => a.metrics.au - b.metrics.au)[0];
  if (worst && worst !== best && stallLevel(worst.metrics.stallFraction, t) !== "low") {
    answer.worst = {
      trialId: worst.spec.id,
      au: worst.metrics.au,
      level: stallLevel(worst.metrics.stallFraction, t),
      waitP95Ms: worst.metrics.waitMs.p95,
    };
  }
  const ceiling = sibling(ok, best, { baseline: true, echo: 1 });
  if (ceiling) {
    answer.ceiling = {
      trialId: ceiling.spec.id,
      samplesPerS: ceiling.metrics.samplesPerS,
      shareReached: ceiling.metrics.samplesPerS > 0 ? m.samplesPerS / ceiling.metrics.samplesPerS : 0,
      deviceLimited: ceiling.metrics.au >= 0.99,
    };
  }
  return answer;
}

/** Configurations that differ only in transport, grouped by workers and dtype (first repeat, no echo). */
function transportGroups(real: OkTrial[]): RunAnswer["transports"] {
  const groups = new Map<string, OkTrial[]>();
  for (const x of real.filter((y) => y.spec.transport !== "none" && y.spec.echo === 1 && y.spec.repeat === 1)) {
    const key = `${x.spec.workers} ${x.spec.dtype}`;
    groups.set(key, [...(groups.get(key) ?? []), x]);
  }
  return [...groups.values()]
    .filter((g) => g.length >= 2)
    .map((g) => ({
      workers: g[0]!.spec.workers,
      dtype: g[0]!.spec.dtype,
      entries: g.map((x) => ({
        trialId: x.spec.id,
        transport: x.spec.transport,
        samplesPerS: x.metrics.samplesPerS,
        msPerBatch: x.metrics.transport.msPerBatch.mean,
        bytesCopied: x.metrics.transport.bytesCopied,
      })),
    }));
}

/** Each configuration's mean (from the collapsed trials) with the ids of every repeat behind it. */
function configurations(results: RunResults, perConfig: OkTrial[]): RunAnswer["configurations"] {
  return perConfig.map((x) => ({
    trialId: x.spec.id,
    trialIds: okTrials(results)
      .filter((y) => configKey(y.spec) === configKey(x.spec))
      .map((y) => y.spec.id),
    samplesPerS: x.metrics.samplesPerS,
    au: x.metrics.au,
  }));
}
