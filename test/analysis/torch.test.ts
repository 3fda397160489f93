// A run of the torch loader: the advice judges PyTorch's trials alone, the loader finding sets them
// beside gpuprof's loader, and a harness-only run says once that its numbers are not PyTorch's.
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { analyseRun } from "../../src/analysis/analyse.js";
import { compareRuns, nothingComparedReason } from "../../src/analysis/compare.js";
import { renderComparison } from "../../src/report/compare-text.js";
import { renderRunMarkdown } from "../../src/report/markdown.js";
import { renderRunHtml } from "../../src/report/html.js";
import { runCharts } from "../../src/report/run-pngs.js";
import { renderRunTerminal } from "../../src/report/run-text.js";
import type { RunResults } from "../../src/store/results-schema.js";
import { loaderFinding, torchFaster, torchSlowerLoad } from "./run-finding-cases.js";
import { cudaConsumer, syntheticRun, withTorchLoader, type TrialShape } from "./synthetic-results.js";
import { tempDir } from "../helpers.js";

const plain = new Chalk({ level: 0 });
const torch = (shape: TrialShape): TrialShape => ({ ...shape, loader: "torch" });

/** The harness at 30k samples/s, PyTorch at 8k: the advice must quote PyTorch. */
const both = (): RunResults =>
  withTorchLoader(
    syntheticRun([
      { workers: 0, samplesPerS: 10000, au: 0.3 },
      torch({ workers: 0, samplesPerS: 3000, au: 0.1 }),
      { workers: 2, samplesPerS: 30000, au: 0.9 },
      torch({ workers: 2, samplesPerS: 8000, au: 0.25, workerRssMiB: 1200 }),
      torch({ workers: 2, pinMemory: true, samplesPerS: 7900, au: 0.25 }),
    ]),
  );

const terminal = (results: RunResults, verbose: boolean): string => {
  const dir = tempDir();
  return renderRunTerminal(results, analyseRun(results), dir, dir, plain, { width: Number.POSITIVE_INFINITY, verbose });
};

describe("the loader finding", () => {
  it("torch at 60% of the harness with a slower per-sample load names the load", () => {
    const two = withTorchLoader(syntheticRun([torchSlowerLoad.trials[2]!, torchSlowerLoad.trials[3]!].map(shape)));
    const f = loaderFinding(two)!;
    expect(f.verdict).toBe("issue");
    expect(f.evidence).toMatchObject({ shareOfHarness: 0.6, cause: "load", judgedTorchTrial: 2, judgedHarnessTrial: 1 });
    expect(f.summary).toContain("reaches 60.0% of the samples/s of gpuprof's loader");
    expect(f.summary).toContain("most of the difference is the loading in the workers, 2.50x the harness's time per sample");
    expect(f.trials).toEqual([2, 1]);
  });

  it("torch faster than the harness: the harness is no ceiling there", () => {
    const f = loaderFinding(torchFaster)!;
    expect(f.verdict).toBe("none");
    expect(f.evidence["cause"]).toBe("faster");
    expect(f.summary).toContain("PyTorch is faster than the harness here, so the harness is no ceiling");
    expect(f.summary).not.toMatch(/\bis the ceiling\b/);
  });

  it("a torch-only run has no loader finding", () => {
    const r = withTorchLoader(syntheticRun([torch({ workers: 2, samplesPerS: 800, au: 0.5 })]), { requested: ["torch"] });
    expect(analyseRun(r).findings.map((f) => f.id)).not.toContain("loader");
  });
});

