import type { RunAnalysis as Analysis } from "../store/analysis-schema.js";
import { repeatSuffix, trialLabel } from "../harness/plan.js";
import type { RunResults } from "../store/results-schema.js";
import type { ChartSpec } from "./chart-specs.js";
import { consumerText } from "./consumer-text.js";
import { deviceColumns } from "./device-columns.js";
import { share as pct, count as n0 } from "../util/format.js";
import { adviceList, escapeHtml, findingsList, htmlTable, renderHtmlPage } from "./html-page.js";
import { trialNotes } from "./run-text.js";

export { escapeHtml } from "./html-page.js";

/** One self-contained HTML file: verdict and advice first, then the sweep, the charts, the host, the method, the raw results. */
export function renderRunHtml(results: RunResults, analysis: Analysis, charts: ChartSpec[]): string {
  const device = deviceColumns(results);
  const head = [
    "#",
    "configuration",
    "samples/s",
    "steps/s",
    "AU",
    ...device.head,
    "stall",
    "wait p95 ms",
    "load ms/batch",
    "transport ms/batch",
    "copied MB/batch",
    "reads: storage share",
    "peak RSS MiB",
    "host CPU us/sy/wa %",
  ];
  const repeated = results.plan.trials.some((p) => p.repeat > 1);
  const rows = results.trials.map((t) => {
    const id = String(t.spec.id);
    const label = escapeHtml(trialLabel(t.spec) + repeatSuffix(t.spec, repeated));
    if (t.status === "failed") return [id, label, `<span class="failed">failed: ${escapeHtml(t.reason)}</span>`];
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
      m.reads && m.reads.allBytes > 0 ? `${pct(m.reads.storageBytes / m.reads.allBytes)} of ${n0(m.reads.allBytes / 1e6)} MB` : "-",
      n0(m.peakRssMiB),
      `${f(cpu.userPct)}/${f(cpu.systemPct)}/${f(cpu.iowaitPct)}`,
    ];
  });
  const host = results.host;
  const d = results.dataset;
  const c = results.consumer;
  const notes = [
    ...results.notes,
    ...[...trialNotes(results)].map(([n, ids]) => `${n} (trial${ids.length === 1 ? "" : "s"} ${ids.join(", ")})`),
  ];
  const sections = [
    { heading: "What to change", html: adviceList(analysis.recommendations, "Nothing: the loader keeps up.") },
    { heading: "Findings", html: findingsList(analysis.findings) },
    { heading: "Sweep", html: htmlTable(head, rows, (i) => (results.trials[i]!.spec.id === results.bestTrialId ? "best" : "")) },
    ...(notes.length > 0 ? [{ heading: "Notes", html: `<ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("\n")}</ul>` }] : []),
    {
      heading: "Host",
      html: `<p>${escapeHtml(host.hostname)}: ${host.cpuModel ? `${escapeHtml(host.cpuModel)}, ` : ""}${host.logicalCores} logical cores, ${host.usableCores} usable${host.memTotalMiB ? `, ${n0(host.memTotalMiB)} MiB memory` : ""}${host.os ? `, ${escapeHtml(host.os)}` : ""}; dataset ${escapeHtml(d.location)}, ${d.fitsInPageCache === null ? "page cache size unknown" : d.fitsInPageCache ? "fits in RAM" : "larger than free RAM"}; GPUs: ${host.gpus.length === 0 ? "none" : host.gpus.map((g) => escapeHtml(`${g.index}: ${g.name ?? "unknown"}${g.busId ? ` (${g.busId})` : ""}`)).join(", ")}.</p>`,
    },
    {
      heading: "Method",
      html:
        (c.kind === "webgpu" ? `<p>${escapeHtml(consumerText(c))}</p>\n` : "") +
        `<p>Measured on this machine: when each batch arrived, the waits, load and transport times, CPU and I/O from /proc${host.gpus.length > 0 ? ", GPU utilisation from nvidia-smi" : ""}${c.kind === "webgpu" ? ", host-to-device copies and device time on the GPU" : ""}. Modelled, not measured: ${c.modelled.map(escapeHtml).join("; ")}. AU is device-busy time over wall time in each trial's window, warm-up excluded.</p>`,
    },
  ];
  return renderHtmlPage({
    title: `gpuprof: ${analysis.verdict}`,
    subtitle: `${results.trials.length} trials on ${host.hostname}, dataset ${d.label} (${d.count} samples of ${d.sampleShape.join("x")}), ${results.startedAt}`,
    sections,
    charts,
    chartsBefore: "Host",
    raw: results,
    rawName: "results.json",
  });
}
