/** Work that stops on SIGINT and SIGTERM by itself (a sweep, a study, a watched command) and runs now. */
let holders = 0;

/**
 * While held, a signal is the running work's to handle, and the CLI's default (end at once, exit
 * 130) stands aside; the returned function gives it back (calling it again does nothing).
 */
export function holdSignals(): () => void {
  holders++;
  let held = true;
  return () => {
    if (held) holders--;
    held = false;
  };
}

/** Whether some work handles signals itself now. */
export function signalsHeld(): boolean {
  return holders > 0;
}
