// Every message of the run's analysis, in every verdict it can give, rendered in every format: the
// terminal, summary.md, report.html and the PNG card all carry each finding and each piece of advice,
// and the answer's every message renders. The catalogue records which ids were rendered.
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { analyseRun } from "../../src/analysis/analyse.js";
import { recommendations } from "../../src/analysis/recommend.js";
import { ANSWER_MESSAGES } from "../../src/messages/answer.js";
import { ADVICE_MESSAGES } from "../../src/messages/advice.js";
import { renderedMessageIds } from "../../src/messages/catalogue.js";
import { RUN_FINDING_MESSAGES } from "../../src/messages/run-findings.js";
import { renderAnalysis } from "../../src/report/analysis-text.js";
import { escapeHtml, inlineMarkdown } from "../../src/report/html-page.js";
import { renderRunHtml } from "../../src/report/html.js";
import { renderRunMarkdown } from "../../src/report/markdown.js";
import { runCard } from "../../src/report/png.js";
import { renderRunAnswer } from "../../src/report/run-text.js";
import { AnalysisFileSchema } from "../../src/store/analysis-schema.js";
import type { RunResults, TrialResult } from "../../src/store/results-schema.js";
import { CASES, onWebgpu } from "../analysis/run-finding-cases.js";
import { syntheticRun, withTorchLoader, type TrialShape } from "../analysis/synthetic-results.js";
import { tempDir } from "../helpers.js";

const plain = new Chalk({ level: 0 });
const outDir = tempDir();
/** The page without the inlined Chart.js, whose source has "undefined" in it. */
const body = (html: string): string => html.replace(/<script[\s\S]*?<\/script>/g, "");
const terminalText = (markdown: string): string => markdown.replace(/\*\*(.+?)\*\*/g, "$1").replace(/`([^`]+)`/g, "$1");

/** Every format of one analysis, as a user gets them. */
function formats(results: RunResults, analysis: ReturnType<typeof analyseRun>) {
  const card = runCard(analysis);
  return {
    terminal: renderRunAnswer(results, analysis, outDir, outDir, plain) + renderAnalysis(analysis, plain),
    markdown: renderRunMarkdown(results, analysis, ["summary.png"]),
    html: body(renderRunHtml(results, analysis, [])),
    card: [card.headline, ...card.advice].join("\n"),
  };
}

const base = syntheticRun([
  { workers: 0, samplesPerS: 300, au: 0.3 },
  { workers: 2, samplesPerS: 600, au: 0.6 },
]);

describe("every finding of every detector, in every verdict, in every format", () => {
  const findings = Object.entries(CASES).flatMap(([detector, cases]) =>
    cases.map((make, i) => ({ name: `${detector} #${i + 1}`, f: make() })),
  );

  it.each(findings.map((c) => [c.name, c.f] as const))("%s", (_, f) => {
    const analysis = { ...analyseRun(base), findings: [f], recommendations: recommendations([f]) };
    expect(() => AnalysisFileSchema.parse(analysis)).not.toThrow();
    const out = formats(base, analysis);
    expect(out.terminal).toContain(`${f.title}: ${f.summary}`);
    // The state in words: "issue", "no issue", "not enough data".
    const state = { issue: "issue", none: "no issue", "insufficient-data": "not enough data" }[f.verdict];
    expect(out.markdown).toContain(`**${f.title}** (${state}, ${f.basis}): ${f.summary}`);
    expect(out.html).toContain(escapeHtml(f.summary));
    for (const r of analysis.recommendations) {
      expect(out.terminal).toContain(terminalText(r.text));
      expect(out.markdown).toContain(r.text);
      expect(out.html).toContain(inlineMarkdown(r.text));
      expect(out.card).toContain(r.text);
    }
    for (const text of Object.values(out)) expect(text).not.toMatch(/\{\{|undefined|NaN/);
  });

  it("rendered every message of the detectors and every piece of their advice", () => {
    const rendered = renderedMessageIds() as ReadonlySet<string>;
    // h5's and watch's advice come from their own studies, rendered in every format by test/analysis/messages-study.test.ts.
    const ids = [
      ...Object.keys(RUN_FINDING_MESSAGES),
      ...Object.keys(ADVICE_MESSAGES).filter((id) => !/^advice\.(h5|periodic-stalls)$/.test(id)),
    ];
    const missing = ids.filter((id) => !rendered.has(id));
    expect(missing, `messages never rendered: ${missing.join(", ")}`).toEqual([]);
  });
});

/** A copy of trial `i` of `run` as another trial: a repeat, a baseline, a note, or a failure. */
function variant(run: RunResults, i: number, change: (t: Extract<TrialResult, { status: "ok" }>) => TrialResult): RunResults {
  const t = run.trials[i];
  if (t?.status !== "ok") throw new Error("variant of a trial that did not finish");
  const added = change(structuredClone(t));
  const trials = [...run.trials, { ...added, spec: { ...added.spec, id: run.trials.length + 1 } }];
  return { ...run, trials, plan: { ...run.plan, trials: trials.map((x) => x.spec) } };
}

