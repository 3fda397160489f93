import { configKey } from "./best.js";
import type { RunResults, TrialResult } from "../store/results-schema.js";

type OkTrial = Extract<TrialResult, { status: "ok" }>;

/**
 * One trial per configuration, its numbers the mean over the repeats that finished, so every
 * finding and the Best line judge the same thing (--repeat R gives R trials of each). A
 * configuration whose every repeat failed keeps its first failure. Integer fields stay integers.
 */
export function collapseRepeats(results: RunResults): RunResults {
  if (!results.trials.some((t) => t.spec.repeat > 1)) return results;
  const groups = new Map<string, TrialResult[]>();
  for (const t of results.trials) {
    const key = configKey(t.spec);
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const trials: TrialResult[] = [];
  for (const group of groups.values()) {
    const ok = group.filter((t): t is OkTrial => t.status === "ok");
    if (ok.length <= 1) {
      trials.push(ok[0] ?? group[0]!);
      continue;
    }
    trials.push({
      ...ok[0]!,
      metrics: meanOf(ok.map((t) => t.metrics)) as OkTrial["metrics"],
      telemetry: meanOf(ok.map((t) => t.telemetry)) as OkTrial["telemetry"],
      notes: [...new Set(ok.flatMap((t) => t.notes))],
    });
  }
  return { ...results, trials };
}

/** Field-by-field mean of objects of one shape; a null anywhere stays null, strings come from the first. */
function meanOf(values: unknown[]): unknown {
  const first = values[0];
  if (typeof first === "number") {
    if (!values.every((v) => typeof v === "number")) return null;
    const mean = (values as number[]).reduce((a, b) => a + b, 0) / values.length;
    return (values as number[]).every(Number.isInteger) ? Math.round(mean) : mean;
  }
  if (Array.isArray(first)) {
    if (!values.every((v) => Array.isArray(v) && v.length === first.length)) return first;
    return first.map((_, i) => meanOf(values.map((v) => (v as unknown[])[i])));
  }
  if (first !== null && typeof first === "object") {
    if (!values.every((v) => v !== null && typeof v === "object")) return null;
    return Object.fromEntries(Object.keys(first).map((k) => [k, meanOf(values.map((v) => (v as Record<string, unknown>)[k]))]));
  }
  // An optional field absent from the first stays absent (undefined, not null).
  return first;
}

/** Spread of samples/s over the repeats of `trial`'s configuration: (max - min) / mean, or null with one repeat. */
export function repeatSpread(results: RunResults, spec: TrialResult["spec"]): { repeats: number; spread: number } | null {
  const key = configKey(spec);
  const rates = results.trials
    .filter((t): t is OkTrial => t.status === "ok" && configKey(t.spec) === key)
    .map((t) => t.metrics.samplesPerS);
  if (rates.length < 2) return null;
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  return { repeats: rates.length, spread: mean > 0 ? (Math.max(...rates) - Math.min(...rates)) / mean : 0 };
}
