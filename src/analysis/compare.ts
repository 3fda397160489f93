import { configKey } from "../harness/best.js";
import { trialLabel } from "../harness/plan.js";
import type { RunResults } from "../store/results-schema.js";
import { byConfig, mean, realTrials } from "./trials.js";

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
  /** Configurations only one side measured: listed, never dropped silently. */
  onlyInBase: string[];
  onlyInHead: string[];
  regressions: number;
}

/** Matches trials by configuration (repeats averaged) and flags any that lost more than maxRegression of samples/s. */
export function compareRuns(base: RunResults, head: RunResults, maxRegression: number): Comparison {
  const group = (r: RunResults) => byConfig(realTrials(r), (t) => configKey(t.spec));
  const b = group(base);
  const h = group(head);
  const summary = (trials: ReturnType<typeof realTrials>) => ({
    samplesPerS: mean(trials.map((t) => t.metrics.samplesPerS)),
    au: mean(trials.map((t) => t.metrics.au)),
    stall: mean(trials.map((t) => t.metrics.stallFraction)),
  });
  const matched: TrialDelta[] = [];
  for (const [key, baseTrials] of b) {
    const headTrials = h.get(key);
    if (!headTrials) continue;
    const bs = summary(baseTrials);
    const hs = summary(headTrials);
    const change = bs.samplesPerS > 0 ? hs.samplesPerS / bs.samplesPerS - 1 : 0;
    matched.push({ configuration: trialLabel(baseTrials[0]!.spec), base: bs, head: hs, change, regressed: change < -maxRegression });
  }
  const label = (groups: Map<string, ReturnType<typeof realTrials>>, key: string) => trialLabel(groups.get(key)![0]!.spec);
  return {
    maxRegression,
    matched,
    onlyInBase: [...b.keys()].filter((k) => !h.has(k)).map((k) => label(b, k)),
    onlyInHead: [...h.keys()].filter((k) => !b.has(k)).map((k) => label(h, k)),
    regressions: matched.filter((m) => m.regressed).length,
  };
}
