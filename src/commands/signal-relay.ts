import { signalChild } from "../util/signal-child.js";
import type { ChildProcess } from "node:child_process";
import { inForegroundOfTerminal } from "../util/foreground.js";
import { processTree } from "../telemetry/process-tree.js";
import { holdSignals } from "../util/signal-hold.js";

/**
 * SIGKILL to the command and all its descendants: a training script's DataLoader workers must not
 * outlive it holding GPU memory. The tree is read from /proc first; the command dies first, so it
 * cannot see its children end and exit on its own terms.
 */
function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  const descendants = [...processTree(child.pid).keys()].filter((pid) => pid !== child.pid);
  signalChild(child, "SIGKILL");
  for (const pid of descendants) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}

/** Ctrl-C this many times and the command is killed outright. */
const SIGINTS_BEFORE_KILL = 3;

/** SIGTERM means stop now: a command still running this long after it is killed, as is a second SIGTERM. */
const SIGTERM_GRACE_MS = 1000;

export interface SignalRelay {
  /** True once gpuprof got SIGINT, SIGTERM or SIGHUP while the command ran. */
  interrupted(): boolean;
  /** Gives the signals back to their default handling. */
  dispose(): void;
}

/**
 * Passes the user's signals on to the watched command while gpuprof keeps sampling, so that an
 * interrupted run still writes everything it measured.
 */
export function relaySignals(child: ChildProcess, program: string, say: (line: string) => void): SignalRelay {
  let interrupted = false;
  let sigints = 0;
  // In the terminal's foreground group the child gets a Ctrl-C itself; forwarding would double it.
  const forwardSigint = !inForegroundOfTerminal();
  const onSigint = (): void => {
    interrupted = true;
    sigints++;
    if (sigints >= SIGINTS_BEFORE_KILL) {
      say(`interrupted ${sigints} times: killing ${program} and every process it started`);
      killTree(child);
      return;
    }
    if (sigints === 1) {
      say(`interrupted: waiting for ${program} to exit; samples so far are kept (Ctrl-C ${SIGINTS_BEFORE_KILL - 1} more times to kill it)`);
    }
    if (forwardSigint) signalChild(child, "SIGINT");
  };
  const forward = (signal: NodeJS.Signals) => (): void => {
    interrupted = true;
    signalChild(child, signal);
  };
  let termTimer: NodeJS.Timeout | undefined;
  const kill = (why: string): void => {
    say(`${why}: killing ${program} and every process it started`);
    killTree(child);
  };
  const onSigterm = (): void => {
    interrupted = true;
    if (termTimer !== undefined) return kill("SIGTERM again");
    signalChild(child, "SIGTERM");
    say(`SIGTERM: passed on to ${program}; samples so far are kept (killed if still running in ${SIGTERM_GRACE_MS / 1000} s)`);
    termTimer = setTimeout(() => kill(`${program} still runs ${SIGTERM_GRACE_MS / 1000} s after SIGTERM`), SIGTERM_GRACE_MS);
    termTimer.unref();
  };
  const onSighup = forward("SIGHUP");
  const release = holdSignals();
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  process.on("SIGHUP", onSighup);
  return {
    interrupted: () => interrupted,
    dispose: () => {
      clearTimeout(termTimer);
      release();
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
      process.off("SIGHUP", onSighup);
    },
  };
}
