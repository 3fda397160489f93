import { warmPhrase } from "../messages/warm-phrase.js";
import type { ChalkInstance } from "chalk";
import Table from "cli-table3";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { h5FileLabel } from "./h5-charts.js";
import type { H5ConfigResult, H5Results } from "../store/h5-results-schema.js";
import { formatSize } from "../util/sizes.js";
import { bytes, share as pct, count as n0 } from "../util/format.js";
import { onlyFinding } from "../store/only-finding.js";
import { message } from "../messages/catalogue.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import { adviceLine } from "./advice-text.js";

function fileLabel(results: H5Results, index: number): string {
  return h5FileLabel(results.files[index]!);
}

export function h5ConfigLine(results: H5Results, c: H5ConfigResult): string {
  const sim = c.simulated?.epochs;
  const hits = sim ? `hits ${sim.map((e) => pct(e.hitRate)).join(" -> ")}` : "no chunk cache";
  const live = c.live ? `, ${n0(c.live.samplesPerS)} samples/s live` : c.error ? `, live failed: ${c.error}` : "";
  return `[${c.id}] ${fileLabel(results, c.file)}, cache ${formatSize(c.cache.nbytes)}/${c.cache.nslots} slots, ${c.access}, ${c.workers} worker${c.workers === 1 ? "" : "s"}: ${hits}${live}`;
}

/** The terminal report of an HDF5 study, formatted from the study's analysis.json. */
export function renderH5Results(results: H5Results, outDir: string, cwd: string, chalk: ChalkInstance, analysis: AnalysisFile): string {
  const head = [
    "#",
    "file",
    "cache / slots",
    "access",
    "workers",
    "hit rate by epoch",
    "read amp. by epoch",
    "samples/s",
    "MB/s",
    "bytes read: measured vs model",
    "from storage",
    "host CPU us/sy/wa %",
    "cache held",
  ];
  const table = new Table({ head, style: { head: [], border: [], compact: true } });
  for (const c of results.configs) {
    const live = c.live;
    const cpu = live
      ? [live.telemetry.cpu.userPct, live.telemetry.cpu.systemPct, live.telemetry.cpu.iowaitPct]
          .map((s) => (s ? s.mean.toFixed(0) : "-"))
          .join("/")
      : "-";
    table.push([
      String(c.id),
      fileLabel(results, c.file),
      `${formatSize(c.cache.nbytes)} / ${c.cache.nslots}`,
      c.access,
      String(c.workers),
      c.simulated ? c.simulated.epochs.map((e) => pct(e.hitRate)).join(" ") : "-",
      c.simulated ? c.simulated.epochs.map((e) => `${e.readAmplification.toFixed(2)}x`).join(" ") : "-",
      live ? n0(live.samplesPerS) : c.error ? chalk.red("failed") : "-",
      live ? n0(live.deliveredMBPerS) : "-",
      live
        ? `${bytes(live.measuredBytes)} vs ${bytes(live.simulatedBytes)} (${live.difference >= 0 ? "+" : ""}${(live.difference * 100).toFixed(2)}%)${live.agrees ? "" : " !"}`
        : "-",
      live ? bytes(live.storageBytes) : "-",
      cpu,
      c.simulated ? bytes(c.simulated.peakCacheBytes) : "-",
    ]);
  }
  const lines = [table.toString()];
  const finding = onlyFinding(analysis);
  const pick = pickLine(results, analysis);
  if (pick) lines.push(chalk.bold(pick));
  lines.push(message("h5.verdict-line", { state: message(`h5.state.${finding.verdict}`), summary: finding.summary }));
  lines.push("Files:");
  results.files.forEach((f, i) => {
    lines.push(
      `  ${fileLabel(results, i)}: ${f.path}:${f.dataset} ${f.shape.join("x")} uint8, ${f.chunks ? `${f.chunkCount} chunks of ${bytes(f.chunkBytes)} (${bytes(f.storedChunkBytes)} stored)` : "contiguous (no chunks)"}, ${bytes(f.fileBytes)} on disk, ${f.fitsInPageCache === null ? "page cache size unknown" : f.fitsInPageCache ? "fits in RAM (page-cached after the first read)" : "larger than free RAM"}`,
    );
  });
  lines.push(
    `Smallest cache per worker reaching ${pct(results.settings.targetHitRate)} chunk hits ${warmPhrase(results.settings.epochs)} (simulated, doubling from 1 MiB, a slot for every chunk):`,
  );
  for (const s of results.smallestCache) {
    lines.push(
      `  ${fileLabel(results, s.file)}, ${s.access}, ${s.workers} worker${s.workers === 1 ? "" : "s"}: ${s.nbytes !== null ? formatSize(s.nbytes) + (s.nbytes >= (results.files[s.file]!.chunkBytes ?? 0) * (results.files[s.file]!.chunkCount ?? 0) ? " (the whole dataset)" : "") : results.files[s.file]!.chunks === null ? "contiguous dataset: no chunk cache applies" : "none: even a cache of the whole dataset does not reach it (chunks larger than any cache bypass it)"}`,
    );
  }
  const disagreements = results.configs.filter((c) => c.live && !c.live.agrees).length;
  if (results.configs.some((c) => c.live)) {
    lines.push(
      disagreements === 0
        ? "Measured bytes (per thread, /proc/thread-self/io) agree with the HDF5 chunk-cache model within 1% for every configuration."
        : chalk.yellow(
            `Measured bytes differ from the model by more than 1% in ${disagreements} configuration(s) (marked !); see the notes.`,
          ),
    );
  }
  for (const c of results.configs) for (const note of c.notes) lines.push(chalk.yellow(`Note [${c.id}]: ${note}`));
  for (const note of results.notes) lines.push(chalk.yellow(`Note: ${note}`));
  const live = results.configs.some((c) => c.live);
  lines.push(
    chalk.dim(
      live
        ? "Hit rates and read amplification are simulated (HDF5's chunk-cache rules); samples/s, MB/s, bytes measured and CPU are measured on this machine."
        : "Hit rates and read amplification are simulated (HDF5's chunk-cache rules); nothing was read (--no-live), so there are no measured speeds or bytes.",
    ),
  );
  if (results.interrupted) lines.push(chalk.yellow(`Interrupted: ${results.configs.length} configurations finished and were saved.`));
  const shown = relative(cwd, outDir) || ".";
  const written = ["report.html", "summary.md", "summary.png", "hitrate.png", "speed.png", "analysis.json"].filter((f) =>
    existsSync(join(outDir, f)),
  );
  lines.push(`Saved ${shown.startsWith("..") ? outDir : shown}/ (${[...written, "results.json"].join(", ")})`);
  return lines.join("\n") + "\n";
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
  const lines = [chalk.bold(`Verdict: ${analysis.verdict}`), `  ${onlyFinding(analysis).summary}`];
  const advice = analysis.recommendations;
  if (advice.length > 0) {
    lines.push(chalk.bold("What to set:"));
    advice.forEach((r, i) =>
      lines.push(
        `  ${i + 1}. ${r.text.replace(/\*\*(.+?)\*\*/g, (_, t: string) => chalk.bold(t)).replace(/`([^`]+)`/g, "$1")}`,
        chalk.dim(`     ${adviceLine(r)}`),
      ),
    );
  }
  return lines.join("\n") + "\n";
}