describe("a run with torch trials is judged on them", () => {
  it("the Best line and the workers advice quote PyTorch's numbers, not the harness's", () => {
    const results = both();
    const analysis = analyseRun(results);
    expect(analysis.answer.judged).toBe("torch");
    expect(analysis.answer.best?.trialId).toBe(4);
    expect(analysis.answer.best?.samplesPerS).toBe(8000);
    // vs workers 0 is PyTorch's workers 0.
    expect(analysis.answer.vsInline?.trialId).toBe(2);
    const workers = analysis.recommendations.find((r) => r.findingId === "workers")!;
    expect(workers.text).toContain("`num_workers=2`");
    expect(workers.text).toContain("2.67x the samples/s of num_workers=0");
    // pin_memory was swept: the advice quotes it, and says the sim device cannot show its gain.
    expect(workers.text).toContain(
      "`pin_memory=True` measured 0.99x the samples/s of `pin_memory=False` here, the cost of pinning alone: the faster copy it buys on a GPU was modelled, not measured",
    );
    expect(analysis.recommendations.map((r) => r.template)).not.toContain("advice.measure-torch");
    const text = terminal(results, false);
    expect(text).toContain("Best: torch, workers 2, uint8: 8,000 samples/s");
    expect(text).not.toContain("30,000 samples/s");
    // The table marks PyTorch's best, not the harness's faster trial.
    expect(text).toMatch(/\* torch, workers 2, uint8 /);
    // The side-by-side finding, and the charts still show both loaders.
    const loader = analysis.findings.find((f) => f.id === "loader")!;
    expect(loader.summary).toContain("reaches 26.7% of the samples/s of gpuprof's loader");
    expect(analysis.answer.configurations.map((c) => c.trialId)).toEqual([1, 2, 3, 4, 5]);
    const throughput = runCharts(results, analysis, null).find((c) => c.id === "throughput")!;
    expect(throughput.config.data.datasets.map((d) => d.label)).toEqual([
      "uint8, transfer: samples/s",
      "torch, uint8: samples/s",
      "torch, uint8, pinned: samples/s",
    ]);
    expect(runCharts(results, analysis, null).map((c) => c.id)).toContain("loaders");
  });

  it("the torch loader's consumer is the device behind the verdict", () => {
    const results = withTorchLoader(both(), { consumer: cudaConsumer() });
    const analysis = analyseRun(results);
    expect(analysis.headline).not.toContain("modelled device");
    const workers = analysis.recommendations.find((r) => r.findingId === "workers")!;
    expect(workers.text).toContain("`pin_memory=True` measured 0.99x the samples/s of `pin_memory=False` here, so either will do");
    const md = renderRunMarkdown(results, analysis);
    expect(md).toContain(
      "Loader: PyTorch's DataLoader (torch 2.3.1 on Python 3.11.9, /usr/bin/python3; images decoded with pil; numpy 1.26.4, Pillow 10.3.0), beside gpuprof's own loader (the harness); the findings and the advice judge PyTorch's trials.",
    );
    expect(md).toContain("The torch loader's cuda consumer on 'NVIDIA H100 80GB HBM3'");
  });
});

describe("the reports of a torch run", () => {
  it("summary.md and report.html show PyTorch beside the harness and the DataLoader's processes", () => {
    const results = both();
    const analysis = analyseRun(results);
    const md = renderRunMarkdown(results, analysis);
    expect(md).toContain("## PyTorch against gpuprof's loader");
    expect(md).toContain("| 4: torch, workers 2, uint8 | 8,000 | 30,000 (3: workers 2, uint8, transfer) | 26.7% |");
    expect(md).toContain("## PyTorch's processes");
    // Each worker and the workers summed: copy-on-read growth shows in their RSS.
    expect(md).toContain("| 4 | torch, workers 2, uint8 | worker 1 |");
    expect(md).toContain("| 4 | torch, workers 2, uint8 | 2 workers, summed |  | 5.20 | 2,410 |");
    expect(md).toMatch(/\| 4 \| torch, workers 2, uint8 \| main \| \d+ \| 1\.40 \| 900 \| - \| 900 \|/);
    expect(md).toContain("| 4 | torch, workers 2, uint8 **(best)** | 8,000 |");
    const html = renderRunHtml(results, analysis, []);
    expect(html).toContain("<h2>PyTorch&#39;s processes</h2>");
    expect(html).toContain("<h2>PyTorch against gpuprof&#39;s loader</h2>");
  });

  it("the terminal shows the processes only with --verbose", () => {
    const results = both();
    expect(terminal(results, false)).not.toContain("first batch 900 ms");
    const verbose = terminal(results, true);
    expect(verbose).toContain(
      "torch, workers 2, uint8: first batch 900 ms; main 1.40 s CPU, 900 MiB; 2 workers 5.20 s CPU, 2,410 MiB peak RSS summed (1,200, 1,210 MiB each)",
    );
    expect(verbose).toContain("torch, workers 2, uint8: 26.7% of gpuprof's loader (8,000 against 30,000 samples/s); the rest goes to");
  });
});

