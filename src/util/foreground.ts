import { readFileSync } from "node:fs";

/**
 * True when this process belongs to the terminal's foreground process group. Then a Ctrl-C from
 * the terminal reaches every process of the group, a child included, and forwarding SIGINT would
 * deliver it twice (Python would raise KeyboardInterrupt inside its own cleanup).
 */
export function inForegroundOfTerminal(): boolean {
  try {
    const stat = readFileSync("/proc/self/stat", "latin1");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command name: state, ppid, pgrp, session, tty_nr, tpgid.
    const pgrp = Number(fields[2]);
    const tpgid = Number(fields[5]);
    return tpgid > 0 && tpgid === pgrp;
  } catch {
    return false;
  }
}
