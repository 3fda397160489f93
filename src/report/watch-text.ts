import { existsSync } from "node:fs";
import type { ChalkInstance } from "chalk";
import { message } from "../messages/catalogue.js";
import { isAbsolute, join, relative } from "node:path";
import type { WatchResult } from "../store/summary-schema.js";
import type { SeriesStats } from "../telemetry/series-stats.js";
import { displayCommand } from "../util/display-command.js";
import { mbPerS, mib, pct, seconds } from "../util/format.js";
import { isMessageId, renderMessage } from "../messages/catalogue.js";
import type { Finding } from "../store/analysis-schema.js";
import { wrapToWidth, type TerminalLayout } from "./terminal-layout.js";

function utilColour(c: ChalkInstance, stats: SeriesStats | null): (text: string) => string {
  if (!stats) return c.dim;
  if (stats.mean >= 80) return c.green;
  if (stats.mean >= 50) return c.yellow;
  return c.red;
}

function how(result: WatchResult): string {
  if (result.exit.signal) return message("report.watch.signal", { signal: result.exit.signal });
  return message("report.watch.exit", { code: String(result.exit.code) });
}

/** The terminal summary of a watch: GPU util, CPU us/sy/wa, read rates, and where the files are. */
export function renderWatchSummary(result: WatchResult, c: ChalkInstance, cwd = process.cwd()): string {
  const s = result.summary;
  const lines: string[] = [];
  const cmd = displayCommand(result.command);
  const label = (text: string): string => c.bold(text.padEnd(4));
  const samples = message(s.sampleCount === 1 ? "report.watch.samples.one" : "report.watch.samples.many", { n: String(s.sampleCount) });
  lines.push(
    `${c.bold(message("report.watch.title"))}: ${message("report.watch.header", {
      command: cmd,
      how: how(result),
      duration: seconds(s.durationS),
      samples,
      interval: String(result.intervalMs),
    })}`,
  );
  if (s.gpus.length === 0) {
    lines.push(`  ${label(message("report.watch.label.gpu"))}  ${c.dim(message("report.watch.gpu.not-sampled"))}`);
  }
  for (const gpu of s.gpus) {
    const u = gpu.utilPct;
    const colour = utilColour(c, u);
    const util = u
      ? message("report.watch.gpu.util", { mean: colour(pct(u.mean)), p5: pct(u.p5, 0), p95: pct(u.p95, 0) })
      : c.dim(message("report.watch.gpu.util-none"));
    const mem = gpu.memUsedMiB ? message("report.watch.gpu.mem", { mib: mib(gpu.memUsedMiB.max) }) : "";
    const rx = gpu.pcieRxMBPerS ? message("report.watch.gpu.rx", { rate: mbPerS(gpu.pcieRxMBPerS.mean) }) : "";
    lines.push(`  ${c.bold(message("report.watch.label.gpu-index", { index: String(gpu.index) }))} ${gpu.name ?? ""}  ${util}${mem}${rx}`);
  }
  const cpu = s.cpu;
  lines.push(
    `  ${label(message("report.watch.label.cpu"))}  ${message("report.watch.cpu", {
      us: pct(cpu.userPct?.mean),
      sy: pct(cpu.systemPct?.mean),
      wa: pct(cpu.iowaitPct?.mean),
      idle: pct(cpu.idlePct?.mean),
    })}  ${c.dim(message("report.watch.cpu.note"))}`,
  );
  const io = s.io;
  const tree = io.procReadMBPerS
    ? message("report.watch.read", { rate: mbPerS(io.procReadMBPerS.mean), storage: mbPerS(io.procStorageReadMBPerS?.mean) })
    : message("report.watch.read.none");
  lines.push(
    `  ${label(message("report.watch.label.read"))}  ${tree}  ${message("report.watch.disks", { rate: mbPerS(io.diskReadMBPerS?.mean) })}  ${c.dim(message("report.watch.means"))}`,
  );
  // A folder given as an absolute path is shown as given; one under the working folder, relative to it.
  const rel = relative(cwd, result.outDir) || ".";
  const dir = isAbsolute(result.outDir) && rel.startsWith("..") ? result.outDir : rel;
  const reports = ["report.html", "summary.md", "summary.png", "timeline.png", "analysis.json"].filter((f) =>
    existsSync(join(result.outDir, f)),
  );
  lines.push(
    `  ${label(message("report.watch.label.saved"))} ${dir}/ (${[...reports, "timeline.json", "timeline.csv", "summary.json"].join(", ")})`,
  );
  return lines.join("\n") + "\n";
}

/**
 * What `gpuprof watch` prints when the command ends: the summary and the verdict, wrapped to the
 * width; with --verbose, what to change (the verdict's advice), and without it one line saying where it is.
 */
export function renderWatchTerminal(
  result: WatchResult & { diagnosis: Finding },
  c: ChalkInstance,
  cwd: string,
  layout: TerminalLayout,
): string {
  const lines = [renderWatchSummary(result, c, cwd).trimEnd(), `  ${c.bold("Verdict")}  ${result.diagnosis.summary}`];
  // Advice read from an older file may name a message no longer in the catalogue: it is left out.
  const advice = result.diagnosis.recommend.filter((r) => isMessageId(r.template));
  if (layout.verbose && advice.length > 0) {
    lines.push(`  ${c.bold(message("terminal.watch.advice"))}:`);
    advice.forEach((r, i) => {
      const text = renderMessage(r.template as Parameters<typeof renderMessage>[0], r.values)
        .replace(/\*\*(.+?)\*\*/g, (_, t: string) => c.bold(t))
        .replace(/`([^`]+)`/g, "$1");
      lines.push(`    ${i + 1}. ${text}`);
    });
  }
  const reports = ["report.html", "summary.md"].filter((f) => existsSync(join(result.outDir, f)));
  if (!layout.verbose && advice.length > 0 && reports.length > 0)
    lines.push(`  ${message("terminal.more.watch", { report: reports.join(" and ") })}`);
  return wrapToWidth(lines.join("\n"), layout.width) + "\n";
}
