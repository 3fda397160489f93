import { ADVICE_MESSAGES } from "./advice.js";
import { ANSWER_MESSAGES } from "./answer.js";
import { DATA_PARTIAL_MESSAGES } from "./data-and-partial.js";
import { GLOSSARY_MESSAGES } from "./glossary.js";
import { REPORT_MESSAGES } from "./report.js";
import { RUN_FINDING_MESSAGES } from "./run-findings.js";
import { STUDY_FINDING_MESSAGES } from "./study-findings.js";
import { WATCH_LIVE_MESSAGES } from "./watch-live.js";
import { TERMINAL_MESSAGES } from "./terminal.js";
import { fillTemplate, type ParamsOf, type Placeholders } from "./template.js";

/**
 * Every sentence of gpuprof's analysis a user reads, by id: the advice (Markdown), each finding's
 * summary and its clauses, the run's answer, the report renderers' headings, labels and sentences. One object, so that a message is changed in one place,
 * and typed literally, so that `message(id, params)` with a wrong set of parameters does not compile.
 */
export const CATALOGUE = {
  ...ADVICE_MESSAGES,
  ...ANSWER_MESSAGES,
  ...DATA_PARTIAL_MESSAGES,
  ...GLOSSARY_MESSAGES,
  ...REPORT_MESSAGES,
  ...RUN_FINDING_MESSAGES,
  ...STUDY_FINDING_MESSAGES,
  ...WATCH_LIVE_MESSAGES,
  ...TERMINAL_MESSAGES,
} as const;

export type MessageId = keyof typeof CATALOGUE & string;
export type AdviceId = Extract<MessageId, `advice.${string}`>;
export type MessageParams<K extends MessageId> = ParamsOf<(typeof CATALOGUE)[K]>;
type MessageArgs<K extends MessageId> = [Placeholders<(typeof CATALOGUE)[K]>] extends [never] ? [] : [MessageParams<K>];

// Which messages were rendered in this process: the test that renders every message in every verdict reads it.
const rendered = new Set<MessageId>();

/** The text of a message with its parameters filled in. */
export function message<K extends MessageId>(id: K, ...args: MessageArgs<K>): string {
  return renderMessage(id, (args[0] ?? {}) as Record<string, string>);
}

/** For values already checked where they were made (advice carried in a finding); unknown ids are a bug. */
export function renderMessage(id: MessageId, values: Readonly<Record<string, string>>): string {
  const text: string | undefined = CATALOGUE[id];
  if (text === undefined) throw new Error(`no message ${id} in the catalogue`);
  rendered.add(id);
  return fillTemplate(text, values);
}

export function renderedMessageIds(): ReadonlySet<MessageId> {
  return rendered;
}

export function isMessageId(id: string): id is MessageId {
  return Object.hasOwn(CATALOGUE, id);
}
