import { onlyFinding } from "../store/only-finding.js";
import { warmPhrase } from "../messages/warm-phrase.js";
import { message } from "../messages/catalogue.js";
import { glossaryLine } from "./glossary-text.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import type { H5Results } from "../store/h5-results-schema.js";
import type { RunFiles } from "../store/run-files.js";
import { formatSize } from "../util/sizes.js";
import { bytes, count as n0, share as pct } from "../util/format.js";
import { epochsText, h5Charts, h5ConfigHeads, h5FileLabel, hitRateChart, workersText } from "./h5-charts.js";
import { adviceList, escapeHtml, findingsList, htmlTable, renderHtmlPage } from "./html-page.js";
import { chartPng, summaryCardPng, type CardText } from "./png.js";

function card(analysis: AnalysisFile): CardText {
  const finding = onlyFinding(analysis);
  return {
    headline: message("h5.report.card.headline", { verdict: analysis.verdict }),
    tone: finding.verdict === "none" ? "good" : finding.verdict === "issue" ? "bad" : "unknown",
    advice: [finding.summary, ...analysis.recommendations.map((r) => r.text)],
  };
}

/** summary.png (the card for a pull request) and a PNG per chart; returns the file names written. */
export async function writeH5Pngs(files: RunFiles, results: H5Results, analysis: AnalysisFile): Promise<string[]> {
  const written: string[] = [];
  const subtitle = message("h5.report.card.subtitle", {
    configs: String(results.configs.length),
    files: message(results.files.length === 1 ? "h5.report.files.one" : "h5.report.files.many", { n: String(results.files.length) }),
    epochs: epochsText(results.settings.epochs),
  });
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
  const head = ["#", ...h5ConfigHeads(message("report.col.samples-per-s"))];
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
      live
        ? n0(live.samplesPerS)
        : c.error
          ? `<span class="failed">${escapeHtml(message("report.trial.failed", { reason: c.error }))}</span>`
          : "-",
      live
        ? message("h5.report.bytes-vs-model", {
            measured: bytes(live.measuredBytes),
            simulated: bytes(live.simulatedBytes),
            difference: `${(live.difference * 100).toFixed(2)}%`,
            disagrees: live.agrees ? "" : message("h5.report.bytes-vs-model.disagrees"),
          })
        : "-",
    ];
  });
  const fileItems = results.files.map(
    (f) =>
      `<li>${message("h5.report.file", {
        label: escapeHtml(h5FileLabel(f)),
        path: escapeHtml(`${f.path}:${f.dataset}`),
        shape: f.shape.join("x"),
        layout: f.chunks
          ? message("h5.report.file.chunks", { count: String(f.chunkCount), size: bytes(f.chunkBytes) })
          : message("report.h5.file.contiguous"),
        size: bytes(f.fileBytes),
        ram: message(
          f.fitsInPageCache === null
            ? "report.html.host.ram.unknown"
            : f.fitsInPageCache
              ? "report.html.host.ram.fits"
              : "report.html.host.ram.larger",
        ),
      })}</li>`,
  );
  const smallest = results.smallestCache.map(
    (s) =>
      `<li>${message("h5.report.smallest.item", {
        file: escapeHtml(h5FileLabel(results.files[s.file]!)),
        access: escapeHtml(s.access),
        workers: workersText(s.workers),
        size: s.nbytes === null ? message("h5.report.smallest.none-reaches") : formatSize(s.nbytes),
      })}</li>`,
  );
  const smallestHeading = message("h5.report.heading.smallest", {
    target: pct(results.settings.targetHitRate),
    warm: warmPhrase(results.settings.epochs),
  });
  const notes = [...results.notes, ...results.configs.flatMap((c) => c.notes.map((n) => `[${c.id}] ${n}`))];
  return renderHtmlPage({
    title: message("h5.report.title", { verdict: analysis.verdict }),
    subtitle: message("h5.report.html.subtitle", {
      configs: String(results.configs.length),
      epochs: epochsText(results.settings.epochs),
      batch: String(results.settings.batch),
      started: results.startedAt,
    }),
    key: glossaryLine(["glossary.rdcc"]),
    sections: [
      { heading: message("report.heading.verdict"), html: findingsList(analysis.findings) },
      { heading: message("h5.report.heading.what-to-set"), html: adviceList(analysis.recommendations, message("h5.no-advice")) },
      { heading: message("h5.report.heading.configurations"), html: htmlTable(head, rows) },
      {
        heading: smallestHeading,
        html: `<ul>${smallest.join("\n")}</ul>`,
      },
      { heading: message("h5.report.heading.files"), html: `<ul>${fileItems.join("\n")}</ul>` },
      ...(notes.length > 0
        ? [{ heading: message("report.heading.notes"), html: `<ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("\n")}</ul>` }]
        : []),
      {
        heading: message("report.heading.method"),
        html: `<p>${message("h5.report.method.html")}</p>`,
      },
    ],
    charts: h5Charts(results),
    chartsBefore: smallestHeading,
    raw: results,
    rawName: "results.json",
  });
}
