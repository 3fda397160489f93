import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { analyseH5 } from "../../src/analysis/analyse-h5.js";
import { analyseWatch } from "../../src/analysis/analyse-watch.js";
import { renderedMessageIds } from "../../src/messages/catalogue.js";
import { STUDY_FINDING_MESSAGES } from "../../src/messages/study-findings.js";
import { renderH5Markdown } from "../../src/report/h5-markdown.js";
import { renderH5Html } from "../../src/report/h5-report.js";
import { renderH5Results, renderH5Verdict } from "../../src/report/h5-text.js";
import { escapeHtml, inlineMarkdown } from "../../src/report/html-page.js";
import { renderWatchMarkdown } from "../../src/report/watch-markdown.js";
import { renderWatchHtml } from "../../src/report/watch-report.js";
import { AnalysisFileSchema, type AnalysisFile } from "../../src/store/analysis-schema.js";
import { tempDir } from "../helpers.js";
import { h5Cases, watchCases } from "./study-cases.js";

const plain = new Chalk({ level: 0 });
/** Advice as the terminal prints it: Markdown bold and code spans shown as their text. */
const terminalText = (markdown: string): string => markdown.replace(/\*\*(.+?)\*\*/g, "$1").replace(/`([^`]+)`/g, "$1");
/** The page a reader sees: the inlined Chart.js and the embedded raw results left out. */
const htmlBody = (html: string): string => html.split("<script")[0]!;

type Format = { name: string; text: string; shows: (markdown: string) => string };

/** Each format shows the finding's summary and every piece of advice, and nothing unfilled. */
function expectEveryFormatShows(analysis: AnalysisFile, formats: Format[]): void {
  const finding = analysis.findings[0]!;
  for (const format of formats) {
    const label = `${analysis.source} ${format.name}`;
    expect(format.text, label).toContain(format.name === "HTML" ? escapeHtml(finding.summary) : finding.summary);
    for (const r of analysis.recommendations) expect(format.text, label).toContain(format.shows(r.text));
    expect(format.text, label).not.toMatch(/\{\{|undefined|NaN/);
  }
}

const h5 = Object.entries(h5Cases()).map(([name, results]) => ({ name, results, analysis: analyseH5(results) }));
const watch = Object.entries(watchCases()).map(([name, run]) => ({ name, ...run, analysis: analyseWatch(run.result, run.samples) }));

describe("the h5 and watch messages", () => {
  it.each(h5)("h5, $name: the artifact parses, and every format shows its summary and advice", ({ results, analysis }) => {
    expect(AnalysisFileSchema.parse(JSON.parse(JSON.stringify(analysis)))).toEqual(analysis);
    expect(analysis).toMatchObject({ kind: "gpuprof.analysis", source: "h5", thresholds: null, answer: null });
    expect(analysis.findings).toHaveLength(1);
    const terminal = renderH5Results(results, tempDir(), "/", plain, analysis) + renderH5Verdict(analysis, plain);
    expectEveryFormatShows(analysis, [
      { name: "terminal", text: terminal, shows: terminalText },
      { name: "Markdown", text: renderH5Markdown(results, analysis, ["summary.png", "hitrate.png"]), shows: (t) => t },
      { name: "HTML", text: htmlBody(renderH5Html(results, analysis)), shows: inlineMarkdown },
    ]);
    expect(terminal).toContain(`Verdict: ${analysis.verdict}`);
  });

  it.each(watch)("watch, $name: the artifact parses, and every format shows its summary and advice", ({ result, analysis }) => {
    expect(AnalysisFileSchema.parse(JSON.parse(JSON.stringify(analysis)))).toEqual(analysis);
    expect(analysis).toMatchObject({ kind: "gpuprof.analysis", source: "watch", thresholds: null, answer: null });
    expect(analysis.findings).toHaveLength(1);
    // The watch command's terminal summary shows the telemetry and the summary line, not the advice: summary.md and report.html carry it.
    expectEveryFormatShows(analysis, [
      { name: "Markdown", text: renderWatchMarkdown(result, analysis, ["summary.png"]), shows: (t) => t },
      { name: "HTML", text: htmlBody(renderWatchHtml(result, analysis, null)), shows: inlineMarkdown },
    ]);
  });

  it("reaches every verdict of both detectors", () => {
    expect(new Set(h5.map((c) => c.analysis.findings[0]!.verdict))).toEqual(new Set(["none", "issue", "insufficient-data"]));
    expect(new Set(watch.map((c) => c.analysis.findings[0]!.evidence["kind"]))).toEqual(
      new Set([
        "compute-bound",
        "cpu-bound input",
        "io-bound input",
        "periodic stalls",
        "gpu underused",
        "gpu not used",
        "no gpu utilisation",
        "no gpu",
      ]),
    );
  });

  // Last: the cases above render every message between them.
  it("renders every h5. and watch. message at least once", () => {
    const rendered = renderedMessageIds();
    const missing = Object.keys(STUDY_FINDING_MESSAGES).filter(
      (id) => (id.startsWith("h5.") || id.startsWith("watch.")) && !rendered.has(id as keyof typeof STUDY_FINDING_MESSAGES),
    );
    expect(missing, `never rendered: ${missing.join(", ")}`).toEqual([]);
  });
});
