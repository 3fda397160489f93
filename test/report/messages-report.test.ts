// Every message of the report renderers is reachable and renders: synthetic runs, a comparison, a
// dry run, h5 studies, watched runs and a host walk every renderer's branches, and the catalogue
// records which ids were rendered.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Chalk } from "chalk";
import { afterAll, describe, expect, it } from "vitest";
import { analyseRun } from "../../src/analysis/analyse.js";
import { compareRuns } from "../../src/analysis/compare.js";
import { buildPlan } from "../../src/harness/plan.js";
import type { DryRun } from "../../src/harness/run-types.js";
import { analyseWatch } from "../../src/analysis/analyse-watch.js";
import { renderedMessageIds } from "../../src/messages/catalogue.js";
import { REPORT_MESSAGES } from "../../src/messages/report.js";
import { hitRateChart, h5Charts, h5FileLabel } from "../../src/report/h5-charts.js";
import { renderComparison } from "../../src/report/compare-text.js";
import { consumerText, modelledText } from "../../src/report/consumer-text.js";
import { renderRunHtml } from "../../src/report/html.js";
import { renderInfo } from "../../src/report/info-text.js";
import { renderRunMarkdown } from "../../src/report/markdown.js";
import { runCard, summaryCardPng } from "../../src/report/png.js";
import { runCardSubtitle, runCharts } from "../../src/report/run-pngs.js";
import { sweepProgress } from "../../src/report/run-progress.js";
import { renderDryRun, renderRunAnswer, renderRunTable } from "../../src/report/run-text.js";
import { renderWatchSummary } from "../../src/report/watch-text.js";
import { renderWatchHtml } from "../../src/report/watch-report.js";
import type { Comparison } from "../../src/store/comparison.js";
import type { H5Results } from "../../src/store/h5-results-schema.js";
import type { InfoResult } from "../../src/store/info-schema.js";
import type { ConsumerInfo, RunResults, TrialResult } from "../../src/store/results-schema.js";
import { h5Cases, h5Config, h5Study, watchCases, watchSamples } from "../analysis/study-cases.js";
import { SYNTHETIC_GPU, cudaConsumer, syntheticRun, webgpuConsumer, withTorchLoader } from "../analysis/synthetic-results.js";

const chalk = new Chalk({ level: 0 });
const GPU = SYNTHETIC_GPU;
const stats = (mean: number) => ({ mean, min: mean, max: mean, p5: mean, p95: mean, coverage: 1 });

function webgpu(options: { software?: boolean; physical?: boolean; busId?: boolean; timestamps?: boolean } = {}): ConsumerInfo {
  return webgpuConsumer({ ...options, stepModel: { kind: "preset", name: "resnet50-a100", msPerSample: 0.4, source: "test" } });
}

/** A run on a WebGPU consumer with nvidia-smi readings for its GPU. */
function onWebgpu(run: RunResults, consumer: ConsumerInfo): RunResults {
  return {
    ...run,
    host: { ...run.host, gpus: [GPU], cpuModel: "AMD EPYC 9654", os: "Ubuntu 24.04" } as RunResults["host"],
    consumer,
    trials: run.trials.map((t) =>
      t.status !== "ok"
        ? t
        : {
            ...t,
            telemetry: { ...t.telemetry, gpus: [{ ...GPU, utilPct: stats(70), memUsedMiB: null, powerW: null, pcieRxMBPerS: null }] },
          },
    ),
  };
}

const failed = (run: RunResults, id: number, reason: string): RunResults => ({
  ...run,
  trials: run.trials.map((t): TrialResult => (t.spec.id === id ? { status: "failed", spec: t.spec, reason } : t)),
});

/** Two repeats of each shape, the second's trials after the first's, as the plan orders them. */
function repeated(shapes: Parameters<typeof syntheticRun>[0]): RunResults {
  const a = syntheticRun(shapes);
  const b = syntheticRun(shapes.map((s) => ({ ...s, samplesPerS: s.samplesPerS * 1.1 })));
  const trials = [...a.trials, ...b.trials.map((t, i) => ({ ...t, spec: { ...t.spec, id: a.trials.length + i + 1, repeat: 2 } }))];
  return { ...a, trials, plan: { ...a.plan, trials: trials.map((t) => t.spec) } };
}