describe("a harness-only run", () => {
  it("says once, in the advice, that its numbers are gpuprof's loader's and how to measure PyTorch", () => {
    const results = syntheticRun([
      { workers: 0, samplesPerS: 300, au: 0.3 },
      { workers: 2, samplesPerS: 600, au: 0.6 },
    ]);
    const analysis = analyseRun(results);
    expect(analysis.answer.judged).toBe("harness");
    expect(analysis.recommendations.find((r) => r.findingId === "workers")!.text).toContain(
      "try `pin_memory=True` for faster host-to-device copies (not measured: the harness does not pin memory; the torch loader's --pin-memory false,true measures it)",
    );
    const notes = analysis.recommendations.filter((r) => r.template === "advice.measure-torch");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.text).toContain("These numbers come from gpuprof's own loader, not from PyTorch");
    expect(notes[0]!.text).toContain("`gpuprof run --loader torch`");
    // Nowhere else in the advice.
    const others = analysis.recommendations.filter((r) => r.template !== "advice.measure-torch");
    for (const r of others) expect(r.text).not.toContain("--loader");
  });
});

describe("compare", () => {
  it("a torch run against a harness run says the loaders differ", () => {
    const harness = syntheticRun([{ workers: 2, samplesPerS: 1000, au: 0.6 }]);
    const torchRun = withTorchLoader(syntheticRun([torch({ workers: 2, samplesPerS: 800, au: 0.5 })]), { requested: ["torch"] });
    const c = compareRuns(harness, torchRun, 0.05);
    expect(c.comparable).toBe(false);
    expect(c.differences).toContain("loader: gpuprof's loader in base, PyTorch's DataLoader in head");
    const text = renderComparison(c);
    expect(text).toContain("The runs differ in more than the swept settings");
    expect(text).toContain("Only in head (not compared): torch, workers 2, uint8");
    expect(nothingComparedReason(harness, torchRun)).toBe(
      "the runs measured different loaders (--loader harness in base, torch in head), and a configuration of one never matches the other's, so nothing was compared; run both with the same --loader (--loader harness,torch measures both)",
    );
    // Same loader, other axes: the general reason.
    expect(nothingComparedReason(harness, syntheticRun([{ workers: 4, samplesPerS: 1000, au: 0.6 }]))).toMatch(
      /^the runs share no configuration, so nothing was compared; sweep the same/,
    );
  });
});

describe("a run of the user's own Dataset (--dataset-factory)", () => {
  const userRun = (sampleDtype: string): RunResults => {
    const r = withTorchLoader(
      syntheticRun(
        [torch({ workers: 0, samplesPerS: 800, au: 0.5 }), torch({ workers: 2, samplesPerS: 1500, au: 0.8 })].map((t) => ({
          ...t,
          dtype: "dataset" as const,
        })),
      ),
      { requested: ["torch"] },
    );
    return { ...r, dataset: { ...r.dataset, kind: "python", origin: "user", diskBytes: 0, fitsInPageCache: null, sampleDtype } };
  };

  it("says the page cache is the Dataset's own, without advising --cold it cannot apply", () => {
    const analysis = analyseRun(userRun("float32"));
    const f = analysis.findings.find((x) => x.id === "page-cache")!;
    expect(f.verdict).toBe("insufficient-data");
    expect(f.summary).toMatch(
      /^Your Dataset reads its own data, which gpuprof does not see.*: \d+(\.\d)?% of the [\d.]+ \w?B its processes read came from storage\.$/,
    );
    expect(analysis.recommendations.map((r) => r.template)).not.toContain("advice.cold");
  });

  it("names the dtype the Dataset returns, and what uint8 would carry, without claiming a measured gain", () => {
    const wide = analyseRun(userRun("float32")).findings.find((x) => x.id === "dtype")!;
    expect(wide.verdict).toBe("insufficient-data");
    expect(wide.summary).toContain("Your Dataset returns float32 samples: it picks its own dtype");
    expect(wide.summary).toContain("(0.25x the bytes a batch carries), then run again to measure");
    expect(wide.recommend).toEqual([]);
    const narrow = analyseRun(userRun("uint8")).findings.find((x) => x.id === "dtype")!;
    expect(narrow.summary).toBe("Your Dataset returns uint8 samples, already the narrowest a pixel needs: nothing to gain from the dtype.");
  });
});

function shape(t: RunResults["trials"][number]): TrialShape {
  if (t.status !== "ok") throw new Error("a finished trial");
  return {
    loader: t.spec.loader,
    workers: t.spec.workers,
    samplesPerS: t.metrics.samplesPerS,
    au: t.metrics.au,
    loadMs: t.metrics.loadMsPerBatch.mean,
    transportMs: t.metrics.transport.msPerBatch.mean,
    waitMs: t.metrics.waitMs.mean,
  };
}
