import type { LoaderPair, Thresholds } from "../store/analysis-schema.js";
import type { RunResults } from "../store/results-schema.js";
import type { Loader } from "../store/trial-axes.js";
import type { OkTrial } from "./trials.js";

/** Whose trials the advice judges: PyTorch's whenever the run has any (the advice is about the user's DataLoader), else the harness's. */
export function judgedLoader(results: RunResults): Loader {
  return results.trials.some((t) => t.spec.loader === "torch") ? "torch" : "harness";
}

/** The loaders whose trials the run holds, harness first. */
export function loadersOf(results: RunResults): Loader[] {
  const present = new Set(results.trials.map((t) => t.spec.loader));
  return (["harness", "torch"] as const).filter((l) => present.has(l));
}

/**
 * The results every finding and the answer judge: for a run with torch trials, those alone (with the
 * plan's torch trials and the torch loader's consumer), so the advice quotes what PyTorch measured; the
 * harness trials beside them feed only the side-by-side finding. A harness-only run is its own view.
 */
export function judgedView(results: RunResults): RunResults {
  if (judgedLoader(results) === "harness") return results;
  return {
    ...results,
    consumer: results.loader?.torch?.consumer ?? results.consumer,
    trials: results.trials.filter((t) => t.spec.loader === "torch"),
    plan: { ...results.plan, trials: results.plan.trials.filter((t) => t.loader === "torch") },
  };
}

/** The setting a torch trial and a harness trial share: everything but the loader, its transport and pin memory. */
function settingKey(spec: OkTrial["spec"]): string {
  return JSON.stringify([spec.workers, spec.dtype, spec.echo, spec.echoSplit, spec.baseline]);
}

/**
 * PyTorch against the harness at each setting both measured, from one trial per configuration
 * (repeats collapsed): each torch configuration (pin memory off and on alike) against the harness's
 * fastest transport at that setting.
 */
export function loaderPairs(perConfig: RunResults, t: Thresholds): LoaderPair[] {
  const ok = perConfig.trials.filter((x): x is OkTrial => x.status === "ok");
  const harness = new Map<string, OkTrial>();
  for (const x of ok.filter((y) => y.spec.loader === "harness")) {
    const key = settingKey(x.spec);
    const seen = harness.get(key);
    if (!seen || x.metrics.samplesPerS > seen.metrics.samplesPerS) harness.set(key, x);
  }
  const batch = Math.max(1, perConfig.settings.batch);
  return ok
    .filter((x) => x.spec.loader === "torch" && harness.has(settingKey(x.spec)))
    .map((torch) => {
      const h = harness.get(settingKey(torch.spec))!;
      const share = h.metrics.samplesPerS > 0 ? torch.metrics.samplesPerS / h.metrics.samplesPerS : 0;
      const transportMs = (x: OkTrial): number => (x.spec.workers === 0 ? 0 : x.metrics.transport.msPerBatch.mean);
      return {
        torchTrialId: torch.spec.id,
        harnessTrialId: h.spec.id,
        share,
        torchSamplesPerS: torch.metrics.samplesPerS,
        harnessSamplesPerS: h.metrics.samplesPerS,
        torchLoadMsPerSample: torch.metrics.loadMsPerBatch.mean / batch,
        harnessLoadMsPerSample: h.metrics.loadMsPerBatch.mean / batch,
        torchTransportMs: transportMs(torch),
        harnessTransportMs: transportMs(h),
        torchWaitMs: torch.metrics.waitMs.mean,
        harnessWaitMs: h.metrics.waitMs.mean,
        cause: cause(torch, h, share, batch, transportMs, t),
      };
    });
}

/**
 * Where PyTorch's extra time per batch goes. The workers load in parallel, so a batch's share of the
 * load is the load time over the workers; the transport adds in the main process. When the two grow by
 * at least half the extra wall time per batch, the larger names the cause; otherwise the time goes in
 * the main process between batches.
 */
function cause(
  torch: OkTrial,
  harness: OkTrial,
  share: number,
  batch: number,
  transportMs: (x: OkTrial) => number,
  t: Thresholds,
): LoaderPair["cause"] {
  if (share >= 1 + t.tie) return "faster";
  if (share >= 1 - t.tie) return "same";
  const perBatch = (x: OkTrial): number => (x.metrics.samplesPerS > 0 ? (1000 * batch) / x.metrics.samplesPerS : 0);
  const gap = perBatch(torch) - perBatch(harness);
  const loadShare = (x: OkTrial): number => x.metrics.loadMsPerBatch.mean / Math.max(1, x.spec.workers);
  const load = Math.max(0, loadShare(torch) - loadShare(harness));
  const transport = Math.max(0, transportMs(torch) - transportMs(harness));
  if (load + transport < 0.5 * gap || load + transport === 0) return "main";
  return load >= transport ? "load" : "transport";
}
