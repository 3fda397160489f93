import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Recommendation } from "../store/analysis-schema.js";
import type { Finding } from "../store/analysis-schema.js";
import { adviceLine } from "./advice-text.js";
import type { ChartSpec } from "./chart-specs.js";
import { message } from "../messages/catalogue.js";
import { findingState } from "./glossary-text.js";

/** Text from the user or the machine (paths, dataset and GPU names, commands) as HTML text: never markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** JSON inside a <script> element: "</script>" and "<!--" must not appear in it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The advice is Markdown from our templates: escape it, then allow only bold and code. */
export function inlineMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
    .replace(/`([^`]+)`/g, "<code>$1</code>");
}

let chartJsSource: string | null = null;
function chartJs(): string {
  if (chartJsSource === null) {
    const require = createRequire(import.meta.url);
    // Inlined, so the report works offline and as a pull-request attachment: no network requests.
    chartJsSource = readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.min.js"), "utf8");
  }
  return chartJsSource;
}

/** A table of rows of already-escaped cells; the first column of text aligns left. */
export function htmlTable(head: string[], rows: string[][], rowClass: (i: number) => string = () => ""): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows.map(
    (cells, i) => `<tr${rowClass(i) ? ` class="${rowClass(i)}"` : ""}>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`,
  );
  return `<table><thead><tr>${th}</tr></thead>\n<tbody>\n${body.join("\n")}\n</tbody></table>`;
}

export function findingsList(findings: readonly Finding[]): string {
  const items = findings.map(
    (f) =>
      `<li class="${f.verdict}"><strong>${escapeHtml(f.title)}</strong> <span class="tag">${escapeHtml(findingState(f))}</span>: ${escapeHtml(f.summary)}</li>`,
  );
  return `<ul>${items.join("\n")}</ul>`;
}

export function adviceList(recommendations: readonly Recommendation[], none: string): string {
  const items = recommendations.map((r) => `<li>${inlineMarkdown(r.text)}<br><span class="knob">${escapeHtml(adviceLine(r))}</span></li>`);
  return `<ol>${items.join("\n") || `<li>${escapeHtml(none)}</li>`}</ol>`;
}

export interface HtmlPage {
  title: string;
  subtitle: string;
  /** The abbreviations the page uses, spelled out under the subtitle (glossaryLine). */
  key?: string;
  /** In order; `html` is already escaped markup. */
  sections: { heading: string; html: string }[];
  charts: ChartSpec[];
  /** Where the charts go among the sections: before the first section whose heading starts so (at the end when none does). */
  chartsBefore?: string;
  raw: unknown;
  rawName: string;
}

function canvases(charts: readonly ChartSpec[]): string {
  return charts
    .map((c) => `<figure><canvas id="chart-${escapeHtml(c.id)}" width="1000" height="${c.height ?? 480}"></canvas></figure>`)
    .join("\n");
}

/**
 * One self-contained HTML file: no network requests (Chart.js inlined), every machine or user string
 * escaped, the raw results embedded for download. Trial windows in a chart's spec are shaded, as in the PNGs.
 */
export function renderHtmlPage(page: HtmlPage): string {
  const charts = page.charts.length > 0 ? { heading: message("report.heading.charts"), html: canvases(page.charts) } : null;
  const at = page.chartsBefore ? page.sections.findIndex((s) => s.heading.startsWith(page.chartsBefore!)) : -1;
  const sections = [...page.sections];
  if (charts) sections.splice(at < 0 ? sections.length : at, 0, charts);
  const body = sections.map((s) => `<h2>${escapeHtml(s.heading)}</h2>\n${s.html}`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>
body { font-family: "DejaVu Sans", system-ui, sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { margin-bottom: 0.2rem; } .sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; } th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: right; } th:nth-child(2), td:nth-child(2) { text-align: left; }
tr.best { font-weight: bold; background: #eef8ee; } td.failed { color: #b00; text-align: left; }
li.issue { color: #8a3b00; } li.none { color: #1f5f1f; } li.insufficient-data { color: #666; } .tag, .knob, .key { font-size: 0.8rem; color: #777; }
figure { margin: 1rem 0; } canvas { max-width: 100%; } code { background: #f3f3f3; padding: 0 3px; }
</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
<p class="sub">${escapeHtml(page.subtitle)}</p>
${page.key ? `<p class="key">${escapeHtml(page.key)}</p>\n` : ""}${body}
<p><a id="download" href="#" download="${escapeHtml(page.rawName)}">${escapeHtml(message("report.html.download", { name: page.rawName }))}</a></p>
<script type="application/json" id="results-json">${scriptJson(page.raw)}</script>
<script>${chartJs()}</script>
<script>
(function () {
  var specs = ${scriptJson(page.charts)};
  var drawn = 0, shaded = 0;
  function shading(spans) {
    var counted = false;
    return {
      id: "spanShading",
      beforeDatasetsDraw: function (chart) {
        var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
        ctx.save();
        if (!counted) { shaded += spans.length; counted = true; document.body.setAttribute("data-spans-shaded", String(shaded)); }
        spans.forEach(function (span, i) {
          ctx.fillStyle = i % 2 === 0 ? "rgba(0,0,0,0.06)" : "rgba(0,0,0,0.12)";
          var left = x.getPixelForValue(span.startS), right = x.getPixelForValue(span.endS);
          ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
          if (span.label && ctx.measureText(span.label).width + 4 < right - left) {
            ctx.fillStyle = "#555555";
            ctx.font = "11px sans-serif";
            ctx.fillText(span.label, left + 2, area.top + 12);
          }
        });
        ctx.restore();
      }
    };
  }
  specs.forEach(function (spec) {
    var canvas = document.getElementById("chart-" + spec.id);
    if (!canvas) return;
    spec.config.options = Object.assign({}, spec.config.options, { animation: false, responsive: false });
    spec.config.plugins = spec.spans && spec.spans.length ? [shading(spec.spans)] : [];
    new Chart(canvas, spec.config);
    drawn++;
  });
  document.body.setAttribute("data-charts-drawn", String(drawn));
  var raw = document.getElementById("results-json").textContent;
  document.getElementById("download").href = URL.createObjectURL(new Blob([raw], { type: "application/json" }));
})();
</script>
</body>
</html>
`;
}
