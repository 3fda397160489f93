/** What a detector concludes: an issue, no issue, or not enough data to say (a real answer, not an error). */
export type Verdict = "issue" | "none" | "insufficient-data";

/** Whether the numbers behind a finding were measured on this machine or come from the device model. */
export type Basis = "measured" | "modelled" | "measured and modelled";

export interface Finding {
  id: string;
  title: string;
  verdict: Verdict;
  /** One sentence a user can act on, with the numbers in it. */
  summary: string;
  evidence: Record<string, number | string | null>;
  /** Trial ids the finding rests on. */
  trials: number[];
  basis: Basis;
  /** Recommendations this finding asks for, by template id, with the values to fill in. */
  recommend: Advice[];
}

/** One piece of advice: which knob, to what, what it should gain (and on what that rests), and the prose template. */
export interface Advice {
  template: string;
  values: Record<string, string>;
  knob: string;
  value: string;
  /** The expected gain in words with its basis ("1.80x samples/s against num_workers=0, measured"); null when nothing measured it. */
  gain: string | null;
}

export interface Thresholds {
  /** AU a configuration must reach to pass (DLIO / MLPerf Storage use 0.9 for ResNet-50). */
  auTarget: number;
  /** Stall share of step time that is highly / moderately input-bound (TensorFlow's analyzer: 20% / 5%). */
  highStall: number;
  moderateStall: number;
  /** Throughput within this share of the best counts as just as good. */
  tie: number;
  /** nvidia-smi utilisation and measured kernel time may differ by this share (points / 100) before it is a finding. */
  smiTolerance: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { auTarget: 0.9, highStall: 0.2, moderateStall: 0.05, tie: 0.05, smiTolerance: 0.15 };
