import type { MemorySample } from "./types.js";

/** Parses /proc/meminfo; fields it lacks are null. Values there are kB (KiB). */
export function parseMeminfo(text: string): MemorySample {
  const kib = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z0-9_()]+):\s+(\d+)/.exec(line);
    if (match) kib.set(match[1]!, Number(match[2]));
  }
  const mib = (key: string): number | null => {
    const v = kib.get(key);
    return v === undefined ? null : v / 1024;
  };
  return { totalMiB: mib("MemTotal"), availableMiB: mib("MemAvailable"), pageCacheMiB: mib("Cached") };
}
