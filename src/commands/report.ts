import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { renderRunHtml } from "../report/html.js";
import { runCharts, writeRunPngs } from "../report/run-pngs.js";
import { TimelineFileSchema } from "../store/timeline-schema.js";
import { analyseRun, type Analysis } from "../analysis/analyse.js";
import { renderRunMarkdown } from "../report/markdown.js";
import { claimRunDir } from "../store/run-dir.js";
import { RunFiles } from "../store/run-files.js";
import { RESULTS_SCHEMA_VERSION, RunResultsSchema, type RunResults } from "../store/results-schema.js";
import { UsageError } from "../util/errors.js";
import { migrateResults } from "../store/results-migrate.js";

export const REPORT_FORMATS = ["terminal", "md", "json", "html", "png"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Reads a run's results.json (or the folder holding it); every problem is one line naming the fix. */
export function loadRunResults(path: string): { results: RunResults; file: string } {
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, "results.json");
  } catch {
    throw new UsageError(`${path}: no such file or folder; give a run folder (reports/<timestamp>-run) or its results.json`);
  }
  if (!existsSync(file)) throw new UsageError(`${path} has no results.json; give the folder a gpuprof run wrote`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(
      `${file} is not valid JSON (${err instanceof Error ? err.message.split("\n")[0] : String(err)}); it may be damaged: run the sweep again`,
    );
  }
  const header = data as { kind?: unknown; schemaVersion?: unknown };
  if (header?.kind === "gpuprof.h5" || header?.kind === "gpuprof.watch") {
    throw new UsageError(`${file} holds ${String(header.kind)} results; gpuprof report renders gpuprof run results so far`);
  }
  if (header?.kind !== "gpuprof.run") throw new UsageError(`${file} is not a gpuprof results file (no kind "gpuprof.run")`);
  if (typeof header.schemaVersion === "number" && header.schemaVersion > RESULTS_SCHEMA_VERSION) {
    throw new UsageError(
      `${file} was written by a newer gpuprof (schema ${header.schemaVersion}; this one reads ${RESULTS_SCHEMA_VERSION}); upgrade gpuprof`,
    );
  }
  const parsed = RunResultsSchema.safeParse(migrateResults(data));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(
      `${file} does not match the results schema (${issue.path.join(".") || "top level"}: ${issue.message}); it may be damaged or hand-edited`,
    );
  }
  return { results: parsed.data, file };
}

/** The run's timeline beside its results, for the timeline chart; a missing or damaged one just leaves that chart out. */
function loadTimeline(path: string): {
  samples: NonNullable<ReturnType<typeof TimelineFileSchema.parse>>["samples"];
  spans: NonNullable<ReturnType<typeof TimelineFileSchema.parse>["spans"]>;
} | null {
  try {
    const timeline = TimelineFileSchema.parse(JSON.parse(readFileSync(path, "utf8")));
    return { samples: timeline.samples, spans: timeline.spans ?? [] };
  } catch {
    return null;
  }
}

export interface ReportOptions {
  source: string;
  formats: ReportFormat[];
  out?: string;
  force: boolean;
}

/** `gpuprof report`: re-analyse saved results offline; writes files only into --out. */
export async function report(
  options: ReportOptions,
): Promise<{ results: RunResults; analysis: Analysis; markdown: string; written: string[] }> {
  const { results, file } = loadRunResults(options.source);
  const analysis = analyseRun(results);
  const markdown = renderRunMarkdown(results, analysis);
  const written: string[] = [];
  if (options.out !== undefined) {
    const dir = claimRunDir({ out: options.out, reportsDir: "reports", label: "report", force: options.force });
    const files = new RunFiles(dir);
    if (options.formats.includes("md")) written.push(files.writeText("summary.md", markdown));
    if (options.formats.includes("json")) written.push(files.writeJson("analysis.json", analysis));
    const timeline = loadTimeline(join(dirname(file), "timeline.json"));
    if (options.formats.includes("png"))
      written.push(...(await writeRunPngs(files, results, analysis, timeline)).map((name) => files.path(name)));
    if (options.formats.includes("html"))
      written.push(files.writeText("report.html", renderRunHtml(results, analysis, runCharts(results, timeline))));
  }
  return { results, analysis, markdown, written };
}
