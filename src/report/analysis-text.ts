import type { ChalkInstance } from "chalk";
import { message } from "../messages/catalogue.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import { adviceLine } from "./advice-text.js";

/** The diagnosis and the advice for a terminal; Markdown emphasis becomes bold. */
export function renderAnalysis(analysis: AnalysisFile, chalk: ChalkInstance): string {
  const bold = (text: string): string =>
    text.replace(/\*\*(.+?)\*\*/g, (_, inner: string) => chalk.bold(inner)).replace(/`([^`]+)`/g, "$1");
  const lines = [chalk.bold(message("analysis.diagnosis", { verdict: analysis.verdict }))];
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
