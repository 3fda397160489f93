import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseProcessIo, type ProcessIo } from "../telemetry/process-io.js";
import { EnvironmentError } from "../util/errors.js";

const run = promisify(execFile);
const FILES_PER_COMMAND = 400;

/** Drops files' pages from the page cache, with the tool that was found to work on this machine. */
export interface PageCacheEvictor {
  /** The tool, for messages: "dd iflag=nocache" or "python3 os.posix_fadvise". */
  readonly method: string;
  evict(files: readonly string[]): Promise<void>;
}

interface Method {
  name: string;
  /** What to say when the tool cannot be run at all. */
  tool: string;
  command(files: readonly string[]): [string, string[]];
}

const PYTHON_FADVISE = [
  "import os, sys",
  "for f in sys.argv[1:]:",
  "    fd = os.open(f, os.O_RDONLY)",
  "    try: os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)",
  "    finally: os.close(fd)",
].join("\n");

/**
 * Node has no posix_fadvise, so an outside tool makes the call. GNU dd's `iflag=nocache count=0`
 * calls posix_fadvise(POSIX_FADV_DONTNEED) on the whole file and reads nothing; dd without that
 * flag (busybox, BSD) cannot. python3's os.posix_fadvise makes the same call: ML machines nearly
 * always have python3, and it does a whole folder in one process where dd needs one per file.
 * Dirty pages cannot be dropped: datasets are synced when generated.
 */
const METHODS: readonly Method[] = [
  {
    name: "dd iflag=nocache",
    tool: "dd",
    command: (files) => ["sh", ["-c", 'for f in "$@"; do dd if="$f" iflag=nocache count=0 status=none || exit 1; done', "evict", ...files]],
  },
  { name: "python3 os.posix_fadvise", tool: "python3", command: (files) => ["python3", ["-c", PYTHON_FADVISE, ...files]] },
];

/** Why a command failed, in a few words: the last line it printed, or that it is not installed. */
function failureReason(err: unknown, tool: string): string {
  const e = err as { code?: unknown; stderr?: unknown; message?: unknown };
  if (e.code === "ENOENT" || e.code === 127) return `${tool} is not installed`;
  const lines = String(e.stderr ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const last = lines[lines.length - 1];
  return last !== undefined
    ? `${tool} said "${last}"`
    : `${tool} failed (${typeof e.code === "number" ? `exit ${e.code}` : String(e.message)})`;
}

async function attempt(method: Method, files: readonly string[], env: NodeJS.ProcessEnv): Promise<string | null> {
  for (let i = 0; i < files.length; i += FILES_PER_COMMAND) {
    const [command, args] = method.command(files.slice(i, i + FILES_PER_COMMAND));
    try {
      await run(command, args, { env });
    } catch (err) {
      return failureReason(err, method.tool);
    }
  }
  return null;
}

function evictorFor(method: Method, env: NodeJS.ProcessEnv): PageCacheEvictor {
  return {
    method: method.name,
    async evict(files) {
      const reason = await attempt(method, files, env);
      if (reason !== null)
        throw new EnvironmentError(`--cold: could not drop the dataset from the page cache with ${method.name}: ${reason}`);
    },
  };
}

/**
 * The first way to evict that works here, tried on a scratch file so a missing tool stops the run
 * before any data is generated or any worker starts. Throws EnvironmentError (one line) when none does.
 */
export async function findPageCacheEvictor(options: { env?: NodeJS.ProcessEnv; say?(line: string): void } = {}): Promise<PageCacheEvictor> {
  const env = options.env ?? process.env;
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), "gpuprof-evict-"));
  } catch (err) {
    throw new EnvironmentError(
      `--cold: cannot write a scratch file in ${tmpdir()} to check page-cache eviction (${(err as NodeJS.ErrnoException).code ?? String(err)}); set TMPDIR to a writable folder`,
    );
  }
  const probe = join(dir, "probe");
  const failures: string[] = [];
  try {
    writeFileSync(probe, "gpuprof checks that it can drop this file from the page cache\n");
    for (const method of METHODS) {
      const reason = await attempt(method, [probe], env);
      if (reason === null) {
        if (failures.length > 0) options.say?.(`--cold: ${failures.join("; ")}; dropping pages with ${method.name} instead`);
        return evictorFor(method, env);
      }
      failures.push(reason);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throw new EnvironmentError(
    `--cold cannot drop files from the page cache here (${failures.join("; ")}); install GNU coreutils' dd (it has iflag=nocache) or python3, or run without --cold`,
  );
}

/** This process's read counters: rchar (every read, page cache included) and read_bytes (storage). */
export function selfIo(): ProcessIo | null {
  try {
    return parseProcessIo(readFileSync("/proc/self/io", "latin1"));
  } catch {
    return null;
  }
}
