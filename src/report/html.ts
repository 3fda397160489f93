import type { RunAnalysis as Analysis } from "../store/analysis-schema.js";
import { repeatSuffix, trialLabel } from "../harness/plan.js";
import type { RunResults } from "../store/results-schema.js";
import type { ChartSpec } from "./chart-specs.js";
import { consumerText } from "./consumer-text.js";
import { deviceColumns } from "./device-columns.js";
import { share as pct, count as n0 } from "../util/format.js";
import { adviceList, escapeHtml, findingsList, htmlTable, renderHtmlPage } from "./html-page.js";
import { trialNotes } from "./run-text.js";
import { message } from "../messages/catalogue.js";
import { glossaryLine, runGlossaryIds } from "./glossary-text.js";
import { judgedConsumer, loaderLine, loaderPairTable, processTable } from "./torch-text.js";

export { escapeHtml } from "./html-page.js";

/** One self-contained HTML file: verdict and advice first, then the sweep, the charts, the host, the method, the raw results. */
export function renderRunHtml(results: RunResults, analysis: Analysis, charts: ChartSpec[]): string {
  const device = deviceColumns(results);
  const head = [
    "#",
    message("report.col.configuration"),
    message("report.col.samples-per-s"),
    message("report.col.steps-per-s"),
    message("report.col.au"),
    ...device.head,
    message("report.col.stall"),
    message("report.col.wait-p95-ms"),
    message("report.col.load-ms"),
    message("report.col.transport-ms"),
    message("report.col.copied-mb"),
    message("report.col.reads-storage"),
    message("report.col.peak-rss-mib"),
    message("report.col.host-cpu"),
  ];
  const repeated = results.plan.trials.some((p) => p.repeat > 1);
  const rows = results.trials.map((t) => {
    const id = String(t.spec.id);
    const label = escapeHtml(trialLabel(t.spec) + repeatSuffix(t.spec, repeated));
    if (t.status === "failed")
      return [id, label, `<span class="failed">${escapeHtml(message("report.trial.failed", { reason: t.reason }))}</span>`];
    const m = t.metrics;
    const cpu = t.telemetry.cpu;
    const f = (s: { mean: number } | null): string => (s ? s.mean.toFixed(0) : "-");
    return [
      id,
      label,
      n0(m.samplesPerS),
      m.stepsPerS.toFixed(1),
      pct(m.au),
      ...device.cells(t).map(escapeHtml),
      pct(m.stallFraction),
      m.waitMs.p95.toFixed(1),
      m.loadMsPerBatch.mean.toFixed(1),
      // Loading on the training thread moves nothing between threads.
      t.spec.transport === "none" ? "-" : m.transport.msPerBatch.mean.toFixed(2),
      t.spec.transport === "none" ? "-" : (m.transport.bytesCopied / Math.max(1, m.batches) / 1e6).toFixed(1),
      m.reads && m.reads.allBytes > 0
        ? message("report.html.reads", { share: pct(m.reads.storageBytes / m.reads.allBytes), mb: n0(m.reads.allBytes / 1e6) })
        : "-",
      n0(m.peakRssMiB),
      `${f(cpu.userPct)}/${f(cpu.systemPct)}/${f(cpu.iowaitPct)}`,
    ];
  });
  const host = results.host;
  const d = results.dataset;
  const c = judgedConsumer(results);
  const notes = [
    ...results.notes,
    ...[...trialNotes(results)].map(([note, ids]) =>
      message(ids.length === 1 ? "report.note.trial" : "report.note.trials", { note, ids: ids.join(", ") }),
    ),
  ];
  const ram =
    d.fitsInPageCache === null
      ? message("report.html.host.ram.unknown")
      : d.fitsInPageCache
        ? message("report.html.host.ram.fits")
        : message("report.html.host.ram.larger");
  const gpus =
    host.gpus.length === 0
      ? message("report.html.host.no-gpus")
      : host.gpus
          .map((g) =>
            escapeHtml(
              message("report.html.host.gpu", {
                index: String(g.index),
                name: g.name ?? message("report.html.host.gpu.unknown"),
                bus: g.busId ? message("report.html.host.gpu.bus", { bus: g.busId }) : "",
              }),
            ),
          )
          .join(", ");
  const hostLine = message("report.html.host", {
    hostname: escapeHtml(host.hostname),
    cpu: host.cpuModel ? message("report.html.host.cpu", { model: escapeHtml(host.cpuModel) }) : "",
    logical: String(host.logicalCores),
    usable: String(host.usableCores),
    memory: host.memTotalMiB ? message("report.html.host.memory", { mib: n0(host.memTotalMiB) }) : "",
    os: host.os ? message("report.html.host.os", { os: escapeHtml(host.os) }) : "",
    location: escapeHtml(d.location),
    ram,
    gpus,
  });
  const method = message("report.html.method", {
    smi: host.gpus.length > 0 ? message("report.method.smi") : "",
    webgpu: c.kind === "webgpu" ? message("report.method.webgpu") : "",
    modelled: c.modelled.map(escapeHtml).join("; "),
  });
  // The analysis's best: in a run with torch trials, PyTorch's.
  const bestId = analysis.answer.best?.trialId ?? results.bestTrialId;
  const pairs = loaderPairTable(results, analysis.answer);
  const processes = processTable(results);
  const loader = loaderLine(results);
  const sections = [
    {
      heading: message("report.heading.what-to-change"),
      html: adviceList(analysis.recommendations, message("report.html.no-advice")),
    },
    { heading: message("report.heading.findings"), html: findingsList(analysis.findings) },
    {
      heading: message("report.heading.sweep"),
      html: htmlTable(head, rows, (i) => (results.trials[i]!.spec.id === bestId ? "best" : "")),
    },
    ...(pairs
      ? [
          {
            heading: message("report.heading.loaders"),
            html: htmlTable(
              pairs.head,
              pairs.rows.map((r) => r.map(escapeHtml)),
            ),
          },
        ]
      : []),
    ...(processes
      ? [
          {
            heading: message("report.heading.processes"),
            html: `<p>${escapeHtml(message("report.processes.intro"))}</p>\n${htmlTable(
              processes.head,
              processes.rows.map((r) => r.map(escapeHtml)),
            )}`,
          },
        ]
      : []),
    ...(notes.length > 0
      ? [{ heading: message("report.heading.notes"), html: `<ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("\n")}</ul>` }]
      : []),
    { heading: message("report.heading.host"), html: `<p>${hostLine}</p>` + (loader ? `\n<p>${escapeHtml(loader)}</p>` : "") },
    {
      heading: message("report.heading.method"),
      html: (c.kind === "webgpu" ? `<p>${escapeHtml(consumerText(c))}</p>\n` : "") + `<p>${method}</p>`,
    },
  ];
  return renderHtmlPage({
    title: message("report.html.title", { verdict: analysis.headline }),
    subtitle: message("report.html.subtitle", {
      trials: String(results.trials.length),
      host: host.hostname,
      dataset: d.label,
      count: String(d.count),
      shape: d.sampleShape.join("x"),
      started: results.startedAt,
    }),
    key: glossaryLine(runGlossaryIds(results)),
    sections,
    charts,
    chartsBefore: message("report.heading.host"),
    raw: results,
    rawName: "results.json",
  });
}
