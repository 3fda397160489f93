import type { OkTrial } from "../trials.js";
import type { TrialSpec } from "../../store/results-schema.js";

/** Trials that differ from each other only in `field`, matched by repeat: the fair comparisons. */
export function pairsDifferingIn<K extends keyof TrialSpec>(
  trials: OkTrial[],
  field: K,
  a: TrialSpec[K],
  b: TrialSpec[K],
): [OkTrial, OkTrial][] {
  const key = (x: OkTrial): string => JSON.stringify({ ...x.spec, id: 0, [field]: null });
  const others = new Map(trials.filter((x) => x.spec[field] === b).map((x) => [key(x), x]));
  return trials.filter((x) => x.spec[field] === a && others.has(key(x))).map((x) => [x, others.get(key(x))!]);
}
