/**
 * Parsers for `nvidia-smi dmon`. Its column set differs between drivers and metric groups, so
 * columns are found by the names in the "# gpu ..." header rather than by position.
 */

/** Column names from a "# gpu ..." header line; null for any other line (the "# Idx" units line included). */
export function parseDmonHeader(line: string): string[] | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith("#")) return null;
  const names = trimmed.slice(1).trim().split(/\s+/);
  return names[0] === "gpu" ? names : null;
}

/** One data row keyed by column name; "-" (unsupported) becomes null. Null for a line that is not a row. */
export function parseDmonRow(line: string, columns: readonly string[]): Record<string, number | null> | null {
  const trimmed = line.trim();
  if (trimmed === "" || trimmed.startsWith("#")) return null;
  const cells = trimmed.split(/\s+/);
  if (cells.length !== columns.length) return null;
  const row: Record<string, number | null> = {};
  columns.forEach((name, i) => {
    const cell = cells[i]!;
    const n = Number(cell);
    row[name] = cell === "-" || !Number.isFinite(n) ? null : n;
  });
  return row["gpu"] === null || row["gpu"] === undefined ? null : row;
}
