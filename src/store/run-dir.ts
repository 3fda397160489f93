import { existsSync, mkdirSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../util/errors.js";
import { refuseSpecialFile } from "../util/special-files.js";

/** Kernel filesystems: they cannot hold results, and Node's recursive mkdir never returns on /proc. */
const KERNEL_FILESYSTEMS = ["/proc", "/sys"];

/** The path with symbolic links resolved in the part that exists (/dev/fd leads into /proc). */
function realPath(path: string): string {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      return join(realpathSync(current), ...missing);
    } catch {
      const parent = dirname(current);
      if (parent === current) return resolve(path);
      missing.unshift(basename(current));
      current = parent;
    }
  }
}

/** The kernel filesystem a folder would be created in, or null. */
export function kernelFilesystemOf(path: string): string | null {
  const candidates = [resolve(path), realPath(path)];
  return KERNEL_FILESYSTEMS.find((root) => candidates.some((p) => p === root || p.startsWith(`${root}/`))) ?? null;
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** "20261123-091848-python": local time, so it matches the clock the user sees, then the command's name. */
export function runDirLabel(now: Date, command: string): string {
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const name = basename(command)
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(0, 40);
  return name ? `${stamp}-${name}` : stamp;
}

function isNonEmptyDir(path: string): boolean {
  try {
    return statSync(path).isDirectory() && readdirSync(path).length > 0;
  } catch {
    return false;
  }
}

export interface ClaimOptions {
  /** --out: the exact folder to use. */
  out?: string;
  /** Where default run folders go. */
  reportsDir: string;
  label: string;
  /** Allow writing into a non-empty --out folder. */
  force: boolean;
}

/**
 * What claimRunDir would refuse about --out, checked without creating anything: for --dry-run,
 * and before a run spends time on probes it would then throw away.
 */
export function checkOutFolder(out: string, force: boolean): void {
  const kernel = kernelFilesystemOf(out);
  if (kernel) throw new UsageError(`--out ${out} is inside ${kernel}, a kernel filesystem that cannot hold files; choose another folder`);
  refuseSpecialFile(out, "--out", "give a folder (a new or empty one) for the results");
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a file, not a folder; choose a folder`);
  if (isNonEmptyDir(out) && !force) {
    throw new UsageError(`--out ${out} already holds files; choose a new folder, or add --force to write over them`);
  }
}

/**
 * Creates the folder a run writes into and returns its path. Never reuses a folder holding earlier
 * results unless --force says so: a default folder that exists gets a -2, -3, ... suffix, and the
 * final mkdir is not recursive, so two runs started in the same second cannot claim the same one.
 */
export function claimRunDir(options: ClaimOptions): string {
  if (options.out !== undefined) {
    checkOutFolder(options.out, options.force);
    try {
      mkdirSync(options.out, { recursive: true });
    } catch (err) {
      throw new UsageError(
        `cannot create --out ${options.out} (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose a writable folder`,
      );
    }
    return options.out;
  }
  const kernel = kernelFilesystemOf(options.reportsDir);
  if (kernel) {
    throw new UsageError(
      `cannot write results to ${resolve(options.reportsDir)} (${kernel} is a kernel filesystem); pass --out with a writable folder`,
    );
  }
  try {
    mkdirSync(options.reportsDir, { recursive: true });
  } catch (err) {
    throw new UsageError(
      `cannot create ${options.reportsDir} (${(err as NodeJS.ErrnoException).code ?? String(err)}); pass --out with a writable folder`,
    );
  }
  for (let attempt = 1; attempt < 1000; attempt++) {
    const path = join(options.reportsDir, attempt === 1 ? options.label : `${options.label}-${attempt}`);
    try {
      mkdirSync(path);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new UsageError(
          `cannot create ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}); pass --out with a writable folder`,
        );
      }
    }
  }
  throw new UsageError(`${options.reportsDir} already holds 999 runs named ${options.label}; pass --out`);
}
