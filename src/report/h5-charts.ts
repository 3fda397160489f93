import { warmPhrase } from "../messages/warm-phrase.js";
import { message } from "../messages/catalogue.js";
import type { H5ConfigResult, H5FileInfo, H5Results } from "../store/h5-results-schema.js";
import type { ChartSpec } from "./chart-specs.js";

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
/** A shape per series as well as a colour, so that series stay apart where they meet. */
const POINT_STYLES = ["circle", "triangle", "rect", "rectRot", "star", "crossRot", "rectRounded", "cross"] as const;
/** Fewer cache sizes than this are drawn as points only. */
export const MIN_SIZES_FOR_LINES = 4;

/** A studied file in words: its chunk shape (or contiguous) and compression. */
export function h5FileLabel(f: H5FileInfo): string {
  const layout = f.chunks ? message("report.h5.file.chunks", { chunks: f.chunks.join("x") }) : message("report.h5.file.contiguous");
  return layout + (f.compression === "none" ? "" : message("report.h5.file.compression", { compression: f.compression }));
}

/** "1 epoch", "3 epochs". */
export function epochsText(epochs: number): string {
  return message(epochs === 1 ? "h5.report.epochs.one" : "h5.report.epochs.many", { n: String(epochs) });
}

/** "1 worker", "2 workers". */
export function workersText(workers: number): string {
  return message(workers === 1 ? "report.h5.series.worker" : "report.h5.series.workers", { n: String(workers) });
}

const warmHitRate = (c: H5ConfigResult): number | null => c.simulated?.epochs[c.simulated.epochs.length - 1]?.hitRate ?? null;

/**
 * Warm hit rate (last epoch) against cache size, one line per chunk shape and access order (and per
 * slot count or worker count when the study varied them): where the curve flattens is the cache to buy.
 */
export function hitRateChart(results: H5Results): ChartSpec | null {
  const simulated = results.configs.filter((c) => warmHitRate(c) !== null);
  if (simulated.length === 0) return null;
  const manySlots = new Set(simulated.map((c) => c.cache.nslots)).size > 1;
  const manyWorkers = new Set(simulated.map((c) => c.workers)).size > 1;
  const key = (c: H5ConfigResult): string =>
    [
      h5FileLabel(results.files[c.file]!),
      c.access,
      ...(manySlots ? [message("report.h5.series.slots", { n: String(c.cache.nslots) })] : []),
      ...(manyWorkers ? [message(c.workers === 1 ? "report.h5.series.worker" : "report.h5.series.workers", { n: String(c.workers) })] : []),
    ].join(", ");
  const keys = [...new Set(simulated.map(key))];
  const series = keys.map((k) => ({
    labels: [k],
    data: simulated
      .filter((c) => key(c) === k)
      .sort((a, b) => a.cache.nbytes - b.cache.nbytes)
      .map((c) => ({ x: Math.round((c.cache.nbytes / 2 ** 20) * 1000) / 1000, y: Math.round(warmHitRate(c)! * 1000) / 10 })),
  }));
  // Series with the same points would hide one another: one entry that names them all.
  const merged: typeof series = [];
  for (const s of series) {
    const same = merged.find((m) => JSON.stringify(m.data) === JSON.stringify(s.data));
    if (same) same.labels.push(...s.labels);
    else merged.push(s);
  }
  // Only a few cache sizes studied: points, not lines that would read as a measured curve between them.
  const sizes = new Set(simulated.map((c) => c.cache.nbytes)).size;
  const joined = sizes >= MIN_SIZES_FOR_LINES;
  const datasets = merged.map((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    return {
      label: s.labels.join(" = "),
      data: s.data,
      borderColor: color,
      backgroundColor: color,
      showLine: joined,
      pointStyle: POINT_STYLES[i % POINT_STYLES.length]!,
      // Later series drawn smaller, so that a point shared by several shows each one's rim.
      pointRadius: (joined ? 4 : 8) - 2 * (i % 3),
    };
  });
  return {
    id: "hitrate",
    title: message("report.chart.hitrate.title"),
    config: {
      type: "line",
      data: { datasets },
      options: {
        scales: {
          x: { type: "logarithmic", title: { display: true, text: message("report.chart.hitrate.x") } },
          y: {
            min: 0,
            max: 100,
            title: { display: true, text: message("report.chart.hitrate.y", { warm: warmPhrase(results.settings.epochs) }) },
          },
        },
        plugins: { title: { display: true, text: message("report.chart.hitrate.heading") } },
      },
    },
  };
}

/** Measured samples/s of every configuration read live: whether the hits pay on this storage. */
export function h5SpeedChart(results: H5Results): ChartSpec | null {
  const live = results.configs.filter((c) => c.live !== null);
  if (live.length === 0) return null;
  const title = message("report.chart.speed.title");
  const files = [...new Set(live.map((c) => c.file))].sort((a, b) => a - b);
  return {
    id: "speed",
    title,
    height: Math.max(300, 120 + 26 * live.length),
    config: {
      type: "bar",
      data: {
        labels: live.map(
          (c) =>
            `${c.id}: ${h5FileLabel(results.files[c.file]!)}, ${(c.cache.nbytes / 2 ** 20).toFixed(c.cache.nbytes < 2 ** 20 ? 2 : 0)} MiB, ${c.access}`,
        ),
        // One dataset per file, so that the legend names every colour; a bar only in its own file's dataset.
        datasets: files.map((file) => ({
          label: h5FileLabel(results.files[file]!),
          data: live.map((c) => (c.file === file ? Math.round(c.live!.samplesPerS) : null)),
          backgroundColor: PALETTE[file % PALETTE.length]!,
          skipNull: true,
        })),
      },
      options: {
        indexAxis: "y",
        scales: { x: { beginAtZero: true, title: { display: true, text: message("report.chart.speed.dataset") } } },
        plugins: { title: { display: true, text: title } },
      },
    },
  };
}

export function h5Charts(results: H5Results): ChartSpec[] {
  return [hitRateChart(results), h5SpeedChart(results)].filter((c): c is ChartSpec => c !== null);
}

/** The heads of the configurations table after "#", the same in summary.md and report.html but for the samples/s head. */
export function h5ConfigHeads(samplesHead: string): string[] {
  return [
    message("h5.report.col.file"),
    message("h5.report.col.cache-slots"),
    message("h5.report.col.access"),
    message("h5.report.col.workers"),
    message("h5.report.col.hit-rate"),
    message("h5.report.col.read-amp"),
    samplesHead,
    message("h5.report.col.bytes-vs-model"),
  ];
}
