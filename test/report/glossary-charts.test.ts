// What a person reads: abbreviations defined in every format, a finding's state in words, a headline
// that names a modelled device, and charts that show what was studied (points where few values were,
// distinct series, a legend for every colour, one y axis, axes that end with the data, card text that fits).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { analyseH5 } from "../../src/analysis/analyse-h5.js";
import { analyseRun } from "../../src/analysis/analyse.js";
import { analyseWatch } from "../../src/analysis/analyse-watch.js";
import { message } from "../../src/messages/catalogue.js";
import { renderAnalysis } from "../../src/report/analysis-text.js";
import { auChart, throughputChart, timelineChart } from "../../src/report/chart-specs.js";
import { h5SpeedChart, hitRateChart } from "../../src/report/h5-charts.js";
import { renderH5Markdown } from "../../src/report/h5-markdown.js";
import { renderH5Html } from "../../src/report/h5-report.js";
import { renderRunHtml } from "../../src/report/html.js";
import { renderRunMarkdown } from "../../src/report/markdown.js";
import { fitCardText, runCard } from "../../src/report/png.js";
import { renderRunTable } from "../../src/report/run-text.js";
import { renderWatchMarkdown } from "../../src/report/watch-markdown.js";
import { renderWatchHtml } from "../../src/report/watch-report.js";
import { migrateResults } from "../../src/store/results-migrate.js";
import { RunResultsSchema } from "../../src/store/results-schema.js";
import type { Sample } from "../../src/telemetry/types.js";
import { h5Config, h5Study, watchCases } from "../analysis/study-cases.js";
import { syntheticRun } from "../analysis/synthetic-results.js";
import { root } from "../helpers.js";

const results = RunResultsSchema.parse(
  migrateResults(JSON.parse(readFileSync(join(root, "fixtures", "results", "run-jpeg-2cores.json"), "utf8"))),
);
const analysis = analyseRun(results);
const chalk = new Chalk({ level: 0 });
const MiB = 2 ** 20;
const AU_DEFINED = /AU: accelerator utilisation, the share of wall time the device was busy/;

/** Where a pattern first occurs in a text, -1 where it does not. */
const at = (text: string, pattern: RegExp): number => text.search(pattern);

