/**
 * Turns the first SIGINT or SIGTERM into an abort of long work (a sweep, a study), telling the user
 * once what happens next; the work then saves what it finished. dispose() restores default handling.
 */
export function interruptOnSignals(say: (line: string) => void, whatHappens: string): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) return;
    say(`stopping: ${whatHappens}`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
