import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { parseProcessIo, type ProcessIo } from "../telemetry/process-io.js";

const run = promisify(execFile);
const FILES_PER_COMMAND = 400;

/**
 * Drops the files' pages from the page cache. Node has no posix_fadvise; `dd iflag=nocache
 * count=0` calls posix_fadvise(POSIX_FADV_DONTNEED) on the whole file and reads nothing.
 * Dirty pages cannot be dropped: datasets are synced when generated.
 */
export async function evictFromPageCache(files: readonly string[]): Promise<void> {
  for (let i = 0; i < files.length; i += FILES_PER_COMMAND) {
    const chunk = files.slice(i, i + FILES_PER_COMMAND);
    await run("sh", ["-c", 'for f in "$@"; do dd if="$f" iflag=nocache count=0 status=none || exit 1; done', "evict", ...chunk]);
  }
}

/** This process's read counters: rchar (every read, page cache included) and read_bytes (storage). */
export function selfIo(): ProcessIo | null {
  try {
    return parseProcessIo(readFileSync("/proc/self/io", "latin1"));
  } catch {
    return null;
  }
}
