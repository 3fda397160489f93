import type { Finding } from "./types.js";

export type Diagnosis = "device-bound" | "input-bound (CPU)" | "input-bound (I/O)" | "input-bound" | "insufficient data";

/**
 * The overall diagnosis from the input-bound and CPU-or-I/O findings. A truth table, kept small
 * and tested row by row:
 *   input-bound  | cpu-or-io          | diagnosis
 *   insufficient | any                | insufficient data
 *   none         | any                | device-bound
 *   issue        | issue, kind cpu    | input-bound (CPU)
 *   issue        | issue, kind io     | input-bound (I/O)
 *   issue        | none / insufficient| input-bound
 */
export function diagnose(inputBound: Finding, cpuOrIo: Finding): Diagnosis {
  if (inputBound.verdict === "insufficient-data") return "insufficient data";
  if (inputBound.verdict === "none") return "device-bound";
  if (cpuOrIo.verdict === "issue") return cpuOrIo.evidence["kind"] === "io" ? "input-bound (I/O)" : "input-bound (CPU)";
  return "input-bound";
}
