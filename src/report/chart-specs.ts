import type { ChartConfiguration } from "chart.js";
import type { RunAnalysis, StallLevel } from "../store/analysis-schema.js";
import { trialLabel } from "../harness/plan.js";
import type { RunResults, TrialResult } from "../store/results-schema.js";
import type { Sample } from "../telemetry/types.js";
import type { TimelineSpan } from "../store/timeline-schema.js";
import { message } from "../messages/catalogue.js";
import { judgedConsumer } from "./torch-text.js";

/**
 * Chart.js configurations built from saved results: plain data, no callbacks, so the same spec can
 * be drawn to PNG here and handed to Chart.js in a browser by the HTML report.
 */
export interface ChartSpec {
  id: string;
  title: string;
  config: ChartConfiguration;
  /** Stretches of the x axis (seconds) to shade, e.g. trial windows on a timeline. */
  spans?: { startS: number; endS: number; label?: string }[];
  /** Drawing height in pixels at a width of 1000. */
  height?: number;
}

type OkTrial = Extract<TrialResult, { status: "ok" }>;
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

/** One point per configuration, with the series (dtype, transport, echo) it belongs to; workers 0 starts every line of its dtype. */
function workerSeries(results: RunResults, analysis: Pick<RunAnalysis, "answer">) {
  // One point per configuration: repeats drawn as their mean (from the analysis), not as a stack of loose dots.
  const spec = new Map(results.trials.map((t) => [t.spec.id, t.spec]));
  const ok = analysis.answer.configurations
    .map((c) => ({ spec: spec.get(c.trialId)!, metrics: { samplesPerS: c.samplesPerS, au: c.au } }))
    .filter((t) => t.spec !== undefined && !t.spec.baseline);
  type OkTrial = (typeof ok)[number];
  const echoPart = (t: OkTrial): string => (t.spec.echo > 1 ? message("report.chart.throughput.echo", { echo: String(t.spec.echo) }) : "");
  // A run with both loaders draws PyTorch's lines beside the harness's: torch, then pinned, name them.
  const torchPart = (t: OkTrial): string => (t.spec.loader === "torch" ? message("report.chart.throughput.torch") : "");
  const pinPart = (t: OkTrial): string => (t.spec.pinMemory ? message("report.chart.throughput.pinned") : "");
  const seriesKey = (t: OkTrial): string =>
    `${torchPart(t)}${t.spec.dtype}${t.spec.transport === "none" ? "" : `, ${t.spec.transport}`}${pinPart(t)}${echoPart(t)}`;
  // workers 0 has no transport: it belongs to every transport's line of the same loader, dtype and echo.
  const inlineKey = (t: OkTrial): string => `${torchPart(t)}${t.spec.dtype}${pinPart(t)}${echoPart(t)}`;
  const keys = [...new Set(ok.filter((t) => t.spec.workers > 0).map(seriesKey))];
  const lines = keys.length > 0 ? keys : [...new Set(ok.map(seriesKey))];
  const series = lines.map((key, i) => {
    const members = ok.filter((t) => seriesKey(t) === key);
    const inline = members.length > 0 ? inlineKey(members[0]!) : "";
    const points = ok
      .filter((t) => seriesKey(t) === key || (t.spec.workers === 0 && inlineKey(t) === inline))
      .sort((a, b) => a.spec.workers - b.spec.workers);
    return { key, color: PALETTE[i % PALETTE.length]!, points };
  });
  // Loading on the training thread has no transport: its point starts every line of its dtype.
  const subtitle =
    ok.some((t) => t.spec.workers === 0) && keys.length > 0
      ? { subtitle: { display: true, text: message("report.chart.throughput.subtitle") } }
      : {};
  return { empty: ok.length === 0, series, subtitle };
}

/** Worker counts start at 0; a single count would otherwise get an axis from count - 1 to count + 1. */
function workersAxis(series: ReturnType<typeof workerSeries>["series"]) {
  const counts = new Set(series.flatMap((s) => s.points.map((t) => t.spec.workers)));
  return {
    type: "linear" as const,
    min: 0,
    // Room beside the first and last counts, so points at workers 0 do not sit on the axis line.
    offset: true,
    ...(counts.size === 1 ? { max: Math.max(1, [...counts][0]! + 1) } : {}),
    title: { display: true, text: message("report.chart.throughput.x") },
    ticks: { stepSize: 1 },
  };
}

/** One line per series of `workerSeries` against workers, the y value and axis given: throughput and AU share it. */
function workersChart(
  results: RunResults,
  analysis: Pick<RunAnalysis, "answer">,
  chart: {
    id: string;
    title: string;
    label: (key: string) => string;
    y: (t: { metrics: { samplesPerS: number; au: number } }) => number;
    yAxis: object;
  },
): ChartSpec | null {
  const { empty, series, subtitle } = workerSeries(results, analysis);
  if (empty) return null;
  const datasets: ChartConfiguration["data"]["datasets"] = series.map(({ key, color, points }) => ({
    label: chart.label(key),
    data: points.map((t) => ({ x: t.spec.workers, y: chart.y(t) })),
    borderColor: color,
    backgroundColor: color,
  }));
  return {
    id: chart.id,
    title: chart.title,
    config: {
      type: "line",
      data: { datasets },
      options: {
        scales: { x: workersAxis(series), y: chart.yAxis },
        plugins: { title: { display: true, text: chart.title }, ...subtitle },
      },
    },
  };
}

