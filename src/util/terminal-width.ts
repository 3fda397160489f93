/** The width gpuprof's terminal output is laid out to when neither the terminal nor $COLUMNS says. */
export const DEFAULT_TERMINAL_WIDTH = 100;

/**
 * The width to lay terminal output out to: the terminal's when the stream is one, else $COLUMNS when
 * it holds a positive whole number, else 100. Output piped to a file follows the same rules.
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): number {
  if (stream.isTTY && typeof stream.columns === "number" && stream.columns > 0) return stream.columns;
  const columns = /^\s*(\d+)\s*$/.exec(env["COLUMNS"] ?? "");
  const n = columns ? Number(columns[1]) : 0;
  return n > 0 ? n : DEFAULT_TERMINAL_WIDTH;
}
