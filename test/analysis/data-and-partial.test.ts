// A partial run says so in every format and concludes nothing about trials that did not run; the
// throughput chart of one worker count starts at 0; batch-echo advice never claims a factor the sweep did not measure.
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { analyseRun } from "../../src/analysis/analyse.js";
import { detectEcho } from "../../src/analysis/detectors/echo.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/analysis/types.js";
import { renderAnalysis } from "../../src/report/analysis-text.js";
import { throughputChart } from "../../src/report/chart-specs.js";
import { renderRunHtml } from "../../src/report/html.js";
import { renderRunMarkdown } from "../../src/report/markdown.js";
import { runCard } from "../../src/report/png.js";
import { renderRunAnswer } from "../../src/report/run-text.js";
import { AnalysisFileSchema } from "../../src/store/analysis-schema.js";
import type { RunResults } from "../../src/store/results-schema.js";
import { tempDir } from "../helpers.js";
import { syntheticRun, type TrialShape } from "./synthetic-results.js";

const plain = new Chalk({ level: 0 });

/** The default sweep's plan, workers 0, 1, 2 by uint8, float32: loading on the training thread is CPU-bound, workers feed the device. */
const SHAPES: TrialShape[] = [
  { workers: 0, dtype: "uint8", samplesPerS: 500, au: 0.4, userPct: 90, processUserS: 2.9 },
  { workers: 0, dtype: "float32", samplesPerS: 350, au: 0.3, userPct: 95, processUserS: 2.95 },
  { workers: 1, dtype: "uint8", samplesPerS: 1770, au: 1 },
  { workers: 1, dtype: "float32", samplesPerS: 1730, au: 1 },
  { workers: 2, dtype: "uint8", samplesPerS: 1771, au: 1 },
  { workers: 2, dtype: "float32", samplesPerS: 1729, au: 1 },
];

/** The same sweep stopped (Ctrl-C) after its first `finished` trials: the plan keeps all six. */
function interrupted(full: RunResults, finished: number): RunResults {
  return { ...full, interrupted: true, trials: full.trials.slice(0, finished) };
}

describe("a partial run", () => {
  const full = syntheticRun(SHAPES);
  const partial = interrupted(full, 2);
  const analysis = analyseRun(partial);

  it("keeps the full run's verdict unqualified", () => {
    const whole = analyseRun(full);
    expect(whole.answer.partial).toBeNull();
    expect(whole.verdict).toBe("device-bound");
    for (const f of whole.findings) expect(f.summary).not.toContain("partial");
  });

  it("says 'partial: 2 of 6 trials' in the artifact, and qualifies the diagnosis", () => {
    expect(() => AnalysisFileSchema.parse(JSON.parse(JSON.stringify(analysis)))).not.toThrow();
    expect(analysis.answer.partial).toEqual({ finished: 2, planned: 6 });
    expect(analysis.verdict).toMatch(/^partial: 2 of 6 trials; input-bound( \(CPU\))? among the trials that finished$/);
  });

  it("concludes nothing from comparisons with configurations that did not run, and says which", () => {
    const workers = analysis.findings.find((f) => f.id === "workers")!;
    expect(workers.verdict).toBe("insufficient-data");
    expect(workers.summary).toContain("Not measured: workers 1, 2");
    expect(workers.summary).toContain("partial: 2 of 6 trials");
    expect(workers.recommend).toEqual([]);
    expect(analysis.recommendations.map((r) => r.findingId)).not.toContain("workers");
    // Every other finding rests on the finished trials and says so.
    for (const f of analysis.findings.filter((x) => x.id !== "workers")) expect(f.summary).toContain("partial: 2 of 6 trials");
    // Both dtypes ran (at workers 0), so the dtype finding still judges, qualified.
    const dtype = analysis.findings.find((f) => f.id === "dtype")!;
    expect(dtype.verdict).not.toBe("insufficient-data");
  });

  it("says so in the terminal, summary.md, report.html and the PNG card", () => {
    const dir = tempDir();
    const terminal = renderRunAnswer(partial, analysis, dir, dir, plain) + renderAnalysis(analysis, plain);
    expect(terminal).toMatch(/^Diagnosis: partial: 2 of 6 trials; .* among the trials that finished \(modelled device: [^)]+\)$/m);
    expect(renderRunMarkdown(partial, analysis)).toMatch(/^# gpuprof run: partial: 2 of 6 trials; /);
    expect(renderRunHtml(partial, analysis, [])).toContain("partial: 2 of 6 trials");
    const card = runCard(analysis);
    expect(card.headline).toContain("partial: 2 of 6 trials");
    expect(card.tone).toBe("unknown");
  });

  it("gets a throughput chart whose x axis starts at 0 workers when one worker count ran", () => {
    const chart = throughputChart(partial, analysis)!;
    const x = (chart.config.options as { scales: { x: { min?: number; max?: number } } }).scales.x;
    expect(x.min).toBeGreaterThanOrEqual(0);
    expect(x.max).toBeGreaterThan(x.min!);
    const many = throughputChart(full, analyseRun(full))!;
    expect((many.config.options as { scales: { x: { min?: number } } }).scales.x.min).toBe(0);
  });
});

