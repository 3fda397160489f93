/** Small number formatters shared by the terminal renderers. */

export function pct(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? "n/a" : `${value.toFixed(digits)}%`;
}

export function mbPerS(value: number | null | undefined): string {
  if (value === null || value === undefined) return "n/a";
  return value >= 100 ? `${value.toFixed(0)} MB/s` : `${value.toFixed(1)} MB/s`;
}

export function mib(value: number | null | undefined): string {
  if (value === null || value === undefined) return "n/a";
  return value >= 10240 ? `${(value / 1024).toFixed(1)} GiB` : `${value.toFixed(0)} MiB`;
}

export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return "n/a";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = value;
  let unit = 0;
  while (v >= 1000 && unit < units.length - 1) {
    v /= 1000;
    unit++;
  }
  return `${v.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function seconds(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} s` : `${value.toFixed(1)} s`;
}

/** A fraction (0.375) as a percentage with one decimal ("37.5%"). */
export function share(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A count or rate rounded, with thousands separators ("1,771"). */
export function count(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** Text from the user or the machine inside a Markdown table cell: no pipes, no markup, one line. */
export function markdownCell(text: string): string {
  return text
    .replace(/\|/g, "\\|")
    .replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;"))
    .replace(/\n/g, " ");
}
