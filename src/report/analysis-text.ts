import type { ChalkInstance } from "chalk";
import { message } from "../messages/catalogue.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import { adviceLine } from "./advice-text.js";
import { glossaryLine } from "./glossary-text.js";

/**
 * The diagnosis and the advice for a terminal; Markdown emphasis becomes bold. With `key`, AU is
 * spelled out first (gpuprof report); gpuprof run's table before it has already spelled it out.
 */
export function renderAnalysis(analysis: AnalysisFile, chalk: ChalkInstance, key = true): string {
  const glossary = key && analysis.source === "run" ? [chalk.dim(glossaryLine(["glossary.au"]))] : [];
  return [...glossary, diagnosisLine(analysis, chalk), ...findingLines(analysis, chalk), ...adviceLines(analysis, chalk)].join("\n") + "\n";
}

export function diagnosisLine(analysis: AnalysisFile, chalk: ChalkInstance): string {
  return chalk.bold(message("analysis.diagnosis", { verdict: analysis.headline }));
}

function findingMark(verdict: AnalysisFile["findings"][number]["verdict"], chalk: ChalkInstance): string {
  return verdict === "issue" ? chalk.yellow("!") : verdict === "none" ? chalk.green("ok") : chalk.dim("?");
}

/** Every finding in full, one line each. */
export function findingLines(analysis: AnalysisFile, chalk: ChalkInstance): string[] {
  return analysis.findings.map(
    (f) => `  ${findingMark(f.verdict, chalk)} ${f.title}: ${f.summary}${f.basis === "measured" ? "" : chalk.dim(` [${f.basis}]`)}`,
  );
}

/** The findings by title and mark only, in one line: what --verbose shows in full (a mark never wraps apart from its title). */
export function findingTitles(analysis: AnalysisFile, chalk: ChalkInstance): string | null {
  if (analysis.findings.length === 0) return null;
  return message("terminal.findings", {
    list: analysis.findings.map((f) => `${findingMark(f.verdict, chalk)}\u00a0${f.title}`).join("; "),
  });
}

/** What to change: each piece of advice and its knob, value and expected gain. */
export function adviceLines(analysis: AnalysisFile, chalk: ChalkInstance): string[] {
  if (analysis.recommendations.length === 0) return [];
  const bold = (text: string): string =>
    text.replace(/\*\*(.+?)\*\*/g, (_, inner: string) => chalk.bold(inner)).replace(/`([^`]+)`/g, "$1");
  return [
    chalk.bold(message("analysis.what-to-change")),
    ...analysis.recommendations.flatMap((r, i) => [`  ${i + 1}. ${bold(r.text)}`, chalk.dim(`     ${adviceLine(r)}`)]),
  ];
}
