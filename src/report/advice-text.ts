import { message } from "../messages/catalogue.js";
import type { Recommendation } from "../store/analysis-schema.js";

/** The structured part of a piece of advice in one line: the knob, its value, and the expected gain with its basis. */
export function adviceLine(r: Recommendation): string {
  return message("analysis.advice-line", { knob: r.knob, value: r.value, gain: r.expectedGain ?? message("analysis.gain-not-measured") });
}
