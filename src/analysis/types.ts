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
