import { holdSignals, signalsHeld } from "../util/signal-hold.js";
import { EXIT } from "./exit-codes.js";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * The CLI's default for SIGINT and SIGTERM: with no long work to stop (report, compare, startup),
 * gpuprof ends at once with exit 130 and one line; files already written stay.
 */
export function exitOnSignals(write: (line: string) => void): { dispose(): void } {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalsHeld()) return;
    write(`interrupted (${signal}); stopped`);
    process.exit(EXIT.interrupted);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return { dispose: () => SIGNALS.forEach((s) => process.off(s, onSignal)) };
}

/**
 * Turns the first SIGINT or SIGTERM into an abort of long work (a sweep, a study), telling the user
 * once what happens next; the work then saves what it finished. A second signal ends gpuprof at
 * once (exit 130): what was saved so far stays. dispose() gives the signals back.
 */
export function interruptOnSignals(say: (line: string) => void, whatHappens: string): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const release = holdSignals();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      say(`${signal} again: exiting now; what was saved so far is kept`);
      process.exit(EXIT.interrupted);
    }
    say(`stopping: ${whatHappens} (${signal} again to exit at once)`);
    controller.abort();
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      release();
      SIGNALS.forEach((s) => process.off(s, onSignal));
    },
  };
}
