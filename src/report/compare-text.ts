import type { Comparison } from "../analysis/compare.js";
import { share as pct, count as n0 } from "./format.js";

const signed = (v: number): string => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}%`;

/** The comparison as Markdown: readable in a terminal and in a pull-request comment alike. */
export function renderComparison(c: Comparison): string {
  const out = [
    `# gpuprof compare: ${c.regressions === 0 ? "no regression" : `${c.regressions} regression${c.regressions === 1 ? "" : "s"}`} beyond ${pct(c.maxRegression)}`,
    "",
    "| configuration | samples/s base | samples/s head | change | AU base -> head | stall base -> head | |",
    "|---|---:|---:|---:|---|---|---|",
  ];
  for (const m of c.matched) {
    out.push(
      `| ${m.configuration} | ${n0(m.base.samplesPerS)} | ${n0(m.head.samplesPerS)} | ${signed(m.change)} | ${pct(m.base.au)} -> ${pct(m.head.au)} | ${pct(m.base.stall)} -> ${pct(m.head.stall)} | ${m.regressed ? "**regressed**" : ""} |`,
    );
  }
  if (c.matched.length === 0) out.push("| (no configuration measured in both runs) | | | | | | |");
  if (c.onlyInBase.length > 0) out.push("", `Only in base (not compared): ${c.onlyInBase.join("; ")}`);
  if (c.onlyInHead.length > 0) out.push("", `Only in head (not compared): ${c.onlyInHead.join("; ")}`);
  return out.join("\n") + "\n";
}
