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

/** How each unit is written back (the user's spelling of a unit varies: mib, MiB, MIB). */
const UNIT_NAMES: Record<string, string> = {
  b: "B",
  kib: "KiB",
  mib: "MiB",
  gib: "GiB",
  tib: "TiB",
  kb: "KB",
  mb: "MB",
  gb: "GB",
  tb: "TB",
};

/**
 * "64MiB", "1.5 GB", "1048576": bytes, and the size as the user wrote it ("1.5 MiB"), so that
 * echoes keep the user's units instead of converting 1.5 MiB into 1.57 MB.
 */
export function parseSizeShown(raw: string): { bytes: number; shown: string } | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  if (!match) return null;
  const unit = match[2]!.toLowerCase() || "b";
  const factor = UNITS[unit];
  if (factor === undefined) return null;
  const bytes = Math.round(Number(match[1]) * factor);
  return bytes > 0 ? { bytes, shown: `${Number(match[1])} ${UNIT_NAMES[unit]}` } : null;
}

/** "64MiB", "1.5 GB", "1048576": bytes. KiB/MiB/GiB are powers of 1024, KB/MB/GB of 1000, a bare number is bytes. */
export function parseSize(raw: string): number | null {
  return parseSizeShown(raw)?.bytes ?? null;
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

/** How a size reads back: an exact MiB/GiB or MB/GB first, then KiB/KB, then 1024-based with up to two exact decimals (1.5 MiB), else two decimals. */
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
  // A size given as 1.5MiB or 2.25GiB reads back as given, not as 1.57 MB.
  for (const [unit, factor] of units.filter(([u]) => u.includes("i")))
    if (bytes >= factor && (bytes * 100) % factor === 0 && (factor >= 1024 ** 2 || bytes < 1024 ** 2)) return `${bytes / factor} ${unit}`;
  for (const [unit, factor] of units.filter(([u]) => !u.includes("i")))
    if (bytes >= factor) return `${Number((bytes / factor).toFixed(2))} ${unit}`;
  return `${bytes} B`;
}
