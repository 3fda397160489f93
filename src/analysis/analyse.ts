import type { RunResults } from "../store/results-schema.js";
import { diagnose, type Diagnosis } from "./combine.js";
import { detectAuVsSmi } from "./detectors/au-vs-smi.js";
import { detectCpuOrIo } from "./detectors/cpu-or-io.js";
import { detectDtype } from "./detectors/dtype.js";
import { detectEcho } from "./detectors/echo.js";
import { detectInputBound } from "./detectors/input-bound.js";
import { detectPageCache } from "./detectors/page-cache.js";
import { detectTransport } from "./detectors/transport.js";
import { detectWorkers } from "./detectors/workers.js";
import { recommendations, type Recommendation } from "./recommend.js";
import { DEFAULT_THRESHOLDS, type Finding, type Thresholds } from "./types.js";

export interface Analysis {
  diagnosis: Diagnosis;
  findings: Finding[];
  recommendations: Recommendation[];
  thresholds: Thresholds;
}

/** Saved results in, findings and advice out: a pure function, so reports can be re-made offline. */
export function analyseRun(results: RunResults, thresholds: Thresholds = DEFAULT_THRESHOLDS): Analysis {
  const inputBound = detectInputBound(results, thresholds);
  const cpuOrIo = detectCpuOrIo(results, thresholds);
  const findings = [
    inputBound,
    cpuOrIo,
    detectWorkers(results, thresholds),
    detectDtype(results, thresholds),
    detectTransport(results, thresholds),
    detectEcho(results, thresholds),
    detectPageCache(results),
  ];
  // Only where there is a GPU to compare with: on a GPU-less host with the sim consumer it would say nothing.
  if (results.consumer.kind === "webgpu" || results.host.gpus.length > 0) findings.push(detectAuVsSmi(results, thresholds));
  return { diagnosis: diagnose(inputBound, cpuOrIo), findings, recommendations: recommendations(findings), thresholds };
}
