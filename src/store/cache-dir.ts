import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { outermostMissing } from "../util/created-folders.js";
import { UsageError } from "../util/errors.js";
import { kernelFilesystemOf } from "./run-dir.js";

/**
 * Makes sure the folder for generated datasets could be created and written, before anything is
 * generated there: one line naming the folder and the fix, never a raw errno. Nothing is created
 * here, so a run stopped before generation leaves no folder behind.
 */
export function usableCacheDir(dir: string): void {
  const kernel = kernelFilesystemOf(dir);
  // Node's recursive mkdir never returns under /proc: refuse before trying.
  if (kernel)
    throw new UsageError(`--cache-dir ${dir} is inside ${kernel}, a kernel filesystem that cannot hold files; choose another folder`);
  // The nearest folder that exists: where the missing ones would be created.
  const missing = outermostMissing(dir);
  const existing = missing === null ? resolve(dir) : dirname(missing);
  let why: string | null = null;
  if (!statSync(existing).isDirectory()) why = "a file stands where a folder is needed";
  else {
    try {
      accessSync(existing, constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "an error";
      why = code === "EROFS" ? "it is on a read-only filesystem" : `${existing} cannot be written (${code})`;
    }
  }
  if (why) {
    throw new UsageError(
      `--cache-dir ${dir}: ${why}; give a writable folder with --cache-dir (or set GPUPROF_CACHE_DIR; the default is ~/.cache/gpuprof)`,
    );
  }
}