describe("abbreviations are spelled out in every format", () => {
  it("the terminal: under gpuprof run's table, and before gpuprof report's diagnosis", () => {
    const table = renderRunTable(results, chalk);
    expect(table).toMatch(AU_DEFINED);
    expect(table).toMatch(/us\/sy\/wa: CPU time in user mode, in the kernel \(system\) and waiting for I\/O/);
    expect(table).toMatch(/RSS: resident set size/);
    expect(table).toMatch(/p50\/p95\/p99: the median, 95th and 99th percentile/);
    const report = renderAnalysis(analysis, chalk);
    // Spelled out before the diagnosis and findings use it.
    expect(at(report, AU_DEFINED)).toBeGreaterThanOrEqual(0);
    expect(at(report, AU_DEFINED)).toBeLessThan(at(report, /reached AU|AU of/));
    // gpuprof run prints the table (with the key) first, so its diagnosis does not say it again.
    expect(renderAnalysis(analysis, chalk, false)).not.toMatch(AU_DEFINED);
  });

  it("summary.md and report.html: before the first use of AU in the advice", () => {
    const md = renderRunMarkdown(results, analysis);
    expect(at(md, AU_DEFINED)).toBeGreaterThan(0);
    expect(at(md, AU_DEFINED)).toBeLessThan(at(md, /reached AU/));
    expect(md).toMatch(/RSS: resident set size/);
    const html = renderRunHtml(results, analysis, []);
    expect(html).toMatch(/<p class="key">Key: AU: accelerator utilisation, the share of wall time the device was busy/);
    expect(at(html, AU_DEFINED)).toBeLessThan(at(html, /reached AU/));
  });

  it("the summary card, which says AU in its advice", () => {
    const card = runCard(analysis);
    expect(card.advice.some((a) => /\bAU\b/.test(a))).toBe(true);
    expect(card.key).toBe("AU = accelerator utilisation, the share of wall time the device was busy");
  });

  it("the h5 and watch reports spell out their own abbreviations", () => {
    const study = h5Study([h5Config(1, MiB, 0.5, 900), h5Config(2, 64 * MiB, 0.95, 1000)]);
    const h5 = analyseH5(study);
    expect(renderH5Markdown(study, h5)).toMatch(/rdcc_nbytes\/rdcc_nslots\/rdcc_w0: h5py's chunk-cache size/);
    expect(renderH5Html(study, h5)).toMatch(/<p class="key">Key: rdcc_nbytes/);
    const { result, samples } = watchCases()["compute-bound"]!;
    const watch = analyseWatch(result, samples);
    expect(renderWatchMarkdown(result, watch)).toMatch(/p5\/p95: the 5th and 95th percentile/);
    expect(renderWatchHtml(result, watch, null)).toMatch(/<p class="key">Key: p5\/p95/);
  });
});

describe("a finding's state in words", () => {
  it("summary.md and report.html say issue, no issue or not enough data, never the bare 'none'", () => {
    const md = renderRunMarkdown(results, analysis);
    const findings = md.split("\n").filter((l) => l.startsWith("- **"));
    expect(findings.length).toBe(analysis.findings.length);
    expect(findings.some((l) => /\(issue, (measured|modelled|measured and modelled)\)/.test(l))).toBe(true);
    expect(findings.some((l) => /\(no issue, measured\)/.test(l))).toBe(true);
    expect(md).not.toMatch(/\((none|insufficient-data),/);
    const html = renderRunHtml(results, analysis, []);
    const tags = [...html.matchAll(/<span class="tag">([^<]*)<\/span>/g)].map((m) => m[1]!);
    expect(tags).toContain("no issue, measured");
    expect(tags.every((t) => /^(issue|no issue|not enough data), /.test(t))).toBe(true);
  });

  it("insufficient data reads 'not enough data'", () => {
    expect(message("finding.state.line", { state: message("finding.state.insufficient-data"), basis: "measured" })).toBe(
      "not enough data, measured",
    );
    const md = renderRunMarkdown(
      syntheticRun([{ workers: 2, samplesPerS: 900, au: 0.6 }]),
      analyseRun(syntheticRun([{ workers: 2, samplesPerS: 900, au: 0.6 }])),
    );
    expect(md).toMatch(/\*\*Prefetch workers\*\* \(not enough data, measured\)/);
  });
});

describe("a headline that rests on a modelled device says so", () => {
  it("names the modelled device in analysis.json's headline, the Markdown and HTML titles, the card and the terminal", () => {
    expect(results.consumer.kind).toBe("sim");
    expect(analysis.verdict).toBe("input-bound (CPU)");
    expect(analysis.headline).toBe("input-bound (CPU) (modelled device: resnet50-h100)");
    expect(renderRunMarkdown(results, analysis).split("\n")[0]).toBe("# gpuprof run: input-bound (CPU) (modelled device: resnet50-h100)");
    expect(renderRunHtml(results, analysis, [])).toMatch(/<h1>gpuprof: input-bound \(CPU\) \(modelled device: resnet50-h100\)<\/h1>/);
    expect(runCard(analysis).headline).toMatch(/modelled device: resnet50-h100/);
    expect(renderAnalysis(analysis, chalk)).toMatch(/^Diagnosis: input-bound \(CPU\) \(modelled device: resnet50-h100\)$/m);
  });

  it("a device-bound run on the modelled device says modelled in its headline", () => {
    const run = syntheticRun([
      { workers: 0, samplesPerS: 1646, au: 0.93 },
      { workers: 1, samplesPerS: 1771, au: 1 },
    ]);
    const a = analyseRun(run);
    expect(a.verdict).toBe("device-bound");
    expect(a.headline).toMatch(/^device-bound \(modelled device: /);
    // The workers finding is advice here, not an issue: the device is the limit.
    expect(a.findings.find((f) => f.id === "workers")!.verdict).toBe("none");
    expect(renderAnalysis(a, chalk)).not.toMatch(/^ {2}! Prefetch workers/m);
  });
});

describe("charts", () => {
  const twoSizes = h5Study([
    h5Config(1, MiB, 0.2, 900),
    h5Config(2, 64 * MiB, 0.95, 1000),
    h5Config(3, MiB, 0.4, 900, "chunk-shuffle"),
    h5Config(4, 64 * MiB, 0.99, 1000, "chunk-shuffle"),
  ]);

  it("hitrate.png: two cache sizes studied are points, not a joined curve; four or more are joined", () => {
    const spec = hitRateChart(twoSizes)!;
    const datasets = spec.config.data.datasets as { showLine?: boolean; data: unknown[] }[];
    expect(datasets).toHaveLength(2);
    expect(datasets.every((d) => d.showLine === false)).toBe(true);
    const four = h5Study([1, 4, 16, 64].map((m, i) => h5Config(i + 1, m * MiB, 0.2 * (i + 1), 900)));
    expect((hitRateChart(four)!.config.data.datasets as { showLine?: boolean }[])[0]!.showLine).toBe(true);
  });

  it("hitrate.png: identical series are one entry naming both; different ones differ in point style too", () => {
    const same = h5Study([
      h5Config(1, MiB, 0.2, 900),
      h5Config(2, 64 * MiB, 0.95, 1000),
      h5Config(3, MiB, 0.2, 900, "chunk-shuffle"),
      h5Config(4, 64 * MiB, 0.95, 1000, "chunk-shuffle"),
    ]);
    const merged = hitRateChart(same)!.config.data.datasets as { label?: string }[];
    expect(merged).toHaveLength(1);
    expect(merged[0]!.label).toMatch(/random.*=.*chunk-shuffle/);
    const apart = hitRateChart(twoSizes)!.config.data.datasets as { pointStyle?: string; borderColor?: string }[];
    expect(new Set(apart.map((d) => d.pointStyle)).size).toBe(2);
    expect(new Set(apart.map((d) => d.borderColor)).size).toBe(2);
  });

  it("speed.png: the legend names every colour the bars use", () => {
    const study = h5Study([h5Config(1, MiB, 0.2, 900), { ...h5Config(2, MiB, 0.2, 800), file: 1 }]);
    study.files.push({ ...study.files[0]!, path: "/e.h5", chunks: [1, 3, 218, 178] });
    const datasets = h5SpeedChart(study)!.config.data.datasets as { label?: string; backgroundColor?: unknown }[];
    // One dataset per file, each one colour: the legend has an entry for each.
    expect(datasets).toHaveLength(2);
    expect(datasets.every((d) => typeof d.backgroundColor === "string")).toBe(true);
    expect(new Set(datasets.map((d) => d.backgroundColor)).size).toBe(2);
    expect(datasets.map((d) => d.label)).toEqual(["chunk 100x3x218x178", "chunk 1x3x218x178"]);
  });

  it("throughput.png has one y axis; AU has a chart of its own", () => {
    const throughput = throughputChart(results, analysis)!;
    const yAxes = Object.keys(throughput.config.options!.scales!).filter((k) => k.startsWith("y"));
    expect(yAxes).toEqual(["y"]);
    const datasets = throughput.config.data.datasets as { borderDash?: unknown; yAxisID?: string }[];
    expect(datasets.every((d) => d.borderDash === undefined && d.yAxisID === undefined)).toBe(true);
    const au = auChart(results, analysis)!;
    expect(Object.keys(au.config.options!.scales!).filter((k) => k.startsWith("y"))).toEqual(["y"]);
    expect(au.config.options!.scales!["y"]).toMatchObject({ min: 0, max: 100 });
    expect(au.config.data.datasets).toHaveLength(datasets.length);
  });

  it("timeline.png: the x axis ends with the last sample", () => {
    const samples = Array.from({ length: 37 }, (_, i): Sample => ({
      tMs: 200 + i * 100,
      cpu: { userPct: 40, nicePct: 0, systemPct: 5, iowaitPct: 1, irqPct: 0, softirqPct: 0, stealPct: 0, idlePct: 54 },
      cores: [],
      mem: { totalMiB: null, availableMiB: null, pageCacheMiB: null },
      io: { procReadBytesPerS: 1e6, procStorageReadBytesPerS: 0, diskReadBytesPerS: 0 },
      gpus: [],
    }));
    const x = timelineChart(samples, [])!.config.options!.scales!["x"] as { min?: number; max?: number };
    // The last sample is at 3.8 s: the axis stops there, not at the next round number (4).
    expect(x.max).toBe(3.8);
    expect(x.min).toBe(0.2);
  });

  it("the card's advice ends at a sentence or with an ellipsis after a whole word", () => {
    const measure = (s: string): number => s.length * 9;
    const plain = (md: string): string => md.replace(/\*\*/g, "").replace(/`/g, "");
    for (const text of analysis.recommendations.map((r) => plain(r.text))) {
      const lines = fitCardText(text, measure, 1104, 2);
      expect(lines.length).toBeLessThanOrEqual(2);
      expect(lines.every((l) => measure(l) <= 1104)).toBe(true);
      const shown = lines.join(" ");
      if (shown === text) continue;
      // Shortened: whole sentences and an ellipsis, or a whole word of the first sentence and an ellipsis.
      expect(shown).toMatch(/ …$/);
      const kept = shown.slice(0, -2);
      expect(text.startsWith(kept)).toBe(true);
      expect(text.charAt(kept.length)).toMatch(/[\s,;:(]/);
    }
    // A first sentence too long for two lines is cut after a whole word.
    const long = `${"Use a much larger chunk cache for every worker ".repeat(8).trim()}. Then measure.`;
    const cut = fitCardText(long, measure, 400, 2);
    expect(cut).toHaveLength(2);
    expect(cut[1]).toMatch(/\w …$/);
    expect(long.startsWith(cut.join(" ").slice(0, -2))).toBe(true);
    // Two sentences that fit in two lines are kept whole, the third left out with an ellipsis.
    expect(fitCardText("One two. Three four. Five six seven eight nine ten.", measure, 120, 2)).toEqual(["One two.", "Three four. …"]);
  });
});

describe("the key under the run table", () => {
  it("defines only the abbreviations of the columns the table kept at this width", () => {
    const results = syntheticRun([
      { workers: 0, samplesPerS: 300, au: 0.3 },
      { workers: 2, samplesPerS: 600, au: 0.6 },
    ]);
    const plain = new Chalk({ level: 0 });
    const full = renderRunTable(results, plain);
    expect(full).toContain("us/sy/wa: CPU time");
    const narrow = renderRunTable(results, plain, { width: 80, verbose: false });
    expect(narrow).not.toContain("us/sy/wa %");
    expect(narrow).not.toContain("us/sy/wa:");
    expect(narrow).toContain("AU: accelerator utilisation");
  });
});
