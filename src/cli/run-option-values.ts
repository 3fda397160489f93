import { InvalidArgumentError } from "commander";
import { parseCacheChoice, type CacheChoice } from "../h5/cache-choice.js";

/** Value parsers for `gpuprof run`: each rejects with the fix in the message, and commander exits 2. */

function wholeNumber(raw: string, min: number): number | null {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min ? value : null;
}

/** A comma-separated list of whole numbers from `min`; `max`, when given, bounds it and says why. */
export function intList(min: number, example: string, max?: { value: number; why: string }) {
  return (raw: string): number[] => {
    const parts = raw.split(",").map((p) => p.trim());
    const values = parts.map((p) => wholeNumber(p, min));
    const bad = parts.find((_, i) => values[i] === null);
    if (bad !== undefined || parts.length === 0) {
      throw new InvalidArgumentError(
        `'${bad ?? raw}' is not a whole number of ${min} or more; give a comma-separated list, e.g. ${example}`,
      );
    }
    const tooBig = max === undefined ? undefined : parts.find((_, i) => values[i]! > max.value);
    if (max !== undefined && tooBig !== undefined) {
      throw new InvalidArgumentError(`'${tooBig}' is more than ${max.value}, the most allowed (${max.why}); e.g. ${example}`);
    }
    return [...new Set(values as number[])];
  };
}

export function int(min: number, example: string) {
  return (raw: string): number => {
    const value = wholeNumber(raw, min);
    if (value === null) throw new InvalidArgumentError(`use a whole number of ${min} or more, e.g. ${example}`);
    return value;
  };
}

export function positiveNumber(example: string, allowZero = false) {
  return (raw: string): number => {
    const value = Number(raw.trim());
    if (raw.trim() === "" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
      throw new InvalidArgumentError(`use a number ${allowZero ? "of 0 or more" : "above 0"}, e.g. ${example}`);
    }
    return value;
  };
}

export function choiceList<T extends string>(choices: readonly T[]) {
  return (raw: string): T[] => {
    const parts = raw.split(",").map((p) => p.trim());
    const bad = parts.find((p) => !(choices as readonly string[]).includes(p));
    if (bad !== undefined) throw new InvalidArgumentError(`unknown value '${bad}'; choose from ${choices.join(", ")} (comma-separated)`);
    return [...new Set(parts as T[])];
  };
}

export function choice<T extends string>(choices: readonly T[]) {
  return (raw: string): T => {
    const value = raw.trim();
    if (!(choices as readonly string[]).includes(value))
      throw new InvalidArgumentError(`unknown value '${value}'; choose one of ${choices.join(", ")}`);
    return value as T;
  };
}

/** A sample shape such as 3,218,178 (channels, height, width). */
export function shape(raw: string): number[] {
  const parts = raw.split(/[,x]/).map((p) => wholeNumber(p, 1));
  if (parts.length < 1 || parts.length > 4 || parts.some((p) => p === null)) {
    throw new InvalidArgumentError("use positive whole numbers separated by commas, e.g. --shape 3,218,178 (channels, height, width)");
  }
  return parts as number[];
}

/** `gpuprof run --cache`: one size, or hdf5-1 / hdf5-2 (HDF5's default size and slots together). */
export function cacheChoice(raw: string): CacheChoice {
  const choice = parseCacheChoice(raw);
  if (choice === null && raw.includes(","))
    throw new InvalidArgumentError(
      `gpuprof run takes one cache size, not a list ('${raw.trim()}'); gpuprof h5 sweeps several, e.g. gpuprof h5 FILE --cache ${raw.trim()}`,
    );
  if (choice === null)
    throw new InvalidArgumentError(
      `'${raw.trim()}' is not a size above 0; use KiB, MiB, GiB (1024-based) or KB, MB, GB (1000-based), or hdf5-1 / hdf5-2 (HDF5's defaults), e.g. --cache 64MiB`,
    );
  return choice;
}

export function unitInterval(raw: string): number {
  const value = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0 || value > 1)
    throw new InvalidArgumentError("use a number from 0 to 1, e.g. --w0 0.75");
  return value;
}

/** Sizes with units, or the names of HDF5's defaults (hdf5-1: 1 MiB with 521 slots, hdf5-2: 8 MiB with 8191 slots). */
export function cacheSizeList(raw: string): CacheChoice[] {
  const out: CacheChoice[] = [];
  for (const part of raw.split(",")) {
    const choice = parseCacheChoice(part);
    if (choice === null)
      throw new InvalidArgumentError(
        `'${part.trim()}' is not a size above 0; use KiB, MiB, GiB (1024-based) or KB, MB, GB (1000-based), or hdf5-1 / hdf5-2, e.g. --cache 1MiB,64MiB`,
      );
    if (!out.some((c) => c.nbytes === choice.nbytes && c.nslots === choice.nslots)) out.push(choice);
  }
  return out;
}

/** Slot counts, or the names of HDF5's defaults (hdf5-1: 521, hdf5-2: 8191). */
export function slotList(raw: string): number[] {
  const presets: Record<string, number> = { "hdf5-1": 521, "hdf5-2": 8191 };
  const whole = intList(1, "--slots 521,100003");
  return [
    ...new Set(
      raw
        .split(",")
        .flatMap((part) => (presets[part.trim().toLowerCase()] !== undefined ? [presets[part.trim().toLowerCase()]!] : whole(part))),
    ),
  ];
}

/** A chunk shape such as 100,3,218,178. */
export function chunkShape(raw: string, previous: number[][] | undefined): number[][] {
  const parts = raw.split(/[,x]/).map((p) => p.trim());
  const values = parts.map(Number);
  if (values.some((v, i) => !/^\d+$/.test(parts[i]!) || v < 1)) {
    throw new InvalidArgumentError(
      `'${raw}' is not a chunk shape; give positive whole numbers, one per dataset dimension, e.g. --chunk 100,3,218,178`,
    );
  }
  return [...(previous ?? []), values];
}

/** A share above 0 and at most 1 (0.9) or a percentage (90%); the error's example names the option it parses. */
export function fraction(example: string) {
  return (raw: string): number => {
    const text = raw.trim();
    const value = text.endsWith("%") ? Number(text.slice(0, -1)) / 100 : Number(text);
    if (text === "" || !Number.isFinite(value) || value <= 0 || value > 1)
      throw new InvalidArgumentError(`use a share above 0 and at most 1, or a percentage, e.g. ${example}`);
    return value;
  };
}

/** --pin-memory false,true: each value a trial axis, as DataLoader(pin_memory=...). */
export function booleanList(raw: string): boolean[] {
  const parts = raw.split(",").map((p) => p.trim().toLowerCase());
  const bad = parts.find((p) => !["true", "false", "on", "off", "yes", "no"].includes(p));
  if (bad !== undefined) throw new InvalidArgumentError(`unknown value '${bad}'; use false, true or both: --pin-memory false,true`);
  return [...new Set(parts.map((p) => ["true", "on", "yes"].includes(p)))];
}

/** --dataset-factory path/to/file.py:make_dataset. */
export function factorySpec(raw: string): { file: string; function: string } {
  const at = raw.lastIndexOf(":");
  const file = at > 0 ? raw.slice(0, at) : "";
  const fn = at > 0 ? raw.slice(at + 1) : "";
  if (file === "" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(fn)) {
    throw new InvalidArgumentError(
      "give the Python file and the function that returns your Dataset, e.g. --dataset-factory data.py:make_dataset",
    );
  }
  return { file, function: fn };
}
