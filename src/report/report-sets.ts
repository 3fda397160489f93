import type { AnalysisFile, RunAnalysis } from "../store/analysis-schema.js";
import type { H5Results } from "../store/h5-results-schema.js";
import type { RunResults } from "../store/results-schema.js";
import type { WatchResult } from "../store/summary-schema.js";
import type { TimelineSpan } from "../store/timeline-schema.js";
import type { Sample } from "../telemetry/types.js";
import { timelineChart } from "./chart-specs.js";
import { renderH5Markdown } from "./h5-markdown.js";
import { renderH5Html, writeH5Pngs } from "./h5-report.js";
import { renderRunHtml } from "./html.js";
import { renderRunMarkdown } from "./markdown.js";
import { runCharts, writeRunPngs } from "./run-pngs.js";
import { renderWatchMarkdown } from "./watch-markdown.js";
import { renderWatchHtml, writeWatchPngs } from "./watch-report.js";
import type { ReportRenderers } from "./write-reports.js";

/** A run's reports; the chart specs are built once for the PNGs and the HTML alike. */
export function runRenderers(
  results: RunResults,
  analysis: RunAnalysis,
  timeline: { samples: readonly Sample[]; spans: readonly TimelineSpan[] } | null,
): ReportRenderers {
  const charts = runCharts(results, analysis, timeline);
  return {
    analysis,
    pngs: (files) => writeRunPngs(files, results, analysis, charts),
    markdown: (pngs) => renderRunMarkdown(results, analysis, pngs),
    html: () => renderRunHtml(results, analysis, charts),
  };
}

export function h5Renderers(results: H5Results, analysis: AnalysisFile): ReportRenderers {
  return {
    analysis,
    pngs: (files) => writeH5Pngs(files, results, analysis),
    markdown: (pngs) => renderH5Markdown(results, analysis, pngs),
    html: () => renderH5Html(results, analysis),
  };
}

/** A watched run's reports; the PNGs and the HTML page draw the same timeline. */
export function watchRenderers(result: WatchResult, analysis: AnalysisFile, samples: readonly Sample[]): ReportRenderers {
  const chart = timelineChart(samples, []);
  return {
    analysis,
    pngs: (files) => writeWatchPngs(files, result, analysis, chart),
    markdown: (pngs) => renderWatchMarkdown(result, analysis, pngs),
    html: () => renderWatchHtml(result, analysis, chart),
  };
}
