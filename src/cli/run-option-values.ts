import { InvalidArgumentError } from "commander";
import { parseSize } from "../util/sizes.js";

/** Value parsers for `gpuprof run`: each rejects with the fix in the message, and commander exits 2. */

function wholeNumber(raw: string, min: number): number | null {
  const text = raw.trim();
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min ? value : null;
}

export function intList(min: number, example: string) {
  return (raw: string): number[] => {
    const parts = raw.split(",").map((p) => p.trim());
    const values = parts.map((p) => wholeNumber(p, min));
    const bad = parts.find((_, i) => values[i] === null);
    if (bad !== undefined || parts.length === 0) {
      throw new InvalidArgumentError(
        `'${bad ?? raw}' is not a whole number of ${min} or more; give a comma-separated list, e.g. ${example}`,
      );
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

export function singleSize(raw: string): number {
  const bytes = parseSize(raw);
  if (bytes === null)
    throw new InvalidArgumentError("use a size above 0 with KiB, MiB, GiB (1024-based) or KB, MB, GB (1000-based), e.g. --cache 64MiB");
  return bytes;
}

export function unitInterval(raw: string): number {
  const value = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0 || value > 1)
    throw new InvalidArgumentError("use a number from 0 to 1, e.g. --w0 0.75");
  return value;
}