const sweep = (shapes: TrialShape[]): RunResults => syntheticRun(shapes);
const levers = sweep([
  { workers: 0, samplesPerS: 300, au: 0.3 },
  { workers: 2, samplesPerS: 1000, au: 0.97 },
  { workers: 4, samplesPerS: 1030, au: 0.98 },
  { workers: 2, dtype: "float32", samplesPerS: 800, au: 0.8 },
  { workers: 2, transport: "clone", samplesPerS: 700, au: 0.7 },
  { workers: 2, echo: 2, samplesPerS: 900, au: 0.99 },
]);

/** Runs that reach every message of the answer. */
const ANSWERS: Record<string, () => RunResults> = {
  "every lever, the fastest beside the best, the worst": () => levers,
  "repeats, notes of one trial and of several, run notes, interrupted": () => {
    const r = variant(levers, 1, (t) => ({ ...t, spec: { ...t.spec, repeat: 2 }, metrics: { ...t.metrics, samplesPerS: 1100 } }));
    for (const t of r.trials) if (t.status === "ok") t.notes = t.spec.id <= 2 ? ["shared note"] : t.spec.id === 3 ? ["lone note"] : [];
    return {
      ...r,
      notes: ["a run note"],
      interrupted: true,
      plan: { ...r.plan, trials: [...r.plan.trials, { ...r.plan.trials[0]!, id: 99 }] },
    };
  },
  "a ceiling the device limits": () =>
    variant(levers, 1, (t) => ({ ...t, spec: { ...t.spec, baseline: true }, metrics: { ...t.metrics, au: 1 } })),
  "a ceiling the harness limits, loading the limit, h5 chunks, cold": () => {
    const r = sweep([{ workers: 2, samplesPerS: 500, au: 0.5 }]);
    const c = variant(r, 0, (t) => ({ ...t, spec: { ...t.spec, baseline: true }, metrics: { ...t.metrics, samplesPerS: 2000, au: 0.8 } }));
    return {
      ...c,
      settings: { ...c.settings, cold: true },
      dataset: {
        ...c.dataset,
        fitsInPageCache: false,
        h5: { dataset: "images", chunks: [20, 3, 218, 178], compressed: false, cache: { nbytes: 2 ** 20, nslots: 521, w0: 0.75 } },
      },
    };
  },
  "compressed h5 chunks, page cache size unknown, a moderate stall": () => {
    const r = sweep([{ workers: 2, samplesPerS: 500, au: 0.88 }]);
    return {
      ...r,
      dataset: {
        ...r.dataset,
        fitsInPageCache: null,
        h5: { dataset: "images", chunks: [20, 3, 218, 178], compressed: true, cache: { nbytes: 2 ** 20, nslots: 521, w0: 0.75 } },
      },
    };
  },
  "contiguous h5, no reads": () => {
    const r = sweep([{ workers: 2, samplesPerS: 500, au: 0.99 }]);
    for (const t of r.trials) if (t.status === "ok") t.metrics.reads = { allBytes: 0, storageBytes: 0 };
    return {
      ...r,
      dataset: {
        ...r.dataset,
        h5: { dataset: "images", chunks: null, compressed: false, cache: { nbytes: 2 ** 20, nslots: 521, w0: 0.75 } },
      },
    };
  },
  "loading the limit with the workers at the usable cores": () =>
    syntheticRun([{ workers: 2, samplesPerS: 500, au: 0.5 }], { usableCores: 2 }),
  "a measured device that is the limit": () => onWebgpu(sweep([{ workers: 2, samplesPerS: 500, au: 0.99 }])),
  "a device idle in the consumer's own host work": () => onWebgpu(sweep([{ workers: 2, samplesPerS: 500, au: 0.8, hostOverhead: 0.18 }])),
  "loading on the training thread that delivered nothing": () =>
    sweep([
      { workers: 0, samplesPerS: 0, au: 0 },
      { workers: 2, samplesPerS: 500, au: 0.99 },
    ]),
  "the DataLoader's ceiling at a torch configuration": () =>
    withTorchLoader(
      variant(sweep([{ loader: "torch", workers: 2, samplesPerS: 500, au: 0.5 }]), 0, (t) => ({
        ...t,
        spec: { ...t.spec, baseline: true },
        metrics: { ...t.metrics, samplesPerS: 2000, au: 0.8 },
      })),
      { requested: ["torch"] },
    ),
  "nothing finished": () => ({ ...base, trials: [] }),
  "nothing finished, a trial failed": () => ({
    ...base,
    trials: [{ status: "failed", spec: base.trials[0]!.spec, reason: "no such file" }],
  }),
};

describe("the run's answer in every case", () => {
  it.each(Object.entries(ANSWERS))("%s", (_, make) => {
    const results = make();
    const analysis = analyseRun(results);
    expect(() => AnalysisFileSchema.parse(analysis)).not.toThrow();
    for (const text of Object.values(formats(results, analysis))) expect(text).not.toMatch(/\{\{|undefined|NaN/);
  });

  it("rendered every message of the answer", () => {
    const rendered = renderedMessageIds() as ReadonlySet<string>;
    const missing = Object.keys(ANSWER_MESSAGES).filter((id) => !rendered.has(id));
    expect(missing, `messages never rendered: ${missing.join(", ")}`).toEqual([]);
  });
});
