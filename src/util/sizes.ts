import { InvalidArgumentError } from "commander";

const UNITS: Record<string, number> = {
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
};

/** "64MiB", "1.5 GB", "1048576": bytes. KiB/MiB/GiB are powers of 1024, KB/MB/GB of 1000, a bare number is bytes. */
export function parseSize(raw: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  if (!match) return null;
  const unit = match[2]!.toLowerCase() || "b";
  const factor = UNITS[unit];
  if (factor === undefined) return null;
  const bytes = Math.round(Number(match[1]) * factor);
  return bytes > 0 ? bytes : null;
}

/** Commander parser for a comma-separated list of sizes. */
export function sizeList(example: string) {
  return (raw: string): number[] => {
    const parts = raw.split(",");
    const values = parts.map(parseSize);
    const bad = parts.find((_, i) => values[i] === null);
    if (bad !== undefined) {
      throw new InvalidArgumentError(
        `'${bad.trim()}' is not a size above 0; use a number with KiB, MiB, GiB (1024-based) or KB, MB, GB (1000-based), e.g. ${example}`,
      );
    }
    return [...new Set(values as number[])];
  };
}

/** How a size reads back: an exact MiB/GiB or MB/GB first, then KiB/KB, else two decimals. */
export function formatSize(bytes: number): string {
  const units: [string, number][] = [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["GB", 1e9],
    ["MB", 1e6],
    ["KiB", 1024],
    ["KB", 1e3],
  ];
  // KiB and KB only below a megabyte: 116412 KB reads better as 116.41 MB.
  for (const [unit, factor] of units)
    if (bytes >= factor && bytes % factor === 0 && (factor >= 1e6 || bytes < 1e6)) return `${bytes / factor} ${unit}`;
  for (const [unit, factor] of units.filter(([u]) => !u.includes("i")))
    if (bytes >= factor) return `${Number((bytes / factor).toFixed(2))} ${unit}`;
  return `${bytes} B`;
}
