// Every message of the run detectors is reachable and renders: synthetic runs walk every verdict and
// every clause, and the catalogue records which ids were rendered.
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/analysis/types.js";
import { renderedMessageIds } from "../../src/messages/catalogue.js";
import { RUN_FINDING_MESSAGES } from "../../src/messages/run-findings.js";
import { CASES } from "./run-finding-cases.js";

const findings = Object.fromEntries(Object.entries(CASES).map(([detector, cases]) => [detector, cases.map((c) => c())]));

/** Every text a finding shows: its title, summary and each piece of its advice. */
const texts = (f: Finding): string[] => [
  f.title,
  f.summary,
  ...f.recommend.flatMap((r) => [r.knob, r.value, r.gain ?? "", ...Object.values(r.values as Record<string, string>)]),
];

describe.each(Object.keys(CASES))("%s", (detector) => {
  it("renders every one of its messages", () => {
    const ids = Object.keys(RUN_FINDING_MESSAGES).filter((id) => id.startsWith(`${detector}.`));
    expect(ids.length).toBeGreaterThan(0);
    const rendered = renderedMessageIds() as ReadonlySet<string>;
    const missing = ids.filter((id) => !rendered.has(id));
    expect(missing, `messages never rendered: ${missing.join(", ")}`).toEqual([]);
  });

  it("leaves no placeholder, undefined or NaN in what it says", () => {
    for (const f of findings[detector]!) {
      expect(f.id).toBe(detector);
      for (const text of texts(f)) expect(text).not.toMatch(/\{\{|undefined|NaN/);
    }
  });
});
