import type { RunAnalysis as Analysis } from "../store/analysis-schema.js";
import { message } from "../messages/catalogue.js";
import type { RunFiles } from "../store/run-files.js";
import type { RunResults } from "../store/results-schema.js";
import type { TimelineSpan } from "../store/timeline-schema.js";
import type { Sample } from "../telemetry/types.js";
import { auChart, loadersChart, stallChart, throughputChart, timelineChart, waitChart, type ChartSpec } from "./chart-specs.js";
import { chartPng, runCard, summaryCardPng } from "./png.js";
import { judgedConsumer } from "./torch-text.js";

/** The charts of a run, in the order reports show them. */
export function runCharts(
  results: RunResults,
  analysis: Analysis,
  timeline: { samples: readonly Sample[]; spans: readonly TimelineSpan[] } | null,
): ChartSpec[] {
  return [
    throughputChart(results, analysis),
    auChart(results, analysis),
    loadersChart(results, analysis),
    stallChart(results, analysis),
    waitChart(results),
    timeline ? timelineChart(timeline.samples, timeline.spans) : null,
  ].filter((c): c is ChartSpec => c !== null);
}

/** The summary card's line under the verdict: what ran, on what, and whether the device was modelled. */
export function runCardSubtitle(results: RunResults): string {
  const c = judgedConsumer(results);
  return message("report.card.subtitle", {
    trials: String(results.trials.length),
    dataset: results.dataset.label,
    count: String(results.dataset.count),
    shape: results.dataset.sampleShape.join("x"),
    cores: String(results.host.usableCores),
    device:
      c.kind === "sim"
        ? message("report.card.device.modelled")
        : message("report.card.device.measured", { adapter: c.kind === "webgpu" ? c.adapter.name : c.device.name }),
  });
}

/**
 * Writes summary.png (the card for a pull request) and one PNG per chart of `charts` (runCharts,
 * built once for the PNGs and the HTML alike); returns the file names written.
 */
export async function writeRunPngs(
  files: RunFiles,
  results: RunResults,
  analysis: Analysis,
  charts: readonly ChartSpec[],
): Promise<string[]> {
  const written: string[] = [];
  const chart = (id: string): ChartSpec | null => charts.find((c) => c.id === id) ?? null;
  const throughput = chart("throughput");
  const subtitle = runCardSubtitle(results);
  const save = async (name: string, png: Promise<Buffer>): Promise<void> => {
    files.writeBytes(name, await png);
    written.push(name);
  };
  await save("summary.png", summaryCardPng(runCard(analysis), throughput, subtitle));
  if (throughput) await save("throughput.png", chartPng(throughput));
  const au = chart("au");
  if (au) await save("au.png", chartPng(au));
  const loaders = chart("loaders");
  if (loaders) await save("loaders.png", chartPng(loaders));
  const stall = chart("stall");
  if (stall) await save("stall.png", chartPng(stall));
  const waits = chart("waits");
  if (waits) await save("waits.png", chartPng(waits));
  const line = chart("timeline");
  if (line) await save("timeline.png", chartPng(line, 1200, 500));
  return written;
}