describe("batch-echo advice", () => {
  // 110 ms of loading on 1 worker against 36 ms of device time: R = 3.06, and the device waits.
  const slow: TrialShape = { workers: 1, samplesPerS: 200, au: 0.3, loadMs: 110, deviceMsPerBatch: 36 };
  const largestFactor = (text: string): number =>
    Math.max(0, ...[...text.matchAll(/factor (?:up to |of )?(\d+)/g)].map((m) => Number(m[1])));

  it("claims no gain for a factor the sweep did not measure, and names the sweep that would", () => {
    const f = detectEcho(syntheticRun([slow]), T);
    expect(f.verdict).toBe("issue");
    expect(f.evidence["largestEchoSwept"]).toBe(1);
    expect(f.recommend).toHaveLength(1);
    const advice = f.recommend[0]!;
    expect(advice.template).toBe("advice.echo-unmeasured");
    expect(advice.gain).toBeNull();
    expect(advice.value).toBe("not measured beyond 1: sweep --echo 1,2,3");
    expect(f.summary).toContain("a factor of 3 was not measured");
    expect(f.summary).not.toMatch(/keeps the device busy;/);
    const analysis = analyseRun(syntheticRun([slow]));
    const rec = analysis.recommendations.find((r) => r.findingId === "echo")!;
    expect(rec.expectedGain).toBeNull();
    expect(rec.text).not.toMatch(/Consider batch echoing with a factor up to/);
  });

  it("names a factor only up to the largest swept, on any sweep", () => {
    for (const swept of [1, 2, 4, 8]) {
      for (const loadMs of [80, 110, 200, 400]) {
        const shapes: TrialShape[] = [{ ...slow, loadMs }];
        if (swept > 1) shapes.push({ ...slow, loadMs, echo: swept, samplesPerS: 150, deviceMsPerBatch: 36 * swept });
        const f = detectEcho(syntheticRun(shapes), T);
        for (const advice of f.recommend) {
          if (advice.gain !== null) {
            expect(Number(advice.value), `swept ${swept}, load ${loadMs}`).toBeLessThanOrEqual(swept);
            expect(largestFactor(f.summary)).toBeLessThanOrEqual(swept);
          } else expect(advice.value).toMatch(/^not measured beyond \d+: sweep --echo /);
        }
      }
    }
    // Swept up to 4 with R = 3: the factor 3 was measured around, so it is advised with its gain.
    const within = detectEcho(syntheticRun([slow, { ...slow, echo: 4, samplesPerS: 150, deviceMsPerBatch: 144 }]), T);
    expect(within.recommend[0]).toMatchObject({ template: "advice.echo", value: "3" });
    expect(within.recommend[0]!.gain).not.toBeNull();
  });
});
