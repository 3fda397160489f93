import type { TrialResult, TrialSpec } from "../store/results-schema.js";
import { BYTES_PER_VALUE } from "../harness/dtype.js";
import { DEFAULT_THRESHOLDS } from "./types.js";

type OkTrial = Extract<TrialResult, { status: "ok" }>;

const TRANSPORT_RANK: Record<TrialSpec["transport"], number> = { none: 0, transfer: 1, shared: 2, clone: 3 };

/** Same configuration, any repeat. */
export function configKey(spec: TrialSpec): string {
  return JSON.stringify([spec.loader, spec.workers, spec.dtype, spec.transport, spec.pinMemory, spec.echo, spec.echoSplit, spec.baseline]);
}

/**
 * The configuration to recommend: highest mean fresh samples/s over its repeats; among those within
 * `tie` of it (the same share the workers advice uses, so the Best line and the advice never name
 * different configurations), the cheapest (fewer workers, smaller dtype, simpler transport, no echo). Baseline trials
 * are the harness's ceiling, not a configuration, and never win. Returns its first trial.
 */
export function bestTrial(trials: readonly TrialResult[], tie: number = DEFAULT_THRESHOLDS.tie): OkTrial | null {
  const groups = new Map<string, OkTrial[]>();
  for (const t of trials) {
    if (t.status !== "ok" || t.spec.baseline) continue;
    const key = configKey(t.spec);
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const scored = [...groups.values()].map((g) => ({ first: g[0]!, rate: g.reduce((s, t) => s + t.metrics.samplesPerS, 0) / g.length }));
  if (scored.length === 0) return null;
  const top = Math.max(...scored.map((s) => s.rate));
  // The Dataset's own dtype (--dataset-factory) is not a choice, so it costs nothing to rank.
  const cost = (spec: TrialSpec): number[] => [
    spec.workers,
    spec.dtype === "dataset" ? 0 : BYTES_PER_VALUE[spec.dtype],
    TRANSPORT_RANK[spec.transport],
    spec.pinMemory ? 1 : 0,
    spec.echo,
  ];
  const candidates = scored.filter((s) => s.rate >= top * (1 - tie));
  candidates.sort((a, b) => {
    const ca = cost(a.first.spec);
    const cb = cost(b.first.spec);
    for (let i = 0; i < ca.length; i++) if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
    return b.rate - a.rate;
  });
  return candidates[0]!.first;
}
