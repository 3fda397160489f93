import type { RunResults } from "../store/results-schema.js";
import { diagnose, type Diagnosis } from "./combine.js";
import { collapseRepeats } from "./repeats.js";
import { detectAuVsSmi } from "./detectors/au-vs-smi.js";
import { detectCpuOrIo } from "./detectors/cpu-or-io.js";
import { detectDtype } from "./detectors/dtype.js";
import { detectEcho } from "./detectors/echo.js";
import { detectInputBound } from "./detectors/input-bound.js";
import { detectPageCache } from "./detectors/page-cache.js";
import { detectTransport } from "./detectors/transport.js";
import { detectWorkers } from "./detectors/workers.js";
import { recommendations, type Recommendation } from "./recommend.js";
import type { Finding } from "../store/summary-schema.js";
import { DEFAULT_THRESHOLDS, type Thresholds } from "./types.js";

export interface Analysis {
  diagnosis: Diagnosis;
  findings: Finding[];
  recommendations: Recommendation[];
  thresholds: Thresholds;
}

/** Saved results in, findings and advice out: a pure function, so reports can be re-made offline. */
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
  return { diagnosis: diagnose(inputBound, cpuOrIo), findings, recommendations: recommendations(findings), thresholds };
}
