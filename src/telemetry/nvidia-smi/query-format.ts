import type { GpuIdentity, GpuSample } from "../types.js";

/**
 * The --query-gpu fields gpuprof streams. Static facts (driver, link maximums) ride along because
 * they cost nothing extra per row and let one child serve both the timeline and the inventory.
 */
export const QUERY_FIELDS = [
  "timestamp",
  "index",
  "uuid",
  "name",
  "pci.bus_id",
  "driver_version",
  "utilization.gpu",
  "utilization.memory",
  "memory.used",
  "memory.total",
  "power.draw",
  "clocks.sm",
  "clocks.mem",
  "temperature.gpu",
  "pcie.link.gen.current",
  "pcie.link.gen.max",
  "pcie.link.width.current",
  "pcie.link.width.max",
  "pstate",
  "clocks_event_reasons.active",
] as const;

export type QueryValues = Record<string, string | null>;

/**
 * nvidia-smi reports a value it cannot read as "[N/A]", "[Not Supported]", bare "N/A", or another
 * bracketed error such as "[Unknown Error]"; all of them mean "no reading".
 */
export function cleanValue(raw: string): string | null {
  const value = raw.trim();
  if (value === "" || value === "N/A" || /^\[.*\]$/.test(value)) return null;
  return value;
}

/** A numeric reading, tolerating the unit suffix that --format=csv without nounits appends. */
export function numberValue(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const match = /^(-?\d+(?:\.\d+)?)(?:\s*[A-Za-z%/]+)?$/.exec(value.trim());
  return match ? Number(match[1]) : null;
}

/**
 * Splits one CSV row. nvidia-smi separates fields with ", " and never quotes; GPU names contain
 * spaces but not ", ", so splitting on the two-character separator is exact.
 */
export function splitRow(line: string): string[] {
  return line.replace(/\r$/, "").split(", ");
}

export type ParsedRow = { ok: true; values: QueryValues } | { ok: false; reason: string };

export function parseQueryRow(line: string, fields: readonly string[]): ParsedRow {
  const cells = splitRow(line);
  if (cells.length !== fields.length) {
    return { ok: false, reason: `expected ${fields.length} fields, found ${cells.length}` };
  }
  const values: QueryValues = {};
  fields.forEach((field, i) => {
    values[field] = cleanValue(cells[i]!);
  });
  return { ok: true, values };
}

export function identityFromValues(values: QueryValues): GpuIdentity | null {
  const index = numberValue(values["index"]);
  if (index === null || !Number.isInteger(index)) return null;
  return {
    index,
    name: values["name"] ?? null,
    uuid: values["uuid"] ?? null,
    busId: values["pci.bus_id"] ?? null,
  };
}

/** The readings of one row, converted once when the row arrives rather than at every sample. */
export type RowReading = Omit<GpuSample, "index" | "ageMs" | "pcieRxMBPerS" | "pcieTxMBPerS">;

/** Every reading null: a GPU whose rows stopped coming. */
export const MISSING_READING: RowReading = {
  utilPct: null,
  memUtilPct: null,
  memUsedMiB: null,
  memTotalMiB: null,
  powerW: null,
  smClockMHz: null,
  memClockMHz: null,
  tempC: null,
  pcieGen: null,
  pcieWidth: null,
  pstate: null,
  clocksEventReasons: null,
};

export function rowReading(values: QueryValues): RowReading {
  const v = (field: string): number | null => numberValue(values[field]);
  return {
    utilPct: v("utilization.gpu"),
    memUtilPct: v("utilization.memory"),
    memUsedMiB: v("memory.used"),
    memTotalMiB: v("memory.total"),
    powerW: v("power.draw"),
    smClockMHz: v("clocks.sm"),
    memClockMHz: v("clocks.mem"),
    tempC: v("temperature.gpu"),
    pcieGen: v("pcie.link.gen.current"),
    pcieWidth: v("pcie.link.width.current"),
    pstate: values["pstate"] ?? null,
    clocksEventReasons: values["clocks_event_reasons.active"] ?? null,
  };
}
