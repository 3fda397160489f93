import { onlyFinding } from "../store/only-finding.js";
import { message } from "../messages/catalogue.js";
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
  const fmt = (v: number | undefined): string => (v === undefined ? "n/a" : v.toFixed(1));
  const row = (series: string, st: { mean: number; p5: number; p95: number } | null | undefined) => ({
    series,
    mean: fmt(st?.mean),
    p5: fmt(st?.p5),
    p95: fmt(st?.p95),
  });
  return [
    ...s.gpus.map((g) => row(`GPU ${g.index} util % (${g.name ?? "unknown"})`, g.utilPct)),
    row("CPU user %", s.cpu.userPct),
    row("CPU system %", s.cpu.systemPct),
    row("CPU iowait %", s.cpu.iowaitPct),
    row("read MB/s (the command)", s.io.procReadMBPerS),
    row("storage read MB/s (the command)", s.io.procStorageReadMBPerS),
  ];
}

function card(analysis: AnalysisFile): CardText {
  const finding = onlyFinding(analysis);
  return {
    headline: `watch: ${analysis.verdict}`,
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
  const subtitle = `${displayCommand(result.command).slice(0, 90)}: ${result.summary.durationS.toFixed(1)} s, exit ${result.exitCode}`;
  files.writeBytes("summary.png", await summaryCardPng(card(analysis), chart, subtitle));
  if (!chart) return ["summary.png"];
  files.writeBytes("timeline.png", await chartPng(chart, 1200, 500));
  return ["summary.png", "timeline.png"];
}

/** report.html of a watched run: the verdict and advice, the measured series, the timeline, the notes. */
export function renderWatchHtml(result: WatchResult, analysis: AnalysisFile, chart: ChartSpec | null): string {
  const rows = watchRows(result).map((r) => [escapeHtml(r.series), r.mean, r.p5, r.p95]);
  const notes = result.notes.map((n) => `<li>${escapeHtml(`${n.source}: ${n.message}`)}</li>`);
  return renderHtmlPage({
    title: `gpuprof watch: ${analysis.verdict}`,
    subtitle: `${displayCommand(result.command)}: ${result.summary.durationS.toFixed(1)} s, exit ${result.exitCode}, ${result.startedAt}`,
    sections: [
      { heading: "Verdict", html: findingsList(analysis.findings) },
      { heading: "What to change", html: adviceList(analysis.recommendations, noAdvice(analysis)) },
      {
        heading: "Measured",
        html: htmlTable(
          ["#", "series", "mean", "p5", "p95"],
          rows.map((r, i) => [String(i + 1), ...r]),
        ),
      },
      ...(notes.length > 0 ? [{ heading: "Notes", html: `<ul>${notes.join("\n")}</ul>` }] : []),
      {
        heading: "Method",
        html: `<p>Sampled every ${result.intervalMs} ms for the command's whole life: CPU from /proc/stat, the command's reads from /proc/&lt;pid&gt;/io (its whole process tree), GPU utilisation from one long-running nvidia-smi. Means are time-weighted.</p>`,
      },
    ],
    charts: chart ? [chart] : [],
    chartsBefore: "Notes",
    raw: result,
    rawName: "summary.json",
  });
}
