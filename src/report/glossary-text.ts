import { message, renderMessage, type MessageId } from "../messages/catalogue.js";
import type { Finding } from "../store/analysis-schema.js";
import type { RunResults } from "../store/results-schema.js";
import { judgedConsumer } from "./torch-text.js";

/** The abbreviations' definitions: the glossary's messages without placeholders. */
type GlossaryId = Exclude<Extract<MessageId, `glossary.${string}`>, "glossary.line">;

/** "Key: AU: ...; stall: ...." for the abbreviations a format uses, each defined once, where the format first needs them. */
export function glossaryLine(ids: readonly GlossaryId[]): string {
  return message("glossary.line", { terms: ids.map((id) => renderMessage(id, {})).join("; ") });
}

/** The abbreviations of a run's sweep table and answer: AU and stall always, the device's columns where they are shown. */
export function runGlossaryIds(results: RunResults): GlossaryId[] {
  return [
    "glossary.au",
    "glossary.stall",
    "glossary.p95",
    "glossary.us-sy-wa",
    "glossary.rss",
    ...(judgedConsumer(results).kind !== "sim" ? (["glossary.h2d"] as const) : []),
    ...(results.host.gpus.length > 0 ? (["glossary.smi"] as const) : []),
  ];
}

/** A finding's state in words ("issue", "no issue", "not enough data") with its basis, for summary.md and report.html. */
export function findingState(f: Pick<Finding, "verdict" | "basis">): string {
  return message("finding.state.line", { state: message(`finding.state.${f.verdict}`), basis: f.basis });
}
