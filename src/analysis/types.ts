import type { AdviceId, MessageParams } from "../messages/catalogue.js";
import type { StallLevel, Finding as StoredFinding, Thresholds } from "../store/analysis-schema.js";

export type { Basis, Thresholds, Verdict } from "../store/analysis-schema.js";

/** The one place the thresholds are set; every detector, the Best line and the charts' levels use these. */
export const DEFAULT_THRESHOLDS: Thresholds = { auTarget: 0.9, highStall: 0.2, moderateStall: 0.05, tie: 0.05, smiTolerance: 0.15 };

/** TensorFlow's input-pipeline analyzer levels of a stall, at the thresholds in force. */
export function stallLevel(stall: number, t: Thresholds): StallLevel {
  return stall >= t.highStall ? "high" : stall >= t.moderateStall ? "moderate" : "low";
}

/**
 * A piece of advice a finding asks for: a catalogue template and exactly its placeholders' values.
 * A union over the templates, so a detector that passes another set of values does not compile.
 */
export type Advice = {
  [K in AdviceId]: { template: K; values: MessageParams<K>; knob: string; value: string; gain: string | null };
}[AdviceId];

/** A finding as the detectors make it: the stored shape, with its advice checked against the catalogue. */
export type Finding = Omit<StoredFinding, "recommend"> & { recommend: Advice[] };
