import { InvalidArgumentError } from "commander";

/** --interval: sampling period in whole milliseconds, bounded to what /proc and nvidia-smi can honour. */
export function parseIntervalMs(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(value) || value < 10 || value > 60000) {
    throw new InvalidArgumentError("use a whole number of milliseconds from 10 to 60000, e.g. --interval 100");
  }
  return value;
}
