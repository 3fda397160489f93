import { existsSync } from "node:fs";
import type { ChalkInstance } from "chalk";
import { isAbsolute, join, relative } from "node:path";
import type { WatchResult } from "../store/summary-schema.js";
import type { SeriesStats } from "../telemetry/series-stats.js";
import { displayCommand } from "../util/display-command.js";
import { mbPerS, mib, pct, seconds } from "../util/format.js";

function utilColour(c: ChalkInstance, stats: SeriesStats | null): (text: string) => string {
  if (!stats) return c.dim;
  if (stats.mean >= 80) return c.green;
  if (stats.mean >= 50) return c.yellow;
  return c.red;
}

function how(result: WatchResult): string {
  if (result.exit.signal) return `was ended by ${result.exit.signal}`;
  return `exited with code ${result.exit.code}`;
}

/** The terminal summary of a watch: GPU util, CPU us/sy/wa, read rates, and where the files are. */
export function renderWatchSummary(result: WatchResult, c: ChalkInstance, cwd = process.cwd()): string {
  const s = result.summary;
  const lines: string[] = [];
  const cmd = displayCommand(result.command);
  lines.push(
    `${c.bold("gpuprof watch")}: ${cmd} ${how(result)} after ${seconds(s.durationS)} (${s.sampleCount} ${s.sampleCount === 1 ? "sample" : "samples"} every ${result.intervalMs} ms)`,
  );
  if (s.gpus.length === 0) {
    lines.push(`  ${c.bold("GPU ")}  ${c.dim("not sampled")}`);
  }
  for (const gpu of s.gpus) {
    const u = gpu.utilPct;
    const colour = utilColour(c, u);
    const util = u ? `util mean ${colour(pct(u.mean))}  p5 ${pct(u.p5, 0)}  p95 ${pct(u.p95, 0)}` : c.dim("util n/a");
    const mem = gpu.memUsedMiB ? `  mem max ${mib(gpu.memUsedMiB.max)}` : "";
    const rx = gpu.pcieRxMBPerS ? `  PCIe rx mean ${mbPerS(gpu.pcieRxMBPerS.mean)}` : "";
    lines.push(`  ${c.bold(`GPU ${gpu.index}`)} ${gpu.name ?? ""}  ${util}${mem}${rx}`);
  }
  const cpu = s.cpu;
  lines.push(
    `  ${c.bold("CPU ")}  us ${pct(cpu.userPct?.mean)}  sy ${pct(cpu.systemPct?.mean)}  wa ${pct(cpu.iowaitPct?.mean)}  idle ${pct(cpu.idlePct?.mean)}  ${c.dim("(time-weighted means over all cores)")}`,
  );
  const io = s.io;
  const tree = io.procReadMBPerS
    ? `command reads ${mbPerS(io.procReadMBPerS.mean)} (from storage ${mbPerS(io.procStorageReadMBPerS?.mean)})`
    : "command reads n/a";
  lines.push(`  ${c.bold("Read")}  ${tree}  disks ${mbPerS(io.diskReadMBPerS?.mean)}  ${c.dim("(means)")}`);
  // A folder given as an absolute path is shown as given; one under the working folder, relative to it.
  const rel = relative(cwd, result.outDir) || ".";
  const dir = isAbsolute(result.outDir) && rel.startsWith("..") ? result.outDir : rel;
  const reports = ["report.html", "summary.md", "summary.png", "timeline.png", "analysis.json"].filter((f) =>
    existsSync(join(result.outDir, f)),
  );
  lines.push(`  ${c.bold("Saved")} ${dir}/ (${[...reports, "timeline.json", "timeline.csv", "summary.json"].join(", ")})`);
  return lines.join("\n") + "\n";
}
