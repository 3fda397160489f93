import type { Finding } from "../store/summary-schema.js";

export type Diagnosis =
  | "device-bound"
  | "AU target met, moderately input-bound"
  | "AU target met, highly input-bound"
  | "below the AU target: consumer host overhead"
  | "input-bound (CPU)"
  | "input-bound (I/O)"
  | "input-bound"
  | "insufficient data";

/**
 * The overall diagnosis from the input-bound and CPU-or-I/O findings. A truth table, kept small
 * and tested row by row:
 *   input-bound                     | cpu-or-io          | diagnosis
 *   insufficient                    | any                | insufficient data
 *   none, host overhead (webgpu)    | any                | below the AU target: consumer host overhead
 *   none, best stall low            | any                | device-bound
 *   none, best stall moderate/high  | any                | AU target met, moderately/highly input-bound
 *   issue                           | issue, kind cpu    | input-bound (CPU)
 *   issue                           | issue, kind io     | input-bound (I/O)
 *   issue                           | none / insufficient| input-bound
 * "device-bound" is kept for a device that barely waits: an AU target met with a lower --au-target
 * still leaves the input pipeline holding the device back.
 */
export function diagnose(inputBound: Finding, cpuOrIo: Finding): Diagnosis {
  if (inputBound.verdict === "insufficient-data") return "insufficient data";
  if (inputBound.verdict === "none") {
    // The input-bound detector clears the input when a real device idles in the consumer's own work.
    if (typeof inputBound.evidence["bestHostOverhead"] === "number") return "below the AU target: consumer host overhead";
    const level = inputBound.evidence["bestStallLevel"];
    if (level === "high") return "AU target met, highly input-bound";
    if (level === "moderate") return "AU target met, moderately input-bound";
    return "device-bound";
  }
  if (cpuOrIo.verdict === "issue") return cpuOrIo.evidence["kind"] === "io" ? "input-bound (I/O)" : "input-bound (CPU)";
  return "input-bound";
}
