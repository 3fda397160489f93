import { configKey } from "./best.js";
import { trialLabel } from "../harness/plan.js";
import type { RunResults, TrialResult } from "../store/results-schema.js";
import { byConfig, mean, realTrials } from "./trials.js";
import { loadersOf } from "./loaders.js";
import { message } from "../messages/catalogue.js";
import type { Comparison, TrialDelta } from "../store/comparison.js";

export type { Comparison, TrialDelta } from "../store/comparison.js";

type Spec = TrialResult["spec"];

/** Configurations (baselines excepted) whose every trial failed, with the first reason. */
function failedOnly(results: RunResults): Map<string, { spec: Spec; reason: string }> {
  const ok = new Set(realTrials(results).map((t) => configKey(t.spec)));
  const failed = new Map<string, { spec: Spec; reason: string }>();
  for (const t of results.trials) {
    if (t.status !== "failed" || t.spec.baseline || ok.has(configKey(t.spec)) || failed.has(configKey(t.spec))) continue;
    failed.set(configKey(t.spec), { spec: t.spec, reason: t.reason });
  }
  return failed;
}

function stepText(r: RunResults): string {
  const m = r.consumer.stepModel;
  return `${r.consumer.kind} consumer, step ${m.kind === "preset" ? m.name : `${m.msPerBatch} ms per batch of ${m.batch}`}`;
}

/** The loaders whose trials a run holds: configurations of one never match the other's. */
function loaderText(r: RunResults): string {
  const loaders = loadersOf(r);
  return message(
    loaders.length === 2
      ? "report.compare.loader.both"
      : loaders[0] === "torch"
        ? "report.compare.loader.torch"
        : "report.compare.loader.harness",
  );
}

/** Why two runs matched no configuration, and what to sweep so that they do. */
export function nothingComparedReason(base: RunResults, head: RunResults): string {
  const b = loadersOf(base);
  const h = loadersOf(head);
  if (b.length > 0 && h.length > 0 && !b.some((l) => h.includes(l))) {
    return message("compare.nothing.loaders", { base: b.join(","), head: h.join(",") });
  }
  return message("compare.nothing");
}

/** Everything besides the swept axes that makes two runs' numbers comparable. */
export function runDifferences(base: RunResults, head: RunResults): string[] {
  const facets: [string, (r: RunResults) => string][] = [
    ["loader", loaderText],
    ["dataset", (r) => `${r.dataset.label} (${r.dataset.count} x ${r.dataset.sampleShape.join("x")})`],
    ["batch", (r) => String(r.settings.batch)],
    ["prefetch", (r) => String(r.settings.prefetch)],
    ["order", (r) => r.settings.order],
    ["page cache", (r) => (r.settings.cold ? "dropped before each trial (--cold)" : "kept")],
    ["device", stepText],
    ["host", (r) => `${r.host.hostname}, ${r.host.usableCores} usable cores`],
    ["completeness", (r) => (r.interrupted ? `interrupted, ${r.trials.length} of ${r.plan.trials.length} trials saved` : "complete")],
  ];
  return facets.filter(([, f]) => f(base) !== f(head)).map(([name, f]) => `${name}: ${f(base)} in base, ${f(head)} in head`);
}

/** Matches trials by configuration (repeats averaged) and flags any that lost more than maxRegression of samples/s or stopped working. */
export function compareRuns(base: RunResults, head: RunResults, maxRegression: number): Comparison {
  const group = (r: RunResults) => byConfig(realTrials(r), (t) => configKey(t.spec));
  const b = group(base);
  const h = group(head);
  const headFailed = failedOnly(head);
  const baseFailed = failedOnly(base);
  const summary = (trials: ReturnType<typeof realTrials>) => ({
    samplesPerS: mean(trials.map((t) => t.metrics.samplesPerS)),
    au: mean(trials.map((t) => t.metrics.au)),
    stall: mean(trials.map((t) => t.metrics.stallFraction)),
  });
  const matched: TrialDelta[] = [];
  const failedInHead: Comparison["failedInHead"] = [];
  for (const [key, baseTrials] of b) {
    const headTrials = h.get(key);
    if (!headTrials) {
      const failure = headFailed.get(key);
      if (failure) failedInHead.push({ configuration: trialLabel(failure.spec), reason: failure.reason, base: summary(baseTrials) });
      continue;
    }
    const bs = summary(baseTrials);
    const hs = summary(headTrials);
    const change = bs.samplesPerS > 0 ? hs.samplesPerS / bs.samplesPerS - 1 : 0;
    matched.push({ configuration: trialLabel(baseTrials[0]!.spec), base: bs, head: hs, change, regressed: change < -maxRegression });
  }
  const label = (groups: Map<string, ReturnType<typeof realTrials>>, key: string) => trialLabel(groups.get(key)![0]!.spec);
  const fixedInHead = [...h.keys()].filter((k) => baseFailed.has(k)).map((k) => label(h, k));
  return {
    maxRegression,
    matched,
    failedInHead,
    fixedInHead,
    onlyInBase: [...b.keys()].filter((k) => !h.has(k) && !headFailed.has(k)).map((k) => label(b, k)),
    onlyInHead: [...h.keys()].filter((k) => !b.has(k) && !baseFailed.has(k)).map((k) => label(h, k)),
    differences: runDifferences(base, head),
    regressions: matched.filter((m) => m.regressed).length + failedInHead.length,
    comparable: matched.length + failedInHead.length > 0,
  };
}
