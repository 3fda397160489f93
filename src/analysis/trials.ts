import type { RunResults, TrialResult } from "../store/results-schema.js";

export type OkTrial = Extract<TrialResult, { status: "ok" }>;

/** Trials that finished, baselines left out: the configurations a user could choose. */
export function realTrials(results: RunResults): OkTrial[] {
  return results.trials.filter((t): t is OkTrial => t.status === "ok" && !t.spec.baseline);
}

/** Mean over repeats, per configuration key. */
export function byConfig(trials: OkTrial[], key: (t: OkTrial) => string): Map<string, OkTrial[]> {
  const groups = new Map<string, OkTrial[]>();
  for (const t of trials) groups.set(key(t), [...(groups.get(key(t)) ?? []), t]);
  return groups;
}

export const mean = (values: number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
export { count as n0, share as pct } from "../util/format.js";

/** Device times are modelled by the sim consumer and measured on a real GPU; findings built on them say which. */
export function deviceBasis(results: RunResults): "measured" | "measured and modelled" {
  return results.consumer.kind === "sim" ? "measured and modelled" : "measured";
}
