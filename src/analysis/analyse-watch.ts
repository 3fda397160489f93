import { message, type MessageId } from "../messages/catalogue.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import type { WatchResult } from "../store/summary-schema.js";
import type { Sample } from "../telemetry/types.js";
import { analysisArtifact } from "./artifact.js";
import { detectWatch, type WatchKind } from "./detectors/watch.js";

/** What held the GPU back, in a few words, for each kind of watch finding. */
const VERDICTS = {
  "compute-bound": "watch.verdict.compute-bound",
  "cpu-bound input": "watch.verdict.cpu-bound",
  "io-bound input": "watch.verdict.io-bound",
  "periodic stalls": "watch.verdict.periodic-stalls",
  "gpu underused": "watch.verdict.gpu-underused",
  "gpu not used": "watch.verdict.gpu-not-used",
  "no gpu utilisation": "watch.verdict.no-gpu-utilisation",
  "no gpu": "watch.verdict.no-gpu",
  "host cpu-bound": "watch.verdict.host-cpu-bound",
  "host io-bound": "watch.verdict.host-io-bound",
  "host neither": "watch.verdict.host-neither",
} as const satisfies Record<WatchKind, MessageId>;

/**
 * analysis.json of a watched run: its one finding (what held the GPU back), the advice filled in, and
 * that finding's kind in words as the verdict. summary.md, report.html and the card format this.
 */
export function analyseWatch(result: WatchResult, samples: readonly Sample[]): AnalysisFile {
  const finding = detectWatch(result, samples);
  const kind = String(finding.evidence["kind"]) as WatchKind;
  return analysisArtifact({
    source: "watch",
    verdict: message(VERDICTS[kind]),
    findings: [finding],
    thresholds: null,
    answer: null,
  });
}
