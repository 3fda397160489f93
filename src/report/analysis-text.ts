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
  const bold = (text: string): string =>
    text.replace(/\*\*(.+?)\*\*/g, (_, inner: string) => chalk.bold(inner)).replace(/`([^`]+)`/g, "$1");
  const lines = [
    ...(key && analysis.source === "run" ? [chalk.dim(glossaryLine(["glossary.au"]))] : []),
    chalk.bold(message("analysis.diagnosis", { verdict: analysis.headline })),
  ];
  for (const f of analysis.findings) {
    const mark = f.verdict === "issue" ? chalk.yellow("!") : f.verdict === "none" ? chalk.green("ok") : chalk.dim("?");
    lines.push(`  ${mark} ${f.title}: ${f.summary}${f.basis === "measured" ? "" : chalk.dim(` [${f.basis}]`)}`);
  }
  if (analysis.recommendations.length > 0) {
    lines.push(chalk.bold(message("analysis.what-to-change")));
    analysis.recommendations.forEach((r, i) => lines.push(`  ${i + 1}. ${bold(r.text)}`, chalk.dim(`     ${adviceLine(r)}`)));
  }
  return lines.join("\n") + "\n";
}
