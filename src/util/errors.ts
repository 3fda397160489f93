/**
 * A mistake in how gpuprof was called (a bad flag, a bad value, an output folder in the way).
 * The message is one line that names the problem and the fix; the CLI prints it and exits 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The machine or the environment cannot do what was asked (exit 1), told in one line. */
export class EnvironmentError extends Error {
  override readonly name = "EnvironmentError";
}

/**
 * Ctrl-C or SIGTERM stopped the work before it had anything to show (exit 130): what finished is
 * kept, what did not is taken back, and the message says so in one line.
 */
export class Interrupted extends Error {
  override readonly name = "Interrupted";
}