const mixed = syntheticRun([
  { workers: 0, samplesPerS: 300, au: 0.3, userPct: 60, loadMs: 120 },
  { workers: 2, samplesPerS: 600, au: 0.6, userPct: 90, loadMs: 120 },
  { workers: 4, samplesPerS: 605, au: 0.61, userPct: 95, loadMs: 120 },
  { workers: 2, dtype: "float32", samplesPerS: 400, au: 0.4, userPct: 95, loadMs: 180 },
  { workers: 2, transport: "clone", samplesPerS: 420, au: 0.42, userPct: 92, loadMs: 120, echo: 2 },
]);
const fine = syntheticRun([
  { workers: 2, samplesPerS: 1000, au: 0.99 },
  { workers: 4, samplesPerS: 1001, au: 0.99 },
]);
const withNotes: RunResults = {
  ...mixed,
  notes: ["the dataset was generated now"],
  trials: mixed.trials.map((t) =>
    t.status === "ok" && t.spec.id <= 3 ? { ...t, notes: [t.spec.id === 1 ? "one trial" : "two trials"] } : t,
  ),
};
const interrupted: RunResults = {
  ...failed(mixed, 2, "worker crashed"),
  interrupted: true,
  plan: { ...mixed.plan, trials: [...mixed.plan.trials, { ...mixed.plan.trials[0]!, id: 6 }] },
  host: { ...mixed.host, gpus: [{ ...GPU, name: null, busId: null }] } as RunResults["host"],
  dataset: { ...mixed.dataset, fitsInPageCache: null },
};

/** PyTorch beside the harness, its extra time in each place by turns: faster, load, transport, as fast, the main process. */
const torchBeside = withTorchLoader(
  syntheticRun([
    { workers: 0, samplesPerS: 400, au: 0.24, loadMs: 160 },
    { loader: "torch", workers: 0, samplesPerS: 500, au: 0.3, loadMs: 128 },
    { workers: 2, samplesPerS: 1000, au: 0.6, loadMs: 100, transportMs: 0.3 },
    { loader: "torch", workers: 2, samplesPerS: 600, au: 0.36, loadMs: 250, transportMs: 1.5 },
    { loader: "torch", workers: 2, pinMemory: true, samplesPerS: 500, au: 0.3, loadMs: 100, transportMs: 80 },
    { workers: 4, samplesPerS: 1500, au: 0.9 },
    { loader: "torch", workers: 4, samplesPerS: 1480, au: 0.89 },
    { workers: 6, samplesPerS: 2000, au: 0.95, loadMs: 100 },
    { loader: "torch", workers: 6, samplesPerS: 1000, au: 0.5, loadMs: 100 },
  ]),
  { consumer: cudaConsumer() },
);
const torchOnly = withTorchLoader(
  syntheticRun([
    { loader: "torch", workers: 0, samplesPerS: 300, au: 0.3 },
    { loader: "torch", workers: 2, samplesPerS: 600, au: 0.6 },
  ]),
  { requested: ["torch"], decoder: null },
);

const RUNS: Record<string, RunResults> = {
  "torch beside the harness": torchBeside,
  "torch only": torchOnly,
  mixed,
  fine,
  notes: withNotes,
  "failed trial": failed(fine, 2, "out of memory | <oops>"),
  repeats: repeated([
    { workers: 1, samplesPerS: 1000, au: 0.5 },
    { workers: 2, samplesPerS: 1500, au: 0.8 },
  ]),
  interrupted,
  "interrupted before a trial": { ...mixed, interrupted: true, trials: [] },
  "larger than RAM": syntheticRun([{ workers: 1, samplesPerS: 100, au: 0.2, kernelPct: 60, storageShare: 0.9 }], { fits: false }),
  "only workers 0": syntheticRun([{ workers: 0, samplesPerS: 100, au: 0.2 }]),
  webgpu: onWebgpu(mixed, webgpu({ physical: true })),
  "webgpu, software": onWebgpu(fine, webgpu({ software: true, timestamps: false })),
  "webgpu, unmatched": onWebgpu(fine, webgpu()),
  "webgpu, no bus id": onWebgpu(fine, webgpu({ physical: true, busId: false })),
};

