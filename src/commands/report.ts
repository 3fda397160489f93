import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { analyseRun, type Analysis } from "../analysis/analyse.js";
import { analyseH5 } from "../analysis/analyse-h5.js";
import { DEFAULT_THRESHOLDS } from "../analysis/types.js";
import type { AnalysisFile } from "../store/analysis-schema.js";
import { H5_RESULTS_SCHEMA_VERSION, H5ResultsSchema, type H5Results } from "../store/h5-results-schema.js";
import { migrateResults } from "../store/results-migrate.js";
import { RESULTS_SCHEMA_VERSION, RunResultsSchema, type RunResults } from "../store/results-schema.js";
import { h5Renderers, runRenderers } from "../report/report-sets.js";
import { writeReports } from "../report/write-reports.js";
import { claimRunDir } from "../store/run-dir.js";
import { RunFiles } from "../store/run-files.js";
import { TimelineFileSchema } from "../store/timeline-schema.js";
import { UsageError } from "../util/errors.js";
import { refuseSpecialFile } from "../util/special-files.js";
import type { z } from "zod";

export const REPORT_FORMATS = ["terminal", "md", "json", "html", "png"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export type LoadedResults = { kind: "run"; results: RunResults; file: string } | { kind: "h5"; results: H5Results; file: string };

const KINDS = {
  "gpuprof.run": { version: RESULTS_SCHEMA_VERSION, oldest: 1, schema: RunResultsSchema as z.ZodType<unknown>, command: "gpuprof run" },
  "gpuprof.h5": { version: H5_RESULTS_SCHEMA_VERSION, oldest: 1, schema: H5ResultsSchema as z.ZodType<unknown>, command: "gpuprof h5" },
} as const;

function readJson(file: string): unknown {
  const text = readFileSync(file, "utf8");
  // A Markdown or CSV file given by mistake is not a damaged results file.
  if (!/^\s*[{[]/.test(text)) throw new UsageError(`${file} is not JSON; give the results.json gpuprof wrote, or its folder`);
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 quotes the start of the text after its reason; the reason alone is the useful part.
    const why = (err instanceof Error ? err.message.split("\n")[0]! : String(err)).replace(/, ".*$/, "");
    throw new UsageError(`${file} is not valid JSON (${why}); it may be damaged: run the command that wrote it again`);
  }
}

/** A run, h5 or watch folder, or its results file; every problem is one line naming the fix. */
export function loadResults(path: string, reader = "gpuprof report renders run and h5 results"): LoadedResults {
  let file = path;
  // A FIFO or a device is refused before it is read: reading one could block forever.
  const stats = refuseSpecialFile(path, "", "give a folder gpuprof run or gpuprof h5 wrote (reports/<timestamp>-run) or its results.json");
  if (stats === null)
    throw new UsageError(
      `${path}: no such file or folder; give a folder gpuprof run or gpuprof h5 wrote (reports/<timestamp>-run) or its results.json`,
    );
  if (stats.isDirectory()) file = join(path, "results.json");
  if (file !== path) refuseSpecialFile(file, "", "give the folder gpuprof run or gpuprof h5 wrote, with its results.json a regular file");
  if (!existsSync(file)) {
    if (existsSync(join(path, "summary.json")))
      throw new UsageError(
        `${path} is a gpuprof watch folder: its report files are written by watch itself (summary.md, report.html); ${reader}`,
      );
    throw new UsageError(`${path} has no results.json; give the folder gpuprof run or gpuprof h5 wrote`);
  }
  const data = readJson(file);
  const header = data as { kind?: unknown; schemaVersion?: unknown } | null;
  if (header?.kind === "gpuprof.watch") throw new UsageError(`${file} holds gpuprof watch results; ${reader}`);
  const kind = typeof header?.kind === "string" && header.kind in KINDS ? (header.kind as keyof typeof KINDS) : null;
  if (kind === null) throw new UsageError(`${file} is not a gpuprof results file (its "kind" is neither gpuprof.run nor gpuprof.h5)`);
  const spec = KINDS[kind];
  const version = header!.schemaVersion;
  if (typeof version !== "number" || !Number.isInteger(version)) {
    throw new UsageError(`${file} has no schema version; it was not written by gpuprof, or it was edited: run ${spec.command} again`);
  }
  if (version > spec.version) {
    throw new UsageError(
      `${file} was written by a newer gpuprof (schema ${version}; this one reads up to ${spec.version}); upgrade gpuprof`,
    );
  }
  if (version < spec.oldest) {
    throw new UsageError(
      `${file} has schema ${version}, older than any this gpuprof reads (${spec.oldest} to ${spec.version}); run ${spec.command} again`,
    );
  }
  const parsed = spec.schema.safeParse(kind === "gpuprof.run" ? migrateResults(data) : data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(
      `${file} does not match the results schema (${issue.path.join(".") || "top level"}: ${issue.message}); it may be damaged or hand-edited`,
    );
  }
  return kind === "gpuprof.run"
    ? { kind: "run", results: parsed.data as RunResults, file }
    : { kind: "h5", results: parsed.data as H5Results, file };
}

/** A run's results.json (compare reads only runs). */
export function loadRunResults(path: string): { results: RunResults; file: string } {
  const loaded = loadResults(path, "gpuprof compare compares gpuprof run results");
  if (loaded.kind !== "run") throw new UsageError(`${loaded.file} holds gpuprof h5 results; gpuprof compare compares gpuprof run results`);
  return loaded;
}

type Timeline = { samples: z.infer<typeof TimelineFileSchema>["samples"]; spans: NonNullable<z.infer<typeof TimelineFileSchema>["spans"]> };

/** The run's timeline beside its results, for the timeline chart: missing is normal, damaged is said. */
function loadTimeline(path: string, say: (line: string) => void): Timeline | null {
  if (!existsSync(path)) return null;
  try {
    refuseSpecialFile(path, "", "");
    const timeline = TimelineFileSchema.parse(JSON.parse(readFileSync(path, "utf8")));
    return { samples: timeline.samples, spans: timeline.spans ?? [] };
  } catch {
    say(`${path} is damaged, so the timeline chart is left out; the other charts and the analysis do not need it`);
    return null;
  }
}

export interface ReportOptions {
  source: string;
  formats: ReportFormat[];
  out?: string;
  force: boolean;
  /** AU a configuration must reach (--au-target). */
  auTarget: number;
  say(line: string): void;
}

export type ReportOutcome =
  | { kind: "run"; results: RunResults; analysis: Analysis; markdown: string; written: string[] }
  | { kind: "h5"; results: H5Results; analysis: AnalysisFile; markdown: string; written: string[] };

/** `gpuprof report`: re-analyse saved results offline; writes files only into --out. */
export async function report(options: ReportOptions): Promise<ReportOutcome> {
  const loaded = loadResults(options.source);
  const files =
    options.out === undefined
      ? null
      : new RunFiles(claimRunDir({ out: options.out, reportsDir: "reports", label: "report", force: options.force }));
  if (loaded.kind === "h5") {
    const results = loaded.results;
    const analysis = analyseH5(results);
    const { written, markdown } = await writeReports(files, options.formats, h5Renderers(results, analysis));
    return { kind: "h5", results, analysis, markdown, written };
  }
  const { results, file } = loaded;
  const analysis = analyseRun(results, { ...DEFAULT_THRESHOLDS, auTarget: options.auTarget });
  const needsTimeline = files !== null && (options.formats.includes("png") || options.formats.includes("html"));
  const timeline = needsTimeline ? loadTimeline(join(dirname(file), "timeline.json"), options.say) : null;
  const { written, markdown } = await writeReports(files, options.formats, runRenderers(results, analysis, timeline));
  return { kind: "run", results, analysis, markdown, written };
}
