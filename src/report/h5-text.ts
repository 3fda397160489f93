import { warmPhrase } from "../messages/warm-phrase.js";
import type { ChalkInstance } from "chalk";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { h5FileLabel, workersText } from "./h5-charts.js";
import type { H5ConfigResult, H5Results } from "../store/h5-results-schema.js";
import { formatSize } from "../util/sizes.js";
import { bytes, share as pct, count as n0 } from "../util/format.js";
import { onlyFinding } from "../store/only-finding.js";
import { message } from "../messages/catalogue.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import { adviceLine } from "./advice-text.js";
import { FULL_LAYOUT, fitTable, wrapToWidth, type TableColumn, type TerminalLayout } from "./terminal-layout.js";

function fileLabel(results: H5Results, index: number): string {
  return h5FileLabel(results.files[index]!);
}

export function h5ConfigLine(results: H5Results, c: H5ConfigResult): string {
  const sim = c.simulated?.epochs;
  const hits = sim
    ? message("h5.report.line.hits", { rates: sim.map((e) => pct(e.hitRate)).join(" -> ") })
    : message("h5.report.line.no-cache");
  const live = c.live
    ? message("h5.report.line.live", { rate: n0(c.live.samplesPerS) })
    : c.error
      ? message("h5.report.line.live-failed", { error: c.error })
      : "";
  return message("h5.report.line", {
    id: String(c.id),
    file: fileLabel(results, c.file),
    cache: formatSize(c.cache.nbytes),
    slots: String(c.cache.nslots),
    access: c.access,
    workers: workersText(c.workers),
    hits,
    live,
  });
}

/**
 * The terminal report of an HDF5 study, formatted from the study's analysis.json: the Pick and the
 * verdict first, then the table sized to the width; with --verbose the files, the smallest caches and
 * the notes, and without it one line saying where they are. Without a layout: everything, unwrapped.
 */
