import { ANALYSIS_SCHEMA_VERSION, type AnalysisFile, type RunAnswer, type Thresholds } from "../store/analysis-schema.js";
import { toolInfo } from "../util/tool-version.js";
import { recommendations } from "./recommend.js";
import type { Finding } from "./types.js";

/** analysis.json: what the analysis decided, with the advice filled in; the renderers read only this. */
export function analysisArtifact(parts: {
  source: AnalysisFile["source"];
  verdict: string;
  /** The verdict as a headline reads it (a run's names a modelled device); the verdict itself where not given. */
  headline?: string;
  findings: Finding[];
  thresholds: Thresholds | null;
  answer: RunAnswer | null;
}): AnalysisFile {
  return {
    kind: "gpuprof.analysis",
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    tool: toolInfo(),
    source: parts.source,
    verdict: parts.verdict,
    headline: parts.headline ?? parts.verdict,
    thresholds: parts.thresholds,
    findings: parts.findings,
    recommendations: recommendations(parts.findings),
    answer: parts.answer,
  };
}
