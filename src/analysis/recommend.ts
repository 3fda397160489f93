import { readFileSync } from "node:fs";
import type { Finding } from "../store/summary-schema.js";

export interface Recommendation {
  findingId: string;
  template: string;
  /** The setting to change (num_workers, rdcc_nbytes, ...) and the value to give it. */
  knob: string;
  value: string;
  /** What it should gain, with its basis; null when no measurement speaks to it. */
  expectedGain: string | null;
  /** The advice, Markdown, with the measured values filled in. */
  text: string;
  basis: Finding["basis"];
}

// The prose lives in Markdown files beside the code (src/analysis/recommendations), not in strings.
const TEMPLATE_DIR = import.meta.url.endsWith(".ts")
  ? new URL("./recommendations/", import.meta.url)
  : new URL("../../src/analysis/recommendations/", import.meta.url);
const cache = new Map<string, string>();

export function template(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`${name}.md`, TEMPLATE_DIR), "utf8").trim();
    cache.set(name, text);
  }
  return text;
}

/** Fills {{name}} placeholders; a placeholder without a value is an error in the detector, not in the user's data. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`recommendation template needs a value for {{${key}}}`);
    return value;
  });
}

export function recommendations(findings: Finding[]): Recommendation[] {
  return findings.flatMap((f) =>
    f.recommend.map((r) => ({
      findingId: f.id,
      template: r.template,
      knob: r.knob,
      value: r.value,
      expectedGain: r.gain,
      text: fill(template(r.template), r.values),
      basis: f.basis,
    })),
  );
}
