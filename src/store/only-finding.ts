import type { AnalysisFile, Finding } from "./analysis-schema.js";

/** The one finding of an h5 or watch analysis: their renderers format it and its advice. */
export function onlyFinding(analysis: AnalysisFile): Finding {
  const [finding] = analysis.findings;
  if (!finding || analysis.findings.length > 1) {
    throw new Error(`a ${analysis.source} analysis has exactly one finding, not ${analysis.findings.length}`);
  }
  return finding;
}
