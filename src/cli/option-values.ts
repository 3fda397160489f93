import { Option } from "commander";
import { choiceList, fraction } from "./run-option-values.js";
import { InvalidArgumentError } from "commander";

/** --interval: sampling period in whole milliseconds, bounded to what /proc and nvidia-smi can honour. */
export function parseIntervalMs(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(value) || value < 10 || value > 60000) {
    throw new InvalidArgumentError("use a whole number of milliseconds from 10 to 60000, e.g. --interval 100");
  }
  return value;
}

/** Report files a command writes at the end, beside its results (results.json, or summary.json for watch: always written, since report and compare read it). */
export const REPORT_FILES = ["html", "png", "md", "json"] as const;
export type ReportFile = (typeof REPORT_FILES)[number];

export function reportFilesOption(results: "results.json" | "summary.json" = "results.json"): Option {
  return new Option(
    "--format <list>",
    `report files to write at the end: html (report.html), png (summary.png and a PNG per chart), md (summary.md), json (analysis.json); ${results} is always written`,
  )
    .argParser(choiceList(REPORT_FILES))
    .default([...REPORT_FILES], REPORT_FILES.join(","));
}

/** --au-target: the AU a configuration must reach to pass (DLIO / MLPerf Storage use 90% for ResNet-50, 70% for CosmoFlow). */
export function auTargetOption(): Option {
  return new Option("--au-target <share>", "AU a configuration must reach to pass (MLPerf Storage: 90% for ResNet-50)")
    .argParser(fraction("--au-target 90%"))
    .default(0.9, "90%");
}