// A run folder with every optional report in it, so that the saved-files line names them all.
const outDir = mkdtempSync(join(tmpdir(), "gpuprof-messages-report-"));
for (const file of ["report.html", "summary.md", "summary.png", "analysis.json"]) writeFileSync(join(outDir, file), "");

const outputs: Record<string, string> = {};
const checked: [string, string][] = [];
function keep(name: string, text: string): void {
  outputs[name] = text;
  checked.push([name, text]);
}

/** The page without the inlined Chart.js, which is not ours to check. */
const htmlBody = (html: string): string => html.replace(/<script>(?!\n\(function)[\s\S]*?<\/script>/, "<script>(chart.js)</script>");

class Terminal extends Writable {
  written = "";
  isTTY = true;
  columns = 200;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.written += chunk.toString();
    done();
  }
}

function progressText(run: RunResults, tty: boolean): string {
  const stream = new Terminal();
  stream.isTTY = tty;
  const progress = sweepProgress(stream, chalk);
  progress.start(run.trials.length, 12.3);
  progress.log("a line");
  for (const t of run.trials) {
    progress.trialStarted(t.spec);
    progress.trialFinished(t);
  }
  progress.stop();
  return stream.written;
}

const dry = (over: Partial<DryRun["settings"]>, plan = mixed.plan.trials, ready = true): DryRun => ({
  kind: "dry-run",
  plan,
  estimatedS: 42,
  settings: { ...mixed.settings, ...over } as DryRun["settings"],
  datasetLabel: "synthetic npy",
  datasetReady: ready,
  consumer: { kind: "sim", reason: "no GPU" },
  loader: { loaders: ["harness"], reason: "--loader harness" },
});

const comparison = (over: Partial<Comparison>): Comparison => ({
  maxRegression: 0.05,
  matched: [],
  failedInHead: [],
  fixedInHead: [],
  onlyInBase: [],
  onlyInHead: [],
  differences: [],
  regressions: 0,
  comparable: true,
  ...over,
});
const delta = (configuration: string, change: number) => ({
  configuration,
  base: { samplesPerS: 1000, au: 0.5, stall: 0.5 },
  head: { samplesPerS: 1000 * (1 + change), au: 0.5, stall: 0.5 },
  change,
  regressed: change < -0.05,
});

const info = (over: { gpus?: boolean; quota?: boolean; nulls?: boolean }): InfoResult => ({
  schemaVersion: 1,
  kind: "gpuprof.info",
  tool: { name: "gpuprof", version: "0" },
  host: {
    hostname: "test-host",
    os: { distro: "Ubuntu 24.04", release: "24.04", kernel: "6.8.0", arch: "x64" },
    cpu: {
      model: "AMD EPYC",
      physicalCores: 4,
      logicalCores: 8,
      usable: { count: 8, limitedBy: over.quota ? "cgroup-quota" : "affinity" },
    },
    memory: { totalMiB: 32000, availableMiB: 20000, pageCacheMiB: over.nulls ? null : 8000 },
    disks: [
      { name: "nvme0n1", sizeBytes: 1e12, rotational: false, model: "Samsung" },
      { name: "sda", sizeBytes: 4e12, rotational: true, model: "" },
      { name: "vda", sizeBytes: 1e11, rotational: null, model: "" },
    ],
    filesystems: [{ mount: "/", fs: "/dev/nvme0n1p1", type: "ext4", sizeBytes: 1e12, availableBytes: 5e11 }],
    gpus: over.gpus
      ? [
          {
            ...GPU,
            driverVersion: "550.54",
            memoryTotalMiB: 81559,
            pcieGenCurrent: 5,
            pcieGenMax: 5,
            pcieWidthCurrent: 16,
            pcieWidthMax: 16,
          },
          {
            index: 4,
            name: null,
            uuid: null,
            busId: null,
            driverVersion: null,
            memoryTotalMiB: null,
            pcieGenCurrent: null,
            pcieGenMax: null,
            pcieWidthCurrent: null,
            pcieWidthMax: null,
          },
        ]
      : [],
    gpuProblem: over.nulls ? null : "nvidia-smi not found",
  },
  loader: { workerCeiling: 8, pageCacheMiB: 8000, availableMiB: over.nulls ? null : 20000 },
});

