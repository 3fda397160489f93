import { spawn, type ChildProcess } from "node:child_process";
import { delimiter } from "node:path";
import { fileURLToPath } from "node:url";
import type { Readable, Writable } from "node:stream";
import { FromPythonSchema, PROTOCOL_VERSION, type FromPython, type ToPython } from "./protocol.js";

/** python/ of the package: dist/torch/ and src/torch/ are both two folders below the root. */
export const PYTHON_PACKAGE_DIR = fileURLToPath(new URL("../../python/", import.meta.url));

/** The Python side went away (it exited, or stopped answering): what it last printed helps the user. */
export class PythonSideGone extends Error {}

type Waiter = { accept(m: FromPython): boolean; resolve(m: FromPython): void; reject(err: Error): void };

/** The last lines the interpreter printed: the user's Dataset may print, and a crash's reason is there. */
class LastLines {
  private readonly lines: string[] = [];
  private partial = "";
  constructor(private readonly keep: number) {}
  push(chunk: string): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = parts.pop() ?? "";
    for (const line of parts) if (line.trim() !== "") this.lines.push(line);
    this.lines.splice(0, Math.max(0, this.lines.length - this.keep));
  }
  text(): string[] {
    return this.partial.trim() !== "" ? [...this.lines, this.partial] : [...this.lines];
  }
}

/**
 * gpuprof's Python process (python/gpuprof_torch), started in a session of its own so that it and
 * every DataLoader worker it forks can be ended together by process group. Requests go out on
 * its fd 3 and replies come back on its fd 4, one JSON object per line.
 */
export class PythonSide {
  private readonly child: ChildProcess;
  private readonly requests: Writable;
  private readonly waiters: Waiter[] = [];
  private readonly stderr = new LastLines(20);
  private exited: string | null = null;
  private spawnError: Error | null = null;
  private buffered = "";
  /** Called with every message, progress included (a watchdog restarts its clock on each). */
  onMessage: (m: FromPython) => void = () => undefined;

  private constructor(
    readonly interpreter: string,
    env: NodeJS.ProcessEnv,
  ) {
    const pythonPath = [PYTHON_PACKAGE_DIR, env["PYTHONPATH"]].filter((p) => p !== undefined && p !== "").join(delimiter);
    this.child = spawn(interpreter, ["-u", "-m", "gpuprof_torch"], {
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
      detached: true,
      env: { ...env, PYTHONPATH: pythonPath, PYTHONDONTWRITEBYTECODE: "1" },
    });
    const [, out, err, toPython, fromPython] = this.child.stdio as [null, Readable, Readable, Writable, Readable];
    this.requests = toPython;
    // A write after the interpreter died is reported by the exit, not as an unhandled stream error.
    toPython.on("error", () => undefined);
    out.setEncoding("utf8").on("data", (c: string) => this.stderr.push(c));
    err.setEncoding("utf8").on("data", (c: string) => this.stderr.push(c));
    fromPython.setEncoding("utf8").on("data", (chunk: string) => this.receive(chunk));
    this.child.on("error", (e) => {
      this.spawnError = e;
      const code = (e as NodeJS.ErrnoException).code;
      this.gone(
        code === "ENOENT"
          ? "was not found (ENOENT)"
          : code === "EACCES"
            ? "is not executable (EACCES)"
            : `could not be started (${code ?? e.message})`,
      );
    });
    this.child.on("exit", (code, signal) => this.gone(signal ? `ended by ${signal}` : `exited with code ${code}`));
    // gpuprof must not wait for its Python side to end before it can exit itself.
    this.child.unref();
  }

  /** Starts the interpreter and waits for its `ready`; rejects with PythonSideGone when it cannot start. */
  static async start(
    interpreter: string,
    env: NodeJS.ProcessEnv,
    timeoutMs = 60_000,
  ): Promise<{ side: PythonSide; ready: Extract<FromPython, { type: "ready" }> }> {
    const side = new PythonSide(interpreter, env);
    try {
      const ready = await side.request({ type: "hello", protocol: PROTOCOL_VERSION }, ["ready"], timeoutMs);
      return { side, ready: ready as Extract<FromPython, { type: "ready" }> };
    } catch (err) {
      side.kill();
      throw err;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True when the interpreter could not be started at all (ENOENT, EACCES). */
  get notStarted(): boolean {
    return this.spawnError !== null;
  }

  get alive(): boolean {
    return this.exited === null;
  }

  /** What the interpreter printed last (stdout and stderr), for a failure's message. */
  lastOutput(): string[] {
    return this.stderr.text();
  }

  send(message: ToPython): void {
    if (this.exited === null) this.requests.write(JSON.stringify(message) + "\n");
  }

  /** Sends `message` and resolves with the first reply of one of `types` (or `error`). */
  request(message: ToPython, types: FromPython["type"][], timeoutMs: number | null = null): Promise<FromPython> {
    const reply = this.next((m) => types.includes(m.type) || m.type === "error", timeoutMs);
    this.send(message);
    return reply;
  }

  /** The next message `accept` takes; with a timeout, rejects with PythonSideGone when none comes in time. */
  next(accept: (m: FromPython) => boolean, timeoutMs: number | null = null): Promise<FromPython> {
    if (this.exited !== null) return Promise.reject(new PythonSideGone(this.exited));
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        accept,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      if (timeoutMs !== null) {
        timer = setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new PythonSideGone(`no answer in ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  /** Ends the interpreter and every process of its group (DataLoader workers included) at once. */
  kill(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // The group is already gone.
    }
  }

  /** Asks the interpreter to leave, and ends its group if it has not within `graceMs`. */
  async close(graceMs = 3000): Promise<void> {
    if (this.exited === null) {
      this.send({ type: "bye" });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        if (this.exited !== null) resolve();
      });
    }
    // Workers of a DataLoader that the interpreter could not shut down would otherwise outlive it.
    this.kill();
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf("\n")) >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      if (line.trim() === "") continue;
      let parsed: FromPython;
      try {
        parsed = FromPythonSchema.parse(JSON.parse(line));
      } catch (err) {
        this.failAll(
          `sent a message gpuprof does not understand (${err instanceof Error ? err.message.split("\n")[0] : String(err)}): ${line.slice(0, 200)}`,
        );
        continue;
      }
      this.onMessage(parsed);
      const at = this.waiters.findIndex((w) => w.accept(parsed));
      if (at >= 0) this.waiters.splice(at, 1)[0]!.resolve(parsed);
    }
  }

  private failAll(reason: string): void {
    for (const w of this.waiters.splice(0)) w.reject(new PythonSideGone(reason));
  }

  private gone(reason: string): void {
    if (this.exited !== null) return;
    this.exited = reason;
    this.failAll(reason);
  }
}
