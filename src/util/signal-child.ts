import type { ChildProcess } from "node:child_process";

/**
 * Signals a child only if it really started and has not ended. A child whose spawn failed has no
 * pid, and its kill() can reach kill(0, signal): every process in our group, the user's shell too.
 */
export function signalChild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill(signal);
  } catch {
    // Gone between the check and the signal: nothing to end.
  }
}
