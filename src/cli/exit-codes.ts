import { CommanderError } from "commander";
import { EnvironmentError, Interrupted, UsageError } from "../util/errors.js";

/** gpuprof's exit codes, for every command: defined here only. */
export const EXIT = {
  ok: 0,
  /** The environment could not do what was asked, an internal error, or (run) every trial failed. */
  failure: 1,
  usage: 2,
  /** 128 + SIGINT, as a shell reports a Ctrl-C; SIGTERM ends gpuprof the same way, having saved what finished. */
  interrupted: 130,
} as const;

/**
 * The one mapping from an error to what the CLI prints and its exit code: a usage mistake (2), the
 * environment (1), an interruption (130); anything else is a bug in gpuprof (1), said as one.
 */
export function failureOf(err: unknown): { code: number; message: string } {
  if (err instanceof CommanderError) return { code: EXIT.usage, message: err.message };
  if (err instanceof UsageError) return { code: EXIT.usage, message: err.message };
  if (err instanceof Interrupted) return { code: EXIT.interrupted, message: err.message };
  if (err instanceof EnvironmentError) return { code: EXIT.failure, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: EXIT.failure, message: `internal error: ${message} (run again with --debug for details, and please report it)` };
}
