import { message } from "../messages/catalogue.js";
import type { RunResults } from "../store/results-schema.js";
import type { Diagnosis } from "./combine.js";
import type { PartialVerdict } from "./partial.js";

/**
 * The run's headline: its diagnosis, and, where the AU behind it comes from the sim consumer's
 * modelled device, which device was modelled. "device-bound" against a modelled H100 says nothing
 * about the GPU a user sees at 40%.
 */
export function runHeadline(verdict: Diagnosis | PartialVerdict, results: RunResults): string {
  const c = results.consumer;
  if (c.kind !== "sim" || verdict === "insufficient data") return verdict;
  return c.stepModel.kind === "preset"
    ? message("headline.modelled.preset", { verdict, name: c.stepModel.name })
    : message("headline.modelled.fixed", { verdict, ms: String(c.stepModel.msPerBatch), batch: String(c.stepModel.batch) });
}