/** Fresh samples/s against workers, one line per dtype, transport and echo factor; AU has a chart of its own (auChart). */
export function throughputChart(results: RunResults, analysis: Pick<RunAnalysis, "answer">): ChartSpec | null {
  return workersChart(results, analysis, {
    id: "throughput",
    title: message("report.chart.throughput.title"),
    label: (key) => message("report.chart.throughput.samples", { key }),
    y: (t) => Math.round(t.metrics.samplesPerS),
    yAxis: { type: "linear", beginAtZero: true, title: { display: true, text: message("report.chart.throughput.y") } },
  });
}

/** AU against workers, the same series and colours as the throughput chart, on an axis of its own (0 to 100%). */
export function auChart(results: RunResults, analysis: Pick<RunAnalysis, "answer">): ChartSpec | null {
  const basis =
    judgedConsumer(results).kind === "sim"
      ? message("report.chart.throughput.y1.modelled")
      : message("report.chart.throughput.y1.measured");
  return workersChart(results, analysis, {
    id: "au",
    title: message("report.chart.au.title"),
    label: (key) => message("report.chart.au.series", { key }),
    y: (t) => Math.round(t.metrics.au * 1000) / 10,
    yAxis: { type: "linear", min: 0, max: 100, title: { display: true, text: message("report.chart.au.y", { basis }) } },
  });
}

/**
 * PyTorch against gpuprof's loader, bars side by side per setting both measured (the harness at its
 * fastest transport there); null unless the run has both loaders at a common setting.
 */
export function loadersChart(results: RunResults, analysis: Pick<RunAnalysis, "answer">): ChartSpec | null {
  const pairs = analysis.answer.loaderPairs;
  if (pairs.length === 0) return null;
  const spec = new Map(results.trials.map((t) => [t.spec.id, t.spec]));
  const labelOf = (id: number): string => {
    const s = spec.get(id);
    return s ? trialLabel(s) : message("report.trial.fallback", { id: String(id) });
  };
  const title = message("report.chart.loaders.title");
  return {
    id: "loaders",
    title,
    height: Math.max(300, 120 + 40 * pairs.length),
    config: {
      type: "bar",
      data: {
        labels: pairs.map((p) => `${p.torchTrialId}: ${labelOf(p.torchTrialId)}`),
        datasets: [
          {
            label: message("report.chart.loaders.torch"),
            data: pairs.map((p) => Math.round(p.torchSamplesPerS)),
            backgroundColor: "#d62728",
          },
          {
            label: message("report.chart.loaders.harness"),
            data: pairs.map((p) => Math.round(p.harnessSamplesPerS)),
            backgroundColor: "#1f77b4",
          },
        ],
      },
      options: {
        indexAxis: "y",
        scales: { x: { beginAtZero: true, title: { display: true, text: message("report.chart.throughput.y") } } },
        plugins: { title: { display: true, text: title }, subtitle: { display: true, text: message("report.chart.loaders.subtitle") } },
      },
    },
  };
}

const LEVEL_COLOURS: Record<StallLevel, string> = { high: "#d62728", moderate: "#ff7f0e", low: "#2ca02c" };

/** The share of each trial's window the device waited for data, coloured by the level the analysis gave it. */
export function stallChart(results: RunResults, analysis: Pick<RunAnalysis, "answer" | "thresholds">): ChartSpec | null {
  const ok = results.trials.filter((t): t is OkTrial => t.status === "ok" && !t.spec.baseline);
  if (ok.length === 0) return null;
  const levels = new Map(analysis.answer.trialLevels.map((l) => [l.trialId, l.level]));
  const color = (t: OkTrial): string => LEVEL_COLOURS[levels.get(t.spec.id) ?? "low"];
  const th = analysis.thresholds;
  const title = message("report.chart.stall.title");
  return {
    id: "stall",
    title,
    height: Math.max(300, 120 + 28 * ok.length),
    config: {
      type: "bar",
      data: {
        labels: ok.map((t) => `${t.spec.id}: ${trialLabel(t.spec)}`),
        datasets: [
          {
            label: message("report.chart.stall.dataset"),
            data: ok.map((t) => Math.round(t.metrics.stallFraction * 1000) / 10),
            backgroundColor: ok.map(color),
          },
        ],
      },
      options: {
        indexAxis: "y",
        scales: {
          x: {
            min: 0,
            max: 100,
            title: {
              display: true,
              text: message("report.chart.stall.x", {
                basis:
                  judgedConsumer(results).kind === "sim"
                    ? message("report.chart.stall.x.modelled")
                    : message("report.chart.stall.x.measured"),
              }),
            },
          },
        },
        // One dataset coloured per bar: a legend would show only the first bar's colour.
        plugins: {
          title: { display: true, text: title },
          subtitle: {
            display: true,
            text: message("report.chart.stall.subtitle", {
              high: `${(th.highStall * 100).toFixed(0)}%`,
              moderate: `${(th.moderateStall * 100).toFixed(0)}%`,
            }),
          },
          legend: { display: false },
        },
      },
    },
  };
}