/** An h5 study whose configurations vary slots and workers, over a compressed and a contiguous file. */
function variedStudy(): H5Results {
  const base = h5Study([h5Config(1, 2 ** 19, 0.5, 900), h5Config(2, 64 * 2 ** 20, 0.95, 1000)]);
  const contiguous = { ...base.files[0]!, chunks: null, compression: "gzip" } as H5Results["files"][number];
  return {
    ...base,
    files: [{ ...base.files[0]!, compression: "gzip" } as H5Results["files"][number], contiguous],
    configs: [
      ...base.configs,
      { ...h5Config(3, 2 ** 20, 0.6, 950), workers: 2, cache: { nbytes: 2 ** 20, nslots: 1009, w0: 0.75 } },
      { ...h5Config(4, 2 ** 20, 0.6, null), file: 1 },
    ],
  };
}

describe("the report renderers' messages", () => {
  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
    if (process.env["REPORT_DUMP"]) writeFileSync(process.env["REPORT_DUMP"], JSON.stringify(outputs, null, 1));
  });

  it.each(Object.keys(RUNS))("render a run: %s", async (name) => {
    const run = RUNS[name]!;
    const analysis = analyseRun(run);
    const results = { ...run, bestTrialId: analysis.answer.best?.trialId ?? null };
    const samples = watchSamples(40, (i) => ({ gpu: i % 2 === 0 ? 90 : null, user: 50, sys: 5, wa: 5, storage: 1e6 }));
    const spans = results.trials.map((t, i) => ({ label: `#${t.spec.id}`, trialId: t.spec.id, startMs: i * 1000, endMs: i * 1000 + 900 }));
    const noGpuSamples = samples.map((s) => ({ ...s, gpus: [] }));
    const charts = runCharts(results, analysis, { samples, spans });
    const otherTimeline = runCharts(results, analysis, { samples: noGpuSamples, spans: [] });
    keep(`${name}: markdown`, renderRunMarkdown(results, analysis, ["summary.png", "throughput.png", "stall.png"]));
    keep(`${name}: markdown, no pngs`, renderRunMarkdown(results, analysis));
    keep(`${name}: html`, htmlBody(renderRunHtml(results, analysis, charts)));
    keep(`${name}: html, no charts`, htmlBody(renderRunHtml(results, analysis, [])));
    keep(`${name}: table`, renderRunTable(results, chalk));
    keep(`${name}: answer`, renderRunAnswer(results, analysis, outDir, outDir, chalk));
    keep(`${name}: charts`, JSON.stringify([...charts, ...otherTimeline], null, 1));
    keep(`${name}: card subtitle`, runCardSubtitle(results));
    keep(`${name}: consumer`, `${consumerText(results.consumer)}\n${modelledText(results.consumer)}`);
    keep(`${name}: progress, log`, progressText(results, false));
    keep(`${name}: progress, terminal`, progressText(results, true).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ""));
    const png = await summaryCardPng(runCard(analysis), null, runCardSubtitle(results));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    outputs[`${name}: card png`] = createHash("sha256").update(png).digest("hex");
  });

  it("render a comparison of two runs", () => {
    const base = RUNS["mixed"]!;
    const head = RUNS["failed trial"]!;
    keep("compare: two runs", renderComparison(compareRuns(base, head, 0.05)));
    keep("compare: a run with itself", renderComparison(compareRuns(base, base, 0.05)));
    keep("compare: torch against both loaders", renderComparison(compareRuns(torchOnly, torchBeside, 0.05)));
    keep(
      "compare: regressions",
      renderComparison(
        comparison({
          matched: [delta("workers 1, uint8", -0.2), delta("workers 2, uint8", 0.1)],
          failedInHead: [{ configuration: "workers 4, uint8", reason: "a | pipe", base: { samplesPerS: 10, au: 0.1, stall: 0.9 } }],
          fixedInHead: ["workers 8, uint8"],
          onlyInBase: ["workers 16, uint8"],
          onlyInHead: ["workers 32, uint8"],
          differences: ["batch 64 -> 128"],
          regressions: 2,
        }),
      ),
    );
    keep("compare: one regression", renderComparison(comparison({ matched: [delta("workers 1, uint8", -0.2)], regressions: 1 })));
    keep("compare: nothing", renderComparison(comparison({ comparable: false, onlyInBase: ["a"], onlyInHead: ["b"] })));
  });

  it("render a dry run", () => {
    keep("dry run", renderDryRun(dry({})));
    keep("dry run, one trial", renderDryRun(dry({ steps: 100, dropLast: true, cold: true }, mixed.plan.trials.slice(0, 1), false)));
    keep("dry run, repeats", renderDryRun(dry({}, RUNS["repeats"]!.plan.trials)));
    const axes = {
      loaders: ["harness" as const],
      pinMemory: [false],
      workers: [0, 2],
      dtypes: ["uint8" as const],
      transports: ["clone" as const],
      echoes: [1, 2],
    };
    const split = buildPlan({ ...axes, echoSplit: 2, baseline: true, repeat: 1 });
    keep("dry run, split and baseline", renderDryRun(dry({}, split)));
    expect(outputs["dry run, split and baseline"]).toContain("workers 2, uint8, clone, split 2, baseline");
  });

  it("render h5 charts and labels", () => {
    const studies = { ...h5Cases(), varied: variedStudy() };
    for (const [name, study] of Object.entries(studies)) {
      keep(`h5 ${name}: charts`, JSON.stringify(h5Charts(study), null, 1));
      keep(`h5 ${name}: labels`, study.files.map(h5FileLabel).join("\n"));
    }
    expect(hitRateChart(variedStudy())).not.toBeNull();
  });

  it("render a run's answer that names a trial no longer in it", () => {
    const run = RUNS["mixed"]!;
    const text = renderRunAnswer({ ...run, trials: [] }, analyseRun(run), outDir, outDir, chalk);
    keep("answer, trials gone", text);
    expect(text).toContain("trial 2");
  });

  it("render watch summaries", () => {
    const compute = watchCases()["compute-bound"]!;
    keep("watch html", htmlBody(renderWatchHtml(compute.result, analyseWatch(compute.result, compute.samples), null)));
    for (const [name, c] of Object.entries(watchCases()))
      keep(`watch ${name}`, renderWatchSummary({ ...c.result, outDir: "/gpuprof-no-such-dir" }, chalk, "/"));
    const one = watchCases()["compute-bound"]!.result;
    keep(
      "watch, one sample, a signal",
      renderWatchSummary(
        {
          ...one,
          exit: { code: null, signal: "SIGTERM" },
          outDir: "/tmp/out",
          summary: { ...one.summary, sampleCount: 1, io: { ...one.summary.io, procReadMBPerS: null } },
        } as typeof one,
        chalk,
        "/tmp",
      ),
    );
    const gpus = one.summary.gpus.map((g) => ({ ...g, utilPct: null, memUsedMiB: stats(1000), pcieRxMBPerS: stats(50) }));
    keep(
      "watch, gpu rows",
      renderWatchSummary({ ...one, outDir: "/gpuprof-no-such-dir", summary: { ...one.summary, gpus } } as typeof one, chalk, "/"),
    );
  });

  it("render the host", () => {
    keep("info, gpus", renderInfo(info({ gpus: true, quota: true }), chalk));
    keep("info, no gpu", renderInfo(info({}), chalk));
    keep("info, no gpu, nothing known", renderInfo(info({ nulls: true }), chalk));
  });

  it("render every report message at least once", () => {
    const rendered = renderedMessageIds() as ReadonlySet<string>;
    const missing = Object.keys(REPORT_MESSAGES).filter((id) => id.startsWith("report.") && !rendered.has(id));
    expect(missing, `messages never rendered: ${missing.join(", ")}`).toEqual([]);
  });

  it("leave no placeholder, undefined or NaN in what they render", () => {
    expect(checked.length).toBeGreaterThan(50);
    for (const [name, text] of checked) {
      expect(text, name).not.toMatch(/\{\{|undefined|NaN/);
    }
  });
});
