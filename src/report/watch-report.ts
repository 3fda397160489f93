import { onlyFinding } from "../store/only-finding.js";
import { message } from "../messages/catalogue.js";
import { glossaryLine } from "./glossary-text.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import type { WatchResult } from "../store/summary-schema.js";
import type { RunFiles } from "../store/run-files.js";
import type { ChartSpec } from "./chart-specs.js";
import { adviceList, escapeHtml, findingsList, htmlTable, renderHtmlPage } from "./html-page.js";
import { chartPng, summaryCardPng, type CardText } from "./png.js";
import { displayCommand } from "../util/display-command.js";

/** What the advice list says when it is empty: nothing to change only when nothing is wrong. */
export function noAdvice(analysis: AnalysisFile): string {
  return message(`watch.no-advice.${onlyFinding(analysis).verdict}`);
}

/** The measured series of a watched run as rows: name and time-weighted mean, p5, p95. */
export function watchRows(result: WatchResult): { series: string; mean: string; p5: string; p95: string }[] {
  const s = result.summary;
  const fmt = (v: number | undefined): string => (v === undefined ? message("watch.report.n-a") : v.toFixed(1));
  const row = (series: string, st: { mean: number; p5: number; p95: number } | null | undefined) => ({
    series,
    mean: fmt(st?.mean),
    p5: fmt(st?.p5),
    p95: fmt(st?.p95),
  });
  return [
    ...s.gpus.map((g) =>
      row(
        message("watch.report.series.gpu", { index: String(g.index), name: g.name ?? message("watch.report.series.gpu.unknown") }),
        g.utilPct,
      ),
    ),
    row(message("watch.report.series.user"), s.cpu.userPct),
    row(message("watch.report.series.system"), s.cpu.systemPct),
    row(message("watch.report.series.iowait"), s.cpu.iowaitPct),
    row(message("watch.report.series.read"), s.io.procReadMBPerS),
    row(message("watch.report.series.storage"), s.io.procStorageReadMBPerS),
  ];
}

function card(analysis: AnalysisFile): CardText {
  const finding = onlyFinding(analysis);
  return {
    headline: message("watch.report.card.headline", { verdict: analysis.verdict }),
    tone: finding.verdict === "none" ? "good" : finding.verdict === "issue" ? "bad" : "unknown",
    advice: [finding.summary, ...analysis.recommendations.map((r) => r.text)],
  };
}

/** summary.png and timeline.png of a watched run; returns the file names written. */
export async function writeWatchPngs(
  files: RunFiles,
  result: WatchResult,
  analysis: AnalysisFile,
  chart: ChartSpec | null,
): Promise<string[]> {
  const subtitle = message("watch.report.run", {
    command: displayCommand(result.command).slice(0, 90),
    duration: result.summary.durationS.toFixed(1),
    code: String(result.exitCode),
  });
  files.writeBytes("summary.png", await summaryCardPng(card(analysis), chart, subtitle));
  if (!chart) return ["summary.png"];
  files.writeBytes("timeline.png", await chartPng(chart, 1200, 500));
  return ["summary.png", "timeline.png"];
}

/** report.html of a watched run: the verdict and advice, the measured series, the timeline, the notes. */
export function renderWatchHtml(result: WatchResult, analysis: AnalysisFile, chart: ChartSpec | null): string {
  const rows = watchRows(result).map((r) => [escapeHtml(r.series), r.mean, r.p5, r.p95]);
  const notesHeading = message("report.heading.notes");
  const notes = result.notes.map((n) => `<li>${escapeHtml(`${n.source}: ${n.message}`)}</li>`);
  return renderHtmlPage({
    title: message("watch.report.title", { verdict: analysis.verdict }),
    subtitle: message("watch.report.html.subtitle", {
      command: displayCommand(result.command),
      duration: result.summary.durationS.toFixed(1),
      code: String(result.exitCode),
      started: result.startedAt,
    }),
    key: glossaryLine(["glossary.p5", "glossary.smi"]),
    sections: [
      { heading: message("report.heading.verdict"), html: findingsList(analysis.findings) },
      { heading: message("report.heading.what-to-change"), html: adviceList(analysis.recommendations, noAdvice(analysis)) },
      {
        heading: message("watch.report.heading.measured"),
        html: htmlTable(
          [
            "#",
            message("watch.report.col.series"),
            message("watch.report.col.mean"),
            message("watch.report.col.p5"),
            message("watch.report.col.p95"),
          ],
          rows.map((r, i) => [String(i + 1), ...r]),
        ),
      },
      ...(notes.length > 0 ? [{ heading: notesHeading, html: `<ul>${notes.join("\n")}</ul>` }] : []),
      {
        heading: message("report.heading.method"),
        html: `<p>${message("watch.report.method", { interval: String(result.intervalMs), procIo: escapeHtml("/proc/<pid>/io") })}</p>`,
      },
    ],
    charts: chart ? [chart] : [],
    chartsBefore: notesHeading,
    raw: result,
    rawName: "summary.json",
  });
}
