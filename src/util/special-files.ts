import { statSync, type Stats } from "node:fs";
import { UsageError } from "./errors.js";

/**
 * What a path is when it is neither a regular file nor a folder ("a named pipe (FIFO)", ...), or
 * null. Opening such a path can block forever (a FIFO with no writer) or never end (/dev/zero).
 */
export function specialKind(stats: Stats): string | null {
  if (stats.isFIFO()) return "a named pipe (FIFO)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return null;
}

/**
 * Refuses, in one line naming the path, what it is and what to give instead, a path the user gave
 * that is a FIFO, a socket or a device: checked with stat (links followed), which never opens it.
 * Returns the path's stats, or null when nothing is there (the caller says what that means).
 */
export function refuseSpecialFile(path: string, flag: string, instead: string): Stats | null {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    return null;
  }
  const kind = specialKind(stats);
  if (kind !== null) throw new UsageError(`${flag ? `${flag} ` : ""}${path} is ${kind}; ${instead}`);
  return stats;
}
