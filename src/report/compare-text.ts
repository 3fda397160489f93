import { message } from "../messages/catalogue.js";
import type { Comparison } from "../store/comparison.js";
import { share as pct, count as n0, markdownCell as cell } from "../util/format.js";

const signed = (v: number): string => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}%`;

function headline(c: Comparison): string {
  if (!c.comparable) return message("report.compare.nothing");
  const n = String(c.regressions);
  return message("report.compare.headline", {
    regressions:
      c.regressions === 0
        ? message("report.compare.no-regression")
        : message(c.regressions === 1 ? "report.compare.regression" : "report.compare.regressions", { n }),
    max: pct(c.maxRegression),
  });
}

/** The comparison as Markdown: readable in a terminal and in a pull-request comment alike. */
export function renderComparison(c: Comparison): string {
  const out = [`# ${message("report.compare.title", { headline: headline(c) })}`, ""];
  if (c.differences.length > 0) {
    out.push(message("report.compare.differences", { differences: c.differences.map(cell).join("; ") }), "");
  }
  const head = [
    message("report.col.configuration"),
    message("report.compare.col.base"),
    message("report.compare.col.head"),
    message("report.compare.col.change"),
    message("report.compare.col.au"),
    message("report.compare.col.stall"),
    message("report.compare.col.verdict"),
  ];
  out.push(`| ${head.join(" | ")} |`, "|---|---:|---:|---:|---|---|---|");
  const regressed = `**${message("report.compare.regressed")}**`;
  const failed = message("report.compare.failed");
  for (const m of c.matched) {
    out.push(
      `| ${m.configuration} | ${n0(m.base.samplesPerS)} | ${n0(m.head.samplesPerS)} | ${signed(m.change)} | ${pct(m.base.au)} -> ${pct(m.head.au)} | ${pct(m.base.stall)} -> ${pct(m.head.stall)} | ${m.regressed ? regressed : ""} |`,
    );
  }
  for (const f of c.failedInHead) {
    out.push(
      `| ${f.configuration} | ${n0(f.base.samplesPerS)} | ${failed} | | ${pct(f.base.au)} -> ${failed} | ${pct(f.base.stall)} -> ${failed} | ${regressed}: ${cell(f.reason)} |`,
    );
  }
  if (c.matched.length === 0 && c.failedInHead.length === 0) out.push(`| ${message("report.compare.none-matched")} | | | | | | |`);
  if (c.fixedInHead.length > 0) out.push("", message("report.compare.fixed", { list: c.fixedInHead.join("; ") }));
  if (c.onlyInBase.length > 0) out.push("", message("report.compare.only-base", { list: c.onlyInBase.join("; ") }));
  if (c.onlyInHead.length > 0) out.push("", message("report.compare.only-head", { list: c.onlyInHead.join("; ") }));
  return out.join("\n") + "\n";
}