/** How long each step waited for its batch, per trial: p50, p95 and p99 side by side (the distribution behind the stall). */
export function waitChart(results: RunResults): ChartSpec | null {
  const ok = results.trials.filter((t): t is OkTrial => t.status === "ok" && !t.spec.baseline);
  if (ok.length === 0) return null;
  const bar = (label: string, color: string, pick: (t: OkTrial) => number) => ({
    label,
    data: ok.map((t) => Math.round(pick(t) * 100) / 100),
    backgroundColor: color,
  });
  return {
    id: "waits",
    title: message("report.chart.waits.title"),
    height: Math.max(300, 120 + 34 * ok.length),
    config: {
      type: "bar",
      data: {
        labels: ok.map((t) => `${t.spec.id}: ${trialLabel(t.spec)}`),
        datasets: [
          bar(message("report.chart.waits.p50"), "#9ecae1", (t) => t.metrics.waitMs.p50),
          bar(message("report.chart.waits.p95"), "#3182bd", (t) => t.metrics.waitMs.p95),
          bar(message("report.chart.waits.p99"), "#08519c", (t) => t.metrics.waitMs.p99),
        ],
      },
      options: {
        indexAxis: "y",
        scales: { x: { beginAtZero: true, title: { display: true, text: message("report.chart.waits.x") } } },
        plugins: { title: { display: true, text: message("report.chart.waits.heading") } },
      },
    },
  };
}

/** Keeps at most `max` points for drawing (every n-th sample); saved data is never thinned. */
export function downsample<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const step = points.length / max;
  return Array.from({ length: max }, (_, i) => points[Math.floor(i * step)]!);
}

/** CPU us/sy/wa stacked, read MB/s and GPU util over time, with each trial's window shaded by the renderer. */
export function timelineChart(samples: readonly Sample[], spans: readonly TimelineSpan[], maxPoints = 1500): ChartSpec | null {
  if (samples.length === 0) return null;
  const drawn = downsample(samples, maxPoints);
  const t = (s: Sample): number => Math.round(s.tMs / 100) / 10;
  const series = (label: string, color: string, pick: (s: Sample) => number | null, axis: string, fill: boolean | string = false) => ({
    label,
    data: drawn.map((s) => ({ x: t(s), y: pick(s) })),
    borderColor: color,
    backgroundColor: color + "80",
    pointRadius: 0,
    borderWidth: 1,
    fill,
    yAxisID: axis,
    stack: fill ? "cpu" : undefined,
  });
  const datasets = [
    series(message("report.chart.timeline.user"), "#1f77b4", (s) => s.cpu.userPct + s.cpu.nicePct, "y", "origin"),
    series(message("report.chart.timeline.system"), "#ff7f0e", (s) => s.cpu.systemPct + s.cpu.irqPct + s.cpu.softirqPct, "y", "-1"),
    series(message("report.chart.timeline.iowait"), "#d62728", (s) => s.cpu.iowaitPct, "y", "-1"),
    series(
      message("report.chart.timeline.read"),
      "#2ca02c",
      (s) => (s.io.procReadBytesPerS === null ? null : Math.round(s.io.procReadBytesPerS / 1e4) / 100),
      "y1",
    ),
  ];
  if (samples.some((s) => s.gpus.length > 0))
    datasets.push(series(message("report.chart.timeline.gpu"), "#9467bd", (s) => s.gpus[0]?.utilPct ?? null, "y"));
  const title = message("report.chart.timeline.title");
  return {
    id: "timeline",
    title,
    spans: spans.map((s) => ({ startS: s.startMs / 1000, endS: s.endMs / 1000, label: `#${s.trialId}` })),
    config: {
      type: "line",
      data: { datasets: datasets as ChartConfiguration["data"]["datasets"] },
      options: {
        scales: {
          // The axis ends with the data: from the first sample to the last, not to the next round number.
          x: {
            type: "linear",
            min: t(samples[0]!),
            max: t(samples[samples.length - 1]!),
            title: {
              display: true,
              text:
                spans.length > 0
                  ? message("report.chart.timeline.x.shaded", { ids: spans.map((s) => s.trialId).join(", ") })
                  : message("report.chart.timeline.x"),
            },
          },
          y: {
            type: "linear",
            stacked: true,
            min: 0,
            max: 100,
            title: {
              display: true,
              text: samples.some((s) => s.gpus.length > 0) ? message("report.chart.timeline.y.gpu") : message("report.chart.timeline.y"),
            },
          },
          y1: {
            type: "linear",
            position: "right",
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            title: { display: true, text: message("report.chart.timeline.read") },
          },
        },
        plugins: { title: { display: true, text: title } },
      },
    },
  };
}
