import { onlyFinding } from "../store/only-finding.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import type { WatchResult } from "../store/summary-schema.js";
import { markdownCell as cell } from "../util/format.js";
import { adviceLine } from "./advice-text.js";
import { watchRows } from "./watch-report.js";
import { displayCommand } from "../util/display-command.js";

/** summary.md of a watched run: what held the GPU back, the advice, and the numbers behind it. */
export function renderWatchMarkdown(result: WatchResult, analysis: AnalysisFile, pngs: readonly string[] = []): string {
  const s = result.summary;
  const out = [`# gpuprof watch: ${analysis.verdict}`, ""];
  if (pngs.includes("summary.png")) out.push("![gpuprof watch summary](summary.png)", "");
  const finding = onlyFinding(analysis);
  out.push(`${codeSpan(displayCommand(result.command))}, ${s.durationS.toFixed(1)} s, exit ${result.exitCode}.`, "", finding.summary, "");
  const advice = analysis.recommendations;
  if (advice.length > 0) {
    out.push("## What to change", "");
    advice.forEach((r, i) => out.push(`${i + 1}. ${r.text}`, `   <br>_${cell(adviceLine(r))}_`));
    out.push("");
  }
  out.push("## Measured", "", "| series | mean | p5 | p95 |", "|---|---:|---:|---:|");
  for (const r of watchRows(result)) out.push(`| ${cell(r.series)} | ${r.mean} | ${r.p5} | ${r.p95} |`);
  if (pngs.includes("timeline.png")) out.push("", "Chart: [timeline](timeline.png)");
  out.push("");
  return out.join("\n");
}

/** Text in a Markdown code span, shown literally: a fence longer than any backtick run inside, no escaping (code spans show < as <). */
export function codeSpan(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, " ");
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}
