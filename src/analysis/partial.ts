import { message } from "../messages/catalogue.js";
import type { RunResults } from "../store/results-schema.js";
import type { Diagnosis } from "./combine.js";
import type { Finding } from "./types.js";

/** The verdict of a partial run: the diagnosis among the trials that finished, and how many of the plan's those were. */
export type PartialVerdict = `partial: ${string}`;

/** The sweep axis each comparing finding judges: a value of it that never ran leaves the comparison undecided. */
const AXES: Record<string, "workers" | "dtype" | "transport" | "echo"> = {
  workers: "workers",
  dtype: "dtype",
  transport: "transport",
  echo: "echo",
};

/** How far an interrupted sweep got; null when it ran its whole plan. */
export function partialCount(results: RunResults): { finished: number; planned: number } | null {
  const planned = results.plan.trials.length;
  return results.interrupted && results.trials.length < planned ? { finished: results.trials.length, planned } : null;
}

/**
 * A partial run's findings and verdict, qualified: a finding that compares values of an axis some of
 * which never ran says which were not measured and concludes nothing (no verdict, no advice); every
 * other finding and the diagnosis say that they rest on the trials that finished.
 */
export function qualifyPartial(
  results: RunResults,
  findings: Finding[],
  diagnosis: Diagnosis,
): { findings: Finding[]; verdict: Diagnosis | PartialVerdict } {
  const partial = partialCount(results);
  if (partial === null) return { findings, verdict: diagnosis };
  const counts = { finished: String(partial.finished), planned: String(partial.planned) };
  const planned = results.plan.trials.filter((t) => !t.baseline);
  const measured = results.trials.filter((t) => t.status === "ok" && !t.spec.baseline).map((t) => t.spec);
  const qualified = findings.map((f): Finding => {
    const axis = AXES[f.id];
    if (axis !== undefined) {
      const ran = new Set(measured.map((s) => String(s[axis])));
      const missing = [...new Set(planned.map((s) => String(s[axis])))].filter((v) => !ran.has(v));
      if (missing.length > 0) {
        const unmeasured = message("partial.unmeasured.all", { axis, values: missing.join(", ") });
        return {
          ...f,
          verdict: "insufficient-data",
          summary: message("partial.finding.unmeasured", { unmeasured, ...counts }),
          evidence: { ...f.evidence, notMeasured: unmeasured },
          recommend: [],
        };
      }
    }
    return { ...f, summary: message("partial.finding.among", { summary: f.summary, ...counts }) };
  });
  return { findings: qualified, verdict: message("partial.verdict", { diagnosis, ...counts }) as PartialVerdict };
}
