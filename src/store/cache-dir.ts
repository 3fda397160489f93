import { accessSync, constants, mkdirSync } from "node:fs";
import { UsageError } from "../util/errors.js";
import { kernelFilesystemOf } from "./run-dir.js";

/**
 * Makes sure the folder for generated datasets can be created and written, before anything is
 * generated there: one line naming where the folder came from and the fix, never a raw errno.
 */
export function usableCacheDir(dir: string): void {
  const kernel = kernelFilesystemOf(dir);
  // Node's recursive mkdir never returns under /proc: refuse before trying.
  if (kernel)
    throw new UsageError(`--cache-dir ${dir} is inside ${kernel}, a kernel filesystem that cannot hold files; choose another folder`);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "an error";
    const why =
      code === "ENOTDIR" || code === "EEXIST"
        ? "a file stands where a folder is needed"
        : code === "EROFS"
          ? "it is on a read-only filesystem"
          : `it cannot be created or written (${code})`;
    throw new UsageError(
      `--cache-dir ${dir}: ${why}; give a writable folder with --cache-dir (or set GPUPROF_CACHE_DIR; the default is ~/.cache/gpuprof)`,
    );
  }
}