export function renderH5Results(
  results: H5Results,
  outDir: string,
  cwd: string,
  chalk: ChalkInstance,
  analysis: AnalysisFile,
  layout: TerminalLayout = FULL_LAYOUT,
): string {
  // When the table is wider than the terminal, the columns with a drop number go, the lowest first.
  const columns: TableColumn[] = [
    { head: "#", align: "left" },
    { head: message("h5.report.col.file"), align: "left", wrap: true },
    { head: message("h5.report.col.cache-slots"), align: "left" },
    { head: message("h5.report.col.access"), align: "left" },
    { head: message("h5.report.col.workers"), align: "left", drop: 7 },
    { head: message("h5.report.col.hit-rate"), align: "left" },
    { head: message("h5.report.col.read-amp"), align: "left", drop: 6 },
    { head: message("report.col.samples-per-s"), align: "left" },
    { head: message("h5.report.col.mb-per-s"), align: "left", drop: 5 },
    { head: message("h5.report.col.bytes-read-vs-model"), align: "left", drop: 1 },
    { head: message("h5.report.col.from-storage"), align: "left", drop: 3 },
    { head: message("report.col.host-cpu"), align: "left", drop: 2 },
    { head: message("h5.report.col.cache-held"), align: "left", drop: 4 },
  ];
  const rows: string[][] = [];
  for (const c of results.configs) {
    const live = c.live;
    const cpu = live
      ? [live.telemetry.cpu.userPct, live.telemetry.cpu.systemPct, live.telemetry.cpu.iowaitPct]
          .map((s) => (s ? s.mean.toFixed(0) : "-"))
          .join("/")
      : "-";
    rows.push([
      String(c.id),
      fileLabel(results, c.file),
      `${formatSize(c.cache.nbytes)} / ${c.cache.nslots}`,
      c.access,
      String(c.workers),
      c.simulated ? c.simulated.epochs.map((e) => pct(e.hitRate)).join(" ") : "-",
      c.simulated ? c.simulated.epochs.map((e) => `${e.readAmplification.toFixed(2)}x`).join(" ") : "-",
      live ? n0(live.samplesPerS) : c.error ? chalk.red(message("report.compare.failed")) : "-",
      live ? n0(live.deliveredMBPerS) : "-",
      live
        ? `${bytes(live.measuredBytes)} vs ${bytes(live.simulatedBytes)} (${live.difference >= 0 ? "+" : ""}${(live.difference * 100).toFixed(2)}%)${live.agrees ? "" : " !"}`
        : "-",
      live ? bytes(live.storageBytes) : "-",
      cpu,
      c.simulated ? bytes(c.simulated.peakCacheBytes) : "-",
    ]);
  }
  const verdict: string[] = [];
  const finding = onlyFinding(analysis);
  const pick = pickLine(results, analysis);
  if (pick) verdict.push(chalk.bold(pick));
  verdict.push(message("h5.verdict-line", { state: message(`h5.state.${finding.verdict}`), summary: finding.summary }));
  if (results.interrupted) verdict.push(chalk.yellow(message("h5.report.interrupted", { configs: String(results.configs.length) })));
  const lines: string[] = [];
  if (layout.verbose) {
    lines.push(`${message("h5.report.heading.files")}:`);
    results.files.forEach((f, i) => {
      lines.push(
        `  ${message("h5.report.file", {
          label: fileLabel(results, i),
          path: `${f.path}:${f.dataset}`,
          shape: f.shape.join("x"),
          layout: f.chunks
            ? message("h5.report.file.chunks-stored", {
                count: String(f.chunkCount),
                size: bytes(f.chunkBytes),
                stored: bytes(f.storedChunkBytes),
              })
            : message("h5.report.file.contiguous-no-chunks"),
          size: bytes(f.fileBytes),
          ram: message(
            f.fitsInPageCache === null
              ? "report.html.host.ram.unknown"
              : f.fitsInPageCache
                ? "h5.report.file.fits-page-cached"
                : "report.html.host.ram.larger",
          ),
        })}`,
      );
    });
    lines.push(
      message("h5.report.smallest.terminal", { target: pct(results.settings.targetHitRate), warm: warmPhrase(results.settings.epochs) }),
    );
    for (const s of results.smallestCache) {
      const file = results.files[s.file]!;
      const size =
        s.nbytes !== null
          ? s.nbytes >= (file.chunkBytes ?? 0) * (file.chunkCount ?? 0)
            ? message("h5.report.smallest.whole", { size: formatSize(s.nbytes) })
            : formatSize(s.nbytes)
          : file.chunks === null
            ? message("h5.report.smallest.contiguous")
            : message("h5.report.smallest.none-even-whole");
      lines.push(
        `  ${message("h5.report.smallest.item", { file: fileLabel(results, s.file), access: s.access, workers: workersText(s.workers), size })}`,
      );
    }
  }
  const disagreements = results.configs.filter((c) => c.live && !c.live.agrees).length;
  if (results.configs.some((c) => c.live)) {
    // A disagreement is said by default; an agreement only with the details.
    if (disagreements > 0) lines.push(chalk.yellow(message("h5.report.bytes-differ", { n: String(disagreements) })));
    else if (layout.verbose) lines.push(message("h5.report.bytes-agree"));
  }
  if (layout.verbose) {
    for (const c of results.configs)
      for (const note of c.notes) lines.push(chalk.yellow(message("h5.report.note.config", { id: String(c.id), note })));
    for (const note of results.notes) lines.push(chalk.yellow(message("h5.report.note", { note })));
  }
  const live = results.configs.some((c) => c.live);
  lines.push(chalk.dim(message(live ? "h5.report.method.terminal.live" : "h5.report.method.terminal.no-live")));
  const shown = relative(cwd, outDir) || ".";
  const dir = shown.startsWith("..") ? outDir : shown;
  const written = ["report.html", "summary.md", "summary.png", "hitrate.png", "speed.png", "analysis.json"].filter((f) =>
    existsSync(join(outDir, f)),
  );
  lines.push(message("h5.report.saved", { dir, files: [...written, "results.json"].join(", ") }));
  if (!layout.verbose) {
    const report = ["report.html", "summary.md"].find((f) => written.includes(f)) ?? message("terminal.more.report-cli", { dir });
    lines.push(message("terminal.more.h5", { report }));
  }
  const table = fitTable(columns, rows, layout.width);
  return [wrapToWidth(verdict.join("\n"), layout.width), table, wrapToWidth(lines.join("\n"), layout.width)].join("\n") + "\n";
}

/**
 * The Pick line: the detector's choice and h5py settings, in one line. The choice itself is made
 * only in detectH5, so the Pick and the Verdict cannot disagree.
 */
function pickLine(results: H5Results, analysis: AnalysisFile): string | null {
  const id = onlyFinding(analysis).evidence["bestConfig"];
  const pick = results.configs.find((c) => c.id === id);
  const advice = analysis.recommendations[0];
  if (!pick || !advice) return null;
  return message("h5.pick", {
    config: String(pick.id),
    file: fileLabel(results, pick.file),
    cache: formatSize(pick.cache.nbytes),
    access: pick.access,
    settings: advice.value,
    gain: String(advice.expectedGain),
  });
}

/** The verdict of an HDF5 study and what to set, for a terminal (gpuprof report on an h5 folder). */
export function renderH5Verdict(analysis: AnalysisFile, chalk: ChalkInstance): string {
  const lines = [chalk.bold(message("h5.report.verdict", { verdict: analysis.verdict })), `  ${onlyFinding(analysis).summary}`];
  const advice = analysis.recommendations;
  if (advice.length > 0) {
    lines.push(chalk.bold(`${message("h5.report.heading.what-to-set")}:`));
    advice.forEach((r, i) =>
      lines.push(
        `  ${i + 1}. ${r.text.replace(/\*\*(.+?)\*\*/g, (_, t: string) => chalk.bold(t)).replace(/`([^`]+)`/g, "$1")}`,
        chalk.dim(`     ${adviceLine(r)}`),
      ),
    );
  }
  return lines.join("\n") + "\n";
}
