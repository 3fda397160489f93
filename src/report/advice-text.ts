import type { Recommendation } from "../analysis/recommend.js";

/** The structured part of a piece of advice in one line: the knob, its value, and the expected gain with its basis. */
export function adviceLine(r: Recommendation): string {
  return `${r.knob}: ${r.value} (expected gain: ${r.expectedGain ?? "not measured by this run"})`;
}
