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
import { detectPageCache } from "./detectors/page-cache.js";
import { detectTransport } from "./detectors/transport.js";
import { detectWorkers } from "./detectors/workers.js";
import { DEFAULT_THRESHOLDS } from "./types.js";

/** A run's analysis.json, its verdict one of the diagnoses, qualified as partial when the sweep was interrupted. */
export type Analysis = RunAnalysis & { verdict: Diagnosis | PartialVerdict };

/** Saved results in, findings, advice and the answer out: a pure function, so reports can be re-made offline. */
export function analyseRun(results: RunResults, thresholds: Thresholds = DEFAULT_THRESHOLDS): Analysis {
  // With --repeat, every finding judges a configuration by its mean over the repeats. Reads and GPU
  // readings keep every trial: the page cache sums reads, nvidia-smi pairs with each trial's window.
  const perConfig = collapseRepeats(results);
  const inputBound = detectInputBound(perConfig, thresholds);
  const cpuOrIo = detectCpuOrIo(perConfig, thresholds);
  const findings = [
    inputBound,
    cpuOrIo,
    detectWorkers(perConfig, thresholds),
    detectDtype(perConfig, thresholds),
    detectTransport(perConfig, thresholds),
    detectEcho(perConfig, thresholds),
    detectPageCache(results),
  ];
  // Only where there is a GPU to compare with: on a GPU-less host with the sim consumer it would say nothing.
  if (results.consumer.kind === "webgpu" || results.host.gpus.length > 0) findings.push(detectAuVsSmi(results, thresholds));
  // A partial run's verdicts rest on the trials that finished: each one says so, and none compares what did not run.
  const { findings: qualified, verdict } = qualifyPartial(results, findings, diagnose(inputBound, cpuOrIo));
  const answer = runAnswer(results, perConfig, thresholds);
  const headline = runHeadline(verdict, results);
  const artifact = analysisArtifact({ source: "run", verdict, headline, findings: qualified, thresholds, answer });
  return { ...artifact, source: "run", verdict, thresholds, answer: artifact.answer! };
}
