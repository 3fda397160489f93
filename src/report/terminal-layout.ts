import Table from "cli-table3";
import stringWidth from "string-width";
import { stripVTControlCharacters } from "node:util";
import wrapAnsi from "wrap-ansi";

/**
 * How terminal text is laid out: the width to fit, and whether the details (every finding in full,
 * the per-lever comparisons, the notes) are shown. Without one, a renderer shows everything, unwrapped.
 */
export interface TerminalLayout {
  width: number;
  verbose: boolean;
}

export const FULL_LAYOUT: TerminalLayout = { width: Number.POSITIVE_INFINITY, verbose: true };

/** Leading spaces and a list marker ("1.", "!", "?", "ok", "-"): a wrapped list item continues under its text. */
const LIST_ITEM = /^( *)((?:\d+\.|[!?*-]|ok) +)?/;

/** The fewest columns a wrapped line keeps for its text, however deep its indent. */
const MIN_TEXT = 20;

/** Each line of text wrapped at words to the width, list items with a hanging indent; ANSI colours are kept. */
export function wrapToWidth(text: string, width: number): string {
  if (!Number.isFinite(width)) return text;
  return text
    .split("\n")
    .map((line) => wrapLine(line, width))
    .join("\n");
}

function wrapLine(line: string, width: number): string {
  if (stringWidth(line) <= width) return line;
  const plain = stripVTControlCharacters(line);
  const match = LIST_ITEM.exec(plain)!;
  const lead = match[1]!.length;
  const indent = Math.min(match[0].length, Math.max(0, width - MIN_TEXT));
  // A list item continues under its text; any other line two columns in from where it starts.
  const hang = Math.min(match[2] !== undefined ? indent : lead + 2, Math.max(0, width - MIN_TEXT));
  const cut = rawIndex(line, indent);
  const prefix = line.slice(0, cut);
  const body = line.slice(cut);
  const options = { hard: true, trim: true, wordWrap: true };
  const [first = "", ...rest] = wrapAnsi(body, width - indent, options).split("\n");
  const more = rest.length === 0 ? [] : wrapAnsi(rest.join(" "), width - hang, options).split("\n");
  return [prefix + first, ...more.map((l) => " ".repeat(hang) + l)].join("\n");
}

/** Where the first `visible` printed characters of a line end, counting no ANSI escape. */
function rawIndex(line: string, visible: number): number {
  let seen = 0;
  let i = 0;
  while (i < line.length && seen < visible) {
    const escape = /^\x1b\[[0-9;]*m/.exec(line.slice(i));
    if (escape) i += escape[0].length;
    else {
      i++;
      seen++;
    }
  }
  // Colour codes that open right at the cut stay with the text they colour.
  return i;
}

/** The widest printed line of a text. */
export function widestLine(text: string): number {
  return Math.max(0, ...text.split("\n").map((l) => stringWidth(l)));
}

export interface TableColumn {
  head: string;
  align: "left" | "right";
  /**
   * Which columns go first when the table is too wide: the lowest number first; a column without one
   * is always shown. `wrap` marks the one column whose text may wrap when dropping is not enough.
   */
  drop?: number;
  wrap?: boolean;
}

/** A row: its cells, one per column, or its first cells and one text spanning the rest. */
export type TableRow = string[] | { lead: string[]; span: string };

/**
 * A cli-table3 table that fits the width: the least important columns are dropped until it does,
 * and the wrapping column then wraps its text if it still does not.
 */
export function fitTable(columns: readonly TableColumn[], rows: readonly TableRow[], width: number): string {
  let shown = columns.map((_, i) => i);
  const render = (colWidths?: (number | null)[]): string => {
    const table = new Table({
      head: shown.map((i) => columns[i]!.head),
      style: { head: [], border: [], compact: true },
      colAligns: shown.map((i) => columns[i]!.align),
      ...(colWidths ? { colWidths, wordWrap: true } : {}),
    });
    for (const row of rows) {
      if (Array.isArray(row)) table.push(shown.map((i) => row[i] ?? ""));
      else {
        const lead = shown.filter((i) => i < row.lead.length).map((i) => row.lead[i]!);
        table.push([...lead, { colSpan: Math.max(1, shown.length - lead.length), content: row.span }]);
      }
    }
    return table.toString();
  };
  let text = render();
  if (!Number.isFinite(width)) return text;
  const order = columns
    .map((c, i) => ({ drop: c.drop, i }))
    .filter((c): c is { drop: number; i: number } => c.drop !== undefined)
    .sort((a, b) => a.drop - b.drop);
  const dropped: number[] = [];
  for (const { i } of order) {
    if (widestLine(text) <= width) break;
    shown = shown.filter((s) => s !== i);
    dropped.push(i);
    text = render();
  }
  if (widestLine(text) <= width) {
    // A column dropped early may fit again beside a wide one dropped later: the more important first.
    for (const i of dropped.reverse()) {
      const before = shown;
      shown = [...shown, i].sort((a, b) => a - b);
      const wider = render();
      if (widestLine(wider) <= width) text = wider;
      else shown = before;
    }
    return text;
  }
  const over = widestLine(text) - width;
  const wrapAt = shown.findIndex((i) => columns[i]!.wrap === true);
  if (over <= 0 || wrapAt < 0) return text;
  // The wrapping column's current width (its widest cell and its padding), less what is over.
  const lines = stripVTControlCharacters(text).split("\n");
  const border = lines[0]!;
  const edges = [...border].flatMap((ch, i) => (ch === "┬" || ch === "┌" || ch === "┐" ? [i] : []));
  const current = edges[wrapAt + 1]! - edges[wrapAt]! - 1;
  const colWidths = shown.map((_, k) => (k === wrapAt ? Math.max(8, current - over) : null));
  return render(colWidths);
}
