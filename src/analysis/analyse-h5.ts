import { message } from "../messages/catalogue.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import type { H5Results } from "../store/h5-results-schema.js";
import { analysisArtifact } from "./artifact.js";
import { detectH5 } from "./detectors/h5.js";

/**
 * analysis.json of an HDF5 study: its one finding (the chunk-cache choice), the advice filled in, and
 * the state of that advice in words as the verdict. The terminal, summary.md and report.html format this.
 */
export function analyseH5(results: H5Results): AnalysisFile {
  const finding = detectH5(results);
  return analysisArtifact({
    source: "h5",
    verdict: message(`h5.verdict.${finding.verdict}`),
    findings: [finding],
    thresholds: null,
    answer: null,
  });
}
