import type { AnalysisFile } from "../store/analysis-schema.js";
import type { RunFiles } from "../store/run-files.js";

/** The report files a command can write, by --format name. */
export type ReportFileFormat = "html" | "png" | "md" | "json";

/** How one command's results become each report file; each renderer formats the analysis it is given. */
export interface ReportRenderers {
  analysis: AnalysisFile;
  /** Writes the PNGs into the folder and returns their names (the Markdown links them). */
  pngs(files: RunFiles): Promise<string[]>;
  markdown(pngs: readonly string[]): string;
  html(): string;
}

/**
 * The one report-writing step of run, h5, watch and report: the PNGs first (the Markdown names
 * them), then summary.md, analysis.json and report.html, each only when asked for. Returns the
 * paths written and the Markdown (report prints it when no folder is given).
 */
export async function writeReports(
  files: RunFiles | null,
  formats: readonly string[],
  renderers: ReportRenderers,
): Promise<{ written: string[]; markdown: string }> {
  const wants = (format: ReportFileFormat): boolean => files !== null && formats.includes(format);
  const written: string[] = [];
  const pngs = wants("png") ? await renderers.pngs(files!) : [];
  written.push(...pngs.map((p) => files!.path(p)));
  const markdown = renderers.markdown(pngs);
  if (wants("md")) written.push(files!.writeText("summary.md", markdown));
  if (wants("json")) written.push(files!.writeJson("analysis.json", renderers.analysis));
  if (wants("html")) written.push(files!.writeText("report.html", renderers.html()));
  return { written, markdown };
}
