/** What `gpuprof compare` found between two runs: the artifact its renderer formats. */
export interface TrialDelta {
  configuration: string;
  base: { samplesPerS: number; au: number; stall: number };
  head: { samplesPerS: number; au: number; stall: number };
  /** head / base - 1 of samples/s: negative is slower. */
  change: number;
  regressed: boolean;
}

export interface Comparison {
  maxRegression: number;
  matched: TrialDelta[];
  /** Configurations that finished in base and only failed in head: regressions too. */
  failedInHead: { configuration: string; reason: string; base: TrialDelta["base"] }[];
  /** Configurations that failed in base and finish in head. */
  fixedInHead: string[];
  /** Configurations only one side measured: listed, never dropped silently. */
  onlyInBase: string[];
  onlyInHead: string[];
  /** What differs between the runs besides the configurations (dataset, batch, device): numbers may not be comparable. */
  differences: string[];
  regressions: number;
  /** False when no configuration was measured in both runs: a gate that compared nothing must not pass. */
  comparable: boolean;
}
