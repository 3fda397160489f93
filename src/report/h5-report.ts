import { onlyFinding } from "../store/only-finding.js";
import { warmPhrase } from "../messages/warm-phrase.js";
import { message } from "../messages/catalogue.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import type { H5Results } from "../store/h5-results-schema.js";
import type { RunFiles } from "../store/run-files.js";
import { formatSize } from "../util/sizes.js";
import { bytes, count as n0, share as pct } from "../util/format.js";
import { h5Charts, h5FileLabel, hitRateChart } from "./h5-charts.js";
import { adviceList, escapeHtml, findingsList, htmlTable, renderHtmlPage } from "./html-page.js";
import { chartPng, summaryCardPng, type CardText } from "./png.js";

function card(analysis: AnalysisFile): CardText {
  const finding = onlyFinding(analysis);
  return {
    headline: `h5: ${analysis.verdict}`,
    tone: finding.verdict === "none" ? "good" : finding.verdict === "issue" ? "bad" : "unknown",
    advice: [finding.summary, ...analysis.recommendations.map((r) => r.text)],
  };
}

/** summary.png (the card for a pull request) and a PNG per chart; returns the file names written. */
export async function writeH5Pngs(files: RunFiles, results: H5Results, analysis: AnalysisFile): Promise<string[]> {
  const written: string[] = [];
  const subtitle = `${results.configs.length} configurations over ${results.files.length} file${results.files.length === 1 ? "" : "s"}, ${results.settings.epochs} epoch${results.settings.epochs === 1 ? "" : "s"}; hit rates simulated, speeds measured`;
  files.writeBytes("summary.png", await summaryCardPng(card(analysis), hitRateChart(results), subtitle));
  written.push("summary.png");
  for (const chart of h5Charts(results)) {
    files.writeBytes(`${chart.id}.png`, await chartPng(chart));
    written.push(`${chart.id}.png`);
  }
  return written;
}

/** report.html of an HDF5 study: verdict and h5py settings first, then the configurations, the charts, the files, the method. */
export function renderH5Html(results: H5Results, analysis: AnalysisFile): string {
  const head = [
    "#",
    "file",
    "cache / slots",
    "access",
    "workers",
    "hit rate by epoch",
    "read amp. by epoch",
    "samples/s",
    "bytes measured vs model",
  ];
  const rows = results.configs.map((c) => {
    const sim = c.simulated?.epochs;
    const live = c.live;
    return [
      String(c.id),
      escapeHtml(h5FileLabel(results.files[c.file]!)),
      `${formatSize(c.cache.nbytes)} / ${c.cache.nslots}`,
      c.access,
      String(c.workers),
      sim ? sim.map((e) => pct(e.hitRate)).join(" ") : "-",
      sim ? sim.map((e) => `${e.readAmplification.toFixed(2)}x`).join(" ") : "-",
      live ? n0(live.samplesPerS) : c.error ? `<span class="failed">failed: ${escapeHtml(c.error)}</span>` : "-",
      live
        ? `${bytes(live.measuredBytes)} vs ${bytes(live.simulatedBytes)} (${(live.difference * 100).toFixed(2)}%${live.agrees ? "" : ", disagrees"})`
        : "-",
    ];
  });
  const fileItems = results.files.map(
    (f) =>
      `<li>${escapeHtml(h5FileLabel(f))}: ${escapeHtml(`${f.path}:${f.dataset}`)} ${f.shape.join("x")} uint8, ${f.chunks ? `${f.chunkCount} chunks of ${bytes(f.chunkBytes)}` : "contiguous"}, ${bytes(f.fileBytes)} on disk, ${f.fitsInPageCache === null ? "page cache size unknown" : f.fitsInPageCache ? "fits in RAM" : "larger than free RAM"}</li>`,
  );
  const smallest = results.smallestCache.map(
    (s) =>
      `<li>${escapeHtml(h5FileLabel(results.files[s.file]!))}, ${escapeHtml(s.access)}, ${s.workers} worker${s.workers === 1 ? "" : "s"}: ${s.nbytes === null ? "none reaches it" : formatSize(s.nbytes)}</li>`,
  );
  const notes = [...results.notes, ...results.configs.flatMap((c) => c.notes.map((n) => `[${c.id}] ${n}`))];
  return renderHtmlPage({
    title: `gpuprof h5: ${analysis.verdict}`,
    subtitle: `${results.configs.length} configurations, ${results.settings.epochs} epoch${results.settings.epochs === 1 ? "" : "s"}, batch ${results.settings.batch}, ${results.startedAt}`,
    sections: [
      { heading: "Verdict", html: findingsList(analysis.findings) },
      { heading: "What to set", html: adviceList(analysis.recommendations, message("h5.no-advice")) },
      { heading: "Configurations", html: htmlTable(head, rows) },
      {
        heading: `Smallest cache per worker reaching ${pct(results.settings.targetHitRate)} hits ${warmPhrase(results.settings.epochs)} (simulated)`,
        html: `<ul>${smallest.join("\n")}</ul>`,
      },
      { heading: "Files", html: `<ul>${fileItems.join("\n")}</ul>` },
      ...(notes.length > 0 ? [{ heading: "Notes", html: `<ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("\n")}</ul>` }] : []),
      {
        heading: "Method",
        html: "<p>Hit rates, read amplification and cache held are simulated with HDF5's raw-data chunk-cache rules (slots, the list, two-cursor pruning with w0, the bypass). Samples/s, MB/s, bytes read (per thread, /proc/thread-self/io) and CPU are measured on this machine, reading through h5wasm with that cache emulated.</p>",
      },
    ],
    charts: h5Charts(results),
    chartsBefore: "Smallest cache per worker reaching",
    raw: results,
    rawName: "results.json",
  });
}
