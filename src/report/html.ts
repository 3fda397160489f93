import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Analysis } from "../analysis/analyse.js";
import { trialLabel } from "../harness/plan.js";
import type { RunResults } from "../store/results-schema.js";
import type { ChartSpec } from "./chart-specs.js";
import { share as pct, count as n0 } from "./format.js";
import { consumerText } from "./consumer-text.js";
import { deviceColumns } from "./device-columns.js";

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
function inlineMarkdown(text: string): string {
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

/** One self-contained HTML file: verdict and advice first, then the sweep, the charts, the host, the method, the raw results. */
export function renderRunHtml(results: RunResults, analysis: Analysis, charts: ChartSpec[]): string {
  const device = deviceColumns(results);
  const rows = results.trials
    .map((t) => {
      const best = t.spec.id === results.bestTrialId ? ' class="best"' : "";
      if (t.status === "failed")
        return `<tr><td>${t.spec.id}</td><td>${escapeHtml(trialLabel(t.spec))}</td><td colspan="${6 + device.head.length}" class="failed">failed: ${escapeHtml(t.reason)}</td></tr>`;
      const m = t.metrics;
      const cpu = t.telemetry.cpu;
      const f = (s: { mean: number } | null): string => (s ? s.mean.toFixed(0) : "-");
      return `<tr${best}><td>${t.spec.id}</td><td>${escapeHtml(trialLabel(t.spec))}</td><td>${n0(m.samplesPerS)}</td><td>${m.stepsPerS.toFixed(1)}</td><td>${pct(m.au)}</td>${device
        .cells(t)
        .map((c) => `<td>${escapeHtml(c)}</td>`)
        .join(
          "",
        )}<td>${pct(m.stallFraction)}</td><td>${m.waitMs.p95.toFixed(1)}</td><td>${f(cpu.userPct)}/${f(cpu.systemPct)}/${f(cpu.iowaitPct)}</td></tr>`;
    })
    .join("\n");
  const findings = analysis.findings
    .map(
      (f) =>
        `<li class="${f.verdict}"><strong>${escapeHtml(f.title)}</strong> <span class="tag">${escapeHtml(f.verdict)}, ${escapeHtml(f.basis)}</span>: ${escapeHtml(f.summary)}</li>`,
    )
    .join("\n");
  const advice = analysis.recommendations.map((r) => `<li>${inlineMarkdown(r.text)}</li>`).join("\n");
  const canvases = charts
    .map(
      (c) =>
        `<figure><canvas id="chart-${escapeHtml(c.id)}" width="1000" height="${c.id === "stall" ? Math.max(300, 120 + 28 * results.trials.length) : 480}"></canvas></figure>`,
    )
    .join("\n");
  const host = results.host;
  const d = results.dataset;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gpuprof: ${escapeHtml(analysis.diagnosis)}</title>
<style>
body { font-family: "DejaVu Sans", system-ui, sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { margin-bottom: 0.2rem; } .sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; } th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: right; } th:nth-child(2), td:nth-child(2) { text-align: left; }
tr.best { font-weight: bold; background: #eef8ee; } td.failed { color: #b00; text-align: left; }
li.issue { color: #8a3b00; } li.none { color: #1f5f1f; } li.insufficient-data { color: #666; } .tag { font-size: 0.8rem; color: #777; }
figure { margin: 1rem 0; } canvas { max-width: 100%; } code { background: #f3f3f3; padding: 0 3px; }
</style>
</head>
<body>
<h1>gpuprof: ${escapeHtml(analysis.diagnosis)}</h1>
<p class="sub">${results.trials.length} trials on ${escapeHtml(host.hostname)}, dataset ${escapeHtml(d.label)} (${d.count} samples of ${d.sampleShape.join("x")}), ${escapeHtml(results.startedAt)}</p>
<h2>What to change</h2>
<ol>${advice || "<li>Nothing: the loader keeps up.</li>"}</ol>
<h2>Findings</h2>
<ul>${findings}</ul>
<h2>Sweep</h2>
<table><thead><tr><th>#</th><th>configuration</th><th>samples/s</th><th>steps/s</th><th>AU</th>${device.head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}<th>stall</th><th>wait p95 ms</th><th>host CPU us/sy/wa %</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Charts</h2>
${canvases}
<h2>Host</h2>
<p>${escapeHtml(host.hostname)}: ${host.logicalCores} logical cores, ${host.usableCores} usable${host.memTotalMiB ? `, ${n0(host.memTotalMiB)} MiB memory` : ""}; GPUs: ${host.gpus.length === 0 ? "none" : host.gpus.map((g) => escapeHtml(g.name ?? `GPU ${g.index}`)).join(", ")}.</p>
<h2>Method</h2>
${results.consumer.kind === "webgpu" ? `<p>${escapeHtml(consumerText(results.consumer))}</p>` : ""}
<p>Measured on this machine: when each batch arrived, the waits, load and transport times, CPU and I/O from /proc${host.gpus.length > 0 ? ", GPU utilisation from nvidia-smi" : ""}${results.consumer.kind === "webgpu" ? ", host-to-device copies and device time on the GPU" : ""}. Modelled, not measured: ${results.consumer.modelled.map(escapeHtml).join("; ")}. AU is device-busy time over wall time in each trial's window, warm-up excluded.</p>
<p><a id="download" href="#" download="results.json">Download the raw results (results.json)</a></p>
<script type="application/json" id="results-json">${scriptJson(results)}</script>
<script>${chartJs()}</script>
<script>
(function () {
  var specs = ${scriptJson(charts)};
  var drawn = 0;
  specs.forEach(function (spec) {
    var canvas = document.getElementById("chart-" + spec.id);
    if (!canvas) return;
    spec.config.options = Object.assign({}, spec.config.options, { animation: false, responsive: false });
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
