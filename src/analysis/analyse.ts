import type { RunAnalysis, Thresholds } from "../store/analysis-schema.js";
import type { RunResults } from "../store/results-schema.js";
import { runAnswer } from "./answer.js";
import { analysisArtifact } from "./artifact.js";
import { diagnose, type Diagnosis } from "./combine.js";
import { qualifyPartial, type PartialVerdict } from "./partial.js";
import { runHeadline } from "./headline.js";
import { collapseRepeats } from "./repeats.js";
import { detectAuVsSmi } from "./detectors/au-vs-smi.js";
import { detectCpuOrIo } from "./detectors/cpu-or-io.js";
import { detectDtype } from "./detectors/dtype.js";
import { detectEcho } from "./detectors/echo.js";
import { detectInputBound } from "./detectors/input-bound.js";
import { detectLoader } from "./detectors/loader.js";
import { detectPageCache } from "./detectors/page-cache.js";
import { detectTransport } from "./detectors/transport.js";
import { detectWorkers } from "./detectors/workers.js";
import { judgedView, loaderPairs } from "./loaders.js";
import { DEFAULT_THRESHOLDS } from "./types.js";

/** A run's analysis.json, its verdict one of the diagnoses, qualified as partial when the sweep was interrupted. */
export type Analysis = RunAnalysis & { verdict: Diagnosis | PartialVerdict };

/** Saved results in, findings, advice and the answer out: a pure function, so reports can be re-made offline. */
export function analyseRun(results: RunResults, thresholds: Thresholds = DEFAULT_THRESHOLDS): Analysis {
  // A run with torch trials is judged on them alone: the advice ("num_workers=2 in your DataLoader")
  // quotes what PyTorch measured. Its harness trials feed the side-by-side finding and the charts.
  const judged = judgedView(results);
  // With --repeat, every finding judges a configuration by its mean over the repeats. Reads and GPU
  // readings keep every trial: the page cache sums reads, nvidia-smi pairs with each trial's window.
  const perConfig = collapseRepeats(judged);
  const everyConfig = collapseRepeats(results);
  const pairs = loaderPairs(everyConfig, thresholds);
  const inputBound = detectInputBound(perConfig, thresholds);
  const cpuOrIo = detectCpuOrIo(perConfig, thresholds);
  const findings = [
    inputBound,
    cpuOrIo,
    detectWorkers(perConfig, thresholds),
    detectDtype(perConfig, thresholds),
    detectTransport(perConfig, thresholds),
    detectEcho(perConfig, thresholds),
    detectPageCache(judged),
  ];
  // Only where there is a GPU to compare with: on a GPU-less host with the sim consumer it would say nothing.
  if (judged.consumer.kind !== "sim" || judged.host.gpus.length > 0) findings.push(detectAuVsSmi(judged, thresholds));
  const loader = detectLoader(everyConfig, perConfig, pairs, thresholds);
  if (loader) findings.push(loader);
  // A partial run's verdicts rest on the trials that finished: each one says so, and none compares what did not run.
  const { findings: qualified, verdict } = qualifyPartial(judged, findings, diagnose(inputBound, cpuOrIo));
  const answer = runAnswer(judged, perConfig, thresholds, { results, perConfig: everyConfig, pairs });
  const headline = runHeadline(verdict, judged);
  const artifact = analysisArtifact({ source: "run", verdict, headline, findings: qualified, thresholds, answer });
  return { ...artifact, source: "run", verdict, thresholds, answer: artifact.answer! };
}
