/** A command line as a user would type it in a POSIX shell, for messages (never executed). */
export function displayCommand(args: readonly string[]): string {
  return args.map(quoteArg).join(" ");
}

function quoteArg(a: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a)) return a;
  // Newlines and other control characters in $'...' (bash, zsh), so a multi-line script stays on one line.
  if (/[\x00-\x1f\x7f]/.test(a)) {
    const named: Record<string, string> = { "\n": "\\n", "\t": "\\t", "\r": "\\r" };
    const body = a.replace(/[\\'\x00-\x1f\x7f]/g, (ch) =>
      ch === "\\" || ch === "'" ? `\\${ch}` : (named[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`),
    );
    return `$'${body}'`;
  }
  return `'${a.replaceAll("'", `'\\''`)}'`;
}
