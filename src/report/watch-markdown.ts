import { onlyFinding } from "../store/only-finding.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import type { WatchResult } from "../store/summary-schema.js";
import { markdownCell as cell } from "../util/format.js";
import { adviceLine } from "./advice-text.js";
import { watchRows } from "./watch-report.js";
import { message } from "../messages/catalogue.js";
import { glossaryLine } from "./glossary-text.js";
import { displayCommand } from "../util/display-command.js";

/** summary.md of a watched run: what held the GPU back, the advice, and the numbers behind it. */
export function renderWatchMarkdown(result: WatchResult, analysis: AnalysisFile, pngs: readonly string[] = []): string {
  const s = result.summary;
  const out = [`# ${message("watch.report.title", { verdict: analysis.verdict })}`, ""];
  if (pngs.includes("summary.png")) out.push(`![${message("watch.report.summary-alt")}](summary.png)`, "");
  const finding = onlyFinding(analysis);
  const run = message("watch.report.md.run", {
    command: codeSpan(displayCommand(result.command)),
    duration: s.durationS.toFixed(1),
    code: String(result.exitCode),
  });
  out.push(run, "", glossaryLine(["glossary.p5", "glossary.smi"]), "", finding.summary, "");
  const advice = analysis.recommendations;
  if (advice.length > 0) {
    out.push(`## ${message("report.heading.what-to-change")}`, "");
    advice.forEach((r, i) => out.push(`${i + 1}. ${r.text}`, `   <br>_${cell(adviceLine(r))}_`));
    out.push("");
  }
  const head = ["watch.report.col.series", "watch.report.col.mean", "watch.report.col.p5", "watch.report.col.p95"] as const;
  out.push(
    `## ${message("watch.report.heading.measured")}`,
    "",
    `| ${head.map((id) => message(id)).join(" | ")} |`,
    "|---|---:|---:|---:|",
  );
  for (const r of watchRows(result)) out.push(`| ${cell(r.series)} | ${r.mean} | ${r.p5} | ${r.p95} |`);
  if (pngs.includes("timeline.png")) out.push("", message("watch.report.chart", { links: "[timeline](timeline.png)" }));
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
