import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { analyseH5 } from "../../src/analysis/analyse-h5.js";
import { analyseWatch } from "../../src/analysis/analyse-watch.js";
import { renderedMessageIds } from "../../src/messages/catalogue.js";
import { STUDY_FINDING_MESSAGES } from "../../src/messages/study-findings.js";
import { WATCH_LIVE_MESSAGES } from "../../src/messages/watch-live.js";
import { renderH5Markdown } from "../../src/report/h5-markdown.js";
import { renderH5Html, writeH5Pngs } from "../../src/report/h5-report.js";
import { h5ConfigLine, renderH5Results, renderH5Verdict } from "../../src/report/h5-text.js";
import { escapeHtml, inlineMarkdown } from "../../src/report/html-page.js";
import { renderWatchMarkdown } from "../../src/report/watch-markdown.js";
import { renderWatchHtml, writeWatchPngs } from "../../src/report/watch-report.js";
import { AnalysisFileSchema, type AnalysisFile } from "../../src/store/analysis-schema.js";
import type { H5Results } from "../../src/store/h5-results-schema.js";
import type { RunFiles } from "../../src/store/run-files.js";
import { tempDir } from "../helpers.js";
import { h5Cases, h5Config, h5Study, watchCases } from "./study-cases.js";

const plain = new Chalk({ level: 0 });
/** Advice as the terminal prints it: Markdown bold and code spans shown as their text. */
const terminalText = (markdown: string): string => markdown.replace(/\*\*(.+?)\*\*/g, "$1").replace(/`([^`]+)`/g, "$1");
/** The page a reader sees: the inlined Chart.js and the embedded raw results left out. */
const htmlBody = (html: string): string => html.split("<script")[0]!;

type Format = { name: string; text: string; shows: (markdown: string) => string };

/** Each format shows the finding's summary and every piece of advice, and nothing unfilled. */
function expectEveryFormatShows(analysis: AnalysisFile, formats: Format[]): void {
  const finding = analysis.findings[0]!;
  for (const format of formats) {
    const label = `${analysis.source} ${format.name}`;
    expect(format.text, label).toContain(format.name === "HTML" ? escapeHtml(finding.summary) : finding.summary);
    for (const r of analysis.recommendations) expect(format.text, label).toContain(format.shows(r.text));
    expect(format.text, label).not.toMatch(/\{\{|undefined|NaN/);
  }
}

/** A study that reaches the reports' other branches: notes, a failed and a disagreeing configuration, a contiguous file, an interruption. */
function branchyStudy(): H5Results {
  const base = h5Study([h5Config(1, 2 ** 19, 0.5, 900), h5Config(2, 64 * 2 ** 20, 0.95, 1000)], { smallest: 2 ** 20 });
  const contiguous = { ...base.files[0]!, chunks: null, compression: "gzip", fitsInPageCache: null } as H5Results["files"][number];
  const disagrees = h5Config(5, 2 ** 20, 0.6, 800);
  const lastSmallest = base.smallestCache[0]!;
  return {
    ...base,
    notes: ["a study note"],
    interrupted: true,
    files: [base.files[0]!, contiguous, { ...base.files[0]!, fitsInPageCache: false }],
    configs: [
      ...base.configs,
      { ...h5Config(3, 2 ** 20, 0.6, 950), workers: 2, notes: ["a configuration note"] },
      { ...h5Config(4, 2 ** 20, 0.6, null), file: 1, error: "read failed" },
      { ...disagrees, live: { ...disagrees.live!, agrees: false, difference: -0.03 } },
    ],
    smallestCache: [
      lastSmallest,
      { ...lastSmallest, file: 1, nbytes: null },
      { ...lastSmallest, file: 2, nbytes: null },
      { ...lastSmallest, workers: 2, nbytes: 1e12 },
    ],
  };
}

/** Writes nothing: the PNGs are rendered for their words, then dropped. */
const noFiles = { writeBytes: () => undefined } as unknown as RunFiles;

const h5 = Object.entries(h5Cases()).map(([name, results]) => ({ name, results, analysis: analyseH5(results) }));
const watch = Object.entries(watchCases()).map(([name, run]) => ({ name, ...run, analysis: analyseWatch(run.result, run.samples) }));

describe("the h5 and watch messages", () => {
  it.each(h5)("h5, $name: the artifact parses, and every format shows its summary and advice", ({ results, analysis }) => {
    expect(AnalysisFileSchema.parse(JSON.parse(JSON.stringify(analysis)))).toEqual(analysis);
    expect(analysis).toMatchObject({ kind: "gpuprof.analysis", source: "h5", thresholds: null, answer: null });
    expect(analysis.findings).toHaveLength(1);
    const terminal = renderH5Results(results, tempDir(), "/", plain, analysis) + renderH5Verdict(analysis, plain);
    expectEveryFormatShows(analysis, [
      { name: "terminal", text: terminal, shows: terminalText },
      { name: "Markdown", text: renderH5Markdown(results, analysis, ["summary.png", "hitrate.png"]), shows: (t) => t },
      { name: "HTML", text: htmlBody(renderH5Html(results, analysis)), shows: inlineMarkdown },
    ]);
    expect(terminal).toContain(`Verdict: ${analysis.verdict}`);
  });

  it.each(watch)("watch, $name: the artifact parses, and every format shows its summary and advice", ({ result, analysis }) => {
    expect(AnalysisFileSchema.parse(JSON.parse(JSON.stringify(analysis)))).toEqual(analysis);
    expect(analysis).toMatchObject({ kind: "gpuprof.analysis", source: "watch", thresholds: null, answer: null });
    expect(analysis.findings).toHaveLength(1);
    // The watch command's terminal summary shows the telemetry and the summary line, not the advice: summary.md and report.html carry it.
    expectEveryFormatShows(analysis, [
      { name: "Markdown", text: renderWatchMarkdown(result, analysis, ["summary.png"]), shows: (t) => t },
      { name: "HTML", text: htmlBody(renderWatchHtml(result, analysis, null)), shows: inlineMarkdown },
    ]);
  });

  it("reaches every verdict of both detectors", () => {
    expect(new Set(h5.map((c) => c.analysis.findings[0]!.verdict))).toEqual(new Set(["none", "issue", "insufficient-data"]));
    expect(new Set(watch.map((c) => c.analysis.findings[0]!.evidence["kind"]))).toEqual(
      new Set([
        "compute-bound",
        "cpu-bound input",
        "io-bound input",
        "periodic stalls",
        "gpu underused",
        "gpu not used",
        "no gpu utilisation",
        "no gpu",
        "host cpu-bound",
        "host io-bound",
        "host neither",
      ]),
    );
  });

  it("renders the reports' other branches: notes, failures, interruptions, the PNG cards, a missing series", async () => {
    const results = branchyStudy();
    const analysis = analyseH5(results);
    const dir = tempDir();
    const terminal = renderH5Results(results, dir, "/", plain, analysis) + renderH5Verdict(analysis, plain);
    expect(terminal).toContain("Interrupted: 5 configurations finished and were saved.");
    expect(terminal).toContain("contiguous dataset: no chunk cache applies");
    expect(terminal).toContain("(the whole dataset)");
    expect(terminal).toContain("1 configuration(s) (marked !)");
    expect(h5ConfigLine(results, results.configs[3]!)).toContain("live failed: read failed");
    expect(renderH5Markdown(results, analysis)).toContain(": none");
    expect(htmlBody(renderH5Html(results, analysis))).toContain("none reaches it");
    await writeH5Pngs(noFiles, results, analysis);
    const single = h5Cases()["no chunked configuration"]!;
    await writeH5Pngs(noFiles, single, analyseH5(single));
    expect(h5ConfigLine(single, single.configs[0]!)).toMatch(/: no chunk cache, 100 samples\/s live$/);
    const run = watchCases()["compute-bound"]!;
    const gone = { ...run.result, summary: { ...run.result.summary, io: { ...run.result.summary.io, procStorageReadMBPerS: null } } };
    const unnamed = gone.summary.gpus.map((g) => ({ ...g, name: null }));
    const noted = {
      ...gone,
      summary: { ...gone.summary, gpus: unnamed },
      notes: [{ source: "nvidia-smi", message: "stopped answering" }],
    } as typeof run.result;
    const watchAnalysis = analyseWatch(noted, run.samples);
    expect(htmlBody(renderWatchHtml(noted, watchAnalysis, null))).toContain("stopped answering");
    expect(renderWatchMarkdown(noted, watchAnalysis)).toContain("util % (unknown)");
    expect(renderWatchMarkdown(noted, watchAnalysis, ["timeline.png"])).toContain("| n/a | n/a | n/a |");
    await writeWatchPngs(noFiles, noted, watchAnalysis, null);
  });

  // Last: the cases above render every message between them.
  it("renders every h5. and watch. message at least once", () => {
    const rendered = renderedMessageIds();
    // The live line's own (watch.live.) are rendered by its test, test/report/watch-live.test.ts.
    const ids = [...Object.keys(STUDY_FINDING_MESSAGES), ...Object.keys(WATCH_LIVE_MESSAGES).filter((id) => !id.startsWith("watch.live."))];
    const missing = ids.filter(
      (id) => (id.startsWith("h5.") || id.startsWith("watch.")) && !rendered.has(id as keyof typeof STUDY_FINDING_MESSAGES),
    );
    expect(missing, `never rendered: ${missing.join(", ")}`).toEqual([]);
  });
});
