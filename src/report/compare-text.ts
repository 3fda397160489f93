import type { Comparison } from "../store/comparison.js";
import { share as pct, count as n0, markdownCell as cell } from "../util/format.js";

const signed = (v: number): string => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}%`;

function headline(c: Comparison): string {
  if (!c.comparable) return "nothing compared: no configuration was measured in both runs";
  return `${c.regressions === 0 ? "no regression" : `${c.regressions} regression${c.regressions === 1 ? "" : "s"}`} beyond ${pct(c.maxRegression)}`;
}

/** The comparison as Markdown: readable in a terminal and in a pull-request comment alike. */
export function renderComparison(c: Comparison): string {
  const out = [`# gpuprof compare: ${headline(c)}`, ""];
  if (c.differences.length > 0) {
    out.push(
      `The runs differ in more than the swept settings, so their numbers may not compare: ${c.differences.map(cell).join("; ")}.`,
      "",
    );
  }
  out.push(
    "| configuration | samples/s base | samples/s head | change | AU base -> head | stall base -> head | verdict |",
    "|---|---:|---:|---:|---|---|---|",
  );
  for (const m of c.matched) {
    out.push(
      `| ${m.configuration} | ${n0(m.base.samplesPerS)} | ${n0(m.head.samplesPerS)} | ${signed(m.change)} | ${pct(m.base.au)} -> ${pct(m.head.au)} | ${pct(m.base.stall)} -> ${pct(m.head.stall)} | ${m.regressed ? "**regressed**" : ""} |`,
    );
  }
  for (const f of c.failedInHead) {
    out.push(
      `| ${f.configuration} | ${n0(f.base.samplesPerS)} | failed | | ${pct(f.base.au)} -> failed | ${pct(f.base.stall)} -> failed | **regressed**: ${cell(f.reason)} |`,
    );
  }
  if (c.matched.length === 0 && c.failedInHead.length === 0) out.push("| (no configuration measured in both runs) | | | | | | |");
  if (c.fixedInHead.length > 0) out.push("", `Failed in base, finish in head: ${c.fixedInHead.join("; ")}`);
  if (c.onlyInBase.length > 0) out.push("", `Only in base (not compared): ${c.onlyInBase.join("; ")}`);
  if (c.onlyInHead.length > 0) out.push("", `Only in head (not compared): ${c.onlyInHead.join("; ")}`);
  return out.join("\n") + "\n";
}
