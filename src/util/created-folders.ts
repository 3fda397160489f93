import { existsSync, rmdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * The outermost folder on the way to `path` that does not exist yet, or null when `path` exists:
 * what a recursive mkdir of `path` is about to create. Taken before the mkdir, it lets a run that
 * stops early take back exactly the folders it made.
 */
export function outermostMissing(path: string): string | null {
  let missing: string | null = null;
  for (let dir = resolve(path); !existsSync(dir) && dirname(dir) !== dir; dir = dirname(dir)) missing = dir;
  return missing;
}

/**
 * Removes `dir` and the folders above it up to and including `top`, while they are empty. A folder
 * that holds anything (another run's results, a dataset) stops it: only empty folders are removed.
 */
export function removeEmptyFoldersUpTo(dir: string, top: string | null): void {
  if (top === null) return;
  for (let current = resolve(dir); ; current = dirname(current)) {
    try {
      rmdirSync(current);
    } catch {
      return;
    }
    if (current === top || dirname(current) === current) return;
  }
}
