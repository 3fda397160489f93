import { recommendations } from "../analysis/recommend.js";
import type { Finding } from "../analysis/types.js";
import type { WatchResult } from "../store/summary-schema.js";
import { markdownCell as cell } from "./format.js";

/** summary.md of a watched run: what held the GPU back, the advice, and the numbers behind it. */
export function renderWatchMarkdown(result: WatchResult, finding: Finding): string {
  const s = result.summary;
  const kind = String(finding.evidence["kind"] ?? finding.verdict);
  const out = [
    `# gpuprof watch: ${kind}`,
    "",
    `\`${cell(result.command.join(" "))}\`, ${s.durationS.toFixed(1)} s, exit ${result.exitCode}.`,
    "",
    finding.summary,
    "",
  ];
  const advice = recommendations([finding]);
  if (advice.length > 0) out.push("## What to change", "", ...advice.map((r, i) => `${i + 1}. ${r.text}`), "");
  const m = (v: { mean: number } | null | undefined): string => (v ? v.mean.toFixed(1) : "n/a");
  out.push("## Measured", "", "| series | mean |", "|---|---:|");
  for (const g of s.gpus) out.push(`| GPU ${g.index} util % (${cell(g.name ?? "")}) | ${m(g.utilPct)} |`);
  out.push(
    `| CPU user % | ${m(s.cpu.userPct)} |`,
    `| CPU system % | ${m(s.cpu.systemPct)} |`,
    `| CPU iowait % | ${m(s.cpu.iowaitPct)} |`,
    `| read MB/s (command) | ${m(s.io.procReadMBPerS)} |`,
    `| storage read MB/s (command) | ${m(s.io.procStorageReadMBPerS)} |`,
    "",
  );
  return out.join("\n");
}
