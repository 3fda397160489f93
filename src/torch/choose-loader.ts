import { LOADERS, type Loader } from "../store/trial-axes.js";
import { EnvironmentError, UsageError } from "../util/errors.js";
import { MIN_TORCH } from "./protocol.js";
import { PythonSideGone } from "./python-side.js";
import { TorchLoader } from "./torch-loader.js";

export const LOADER_REQUESTS = ["auto", ...LOADERS] as const;
export type LoaderRequest = (typeof LOADER_REQUESTS)[number];

export interface LoaderChoice {
  loaders: Loader[];
  /** Why these loaders: said on the terminal and kept in results.json. */
  reason: string;
  /** auto's fallback to the harness in one short line, said instead of the reason unless --verbose. */
  brief?: string;
  torch: TorchLoader | null;
}

/** --python, else $GPUPROF_PYTHON, else python3 on PATH. */
export function pythonInterpreter(flag: string | undefined, env: NodeJS.ProcessEnv): { path: string; from: string } {
  if (flag !== undefined) return { path: flag, from: "--python" };
  const fromEnv = env["GPUPROF_PYTHON"];
  if (fromEnv !== undefined && fromEnv !== "") return { path: fromEnv, from: "GPUPROF_PYTHON" };
  return { path: "python3", from: "python3 on PATH" };
}

const FIX = "--python /path/to/venv/bin/python (or GPUPROF_PYTHON)";

function olderThan(version: string, minimum: string): boolean {
  const parts = (v: string): number[] =>
    v
      .split(/[.+a-z]/)
      .slice(0, 2)
      .map((p) => Number.parseInt(p, 10) || 0);
  const [a, b] = [parts(version), parts(minimum)];
  return a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!);
}

/** Starts the interpreter and says in one line why it cannot run the torch loader, or returns it. */
async function startTorch(
  interpreter: { path: string; from: string },
  env: NodeJS.ProcessEnv,
): Promise<TorchLoader | { why: string; short: string }> {
  let torch: TorchLoader;
  try {
    torch = await TorchLoader.start(interpreter.path, env);
  } catch (err) {
    if (!(err instanceof PythonSideGone)) throw err;
    // Not started at all (not found, not executable), or it exited before it answered.
    const what = /^(was not found|is not executable|could not be started)/.test(err.message)
      ? err.message
      : `could not be started: it ${err.message}`;
    return { why: `${interpreter.path} (${interpreter.from}) ${what}`, short: `${interpreter.path} ${what.replace(/ \(E[A-Z]+\)$/, "")}` };
  }
  const { ready } = torch;
  const who = `${interpreter.path} (${interpreter.from}; ${ready.python.executable}, Python ${ready.python.version})`;
  const why =
    ready.torch === null
      ? `cannot import torch (${ready.problem ?? "unknown reason"})`
      : olderThan(ready.torch.version, MIN_TORCH)
        ? `has torch ${ready.torch.version}, older than the ${MIN_TORCH} the torch loader needs`
        : null;
  if (why === null) return torch;
  await torch.close();
  return { why: `${who} ${why}`, short: `${interpreter.path} ${ready.torch === null ? "cannot import torch" : why}` };
}

/**
 * Which loaders a sweep runs. `auto` runs the user's PyTorch DataLoader when the chosen Python can
 * import torch, and gpuprof's harness otherwise, and says which and why; an explicit `torch` that
 * cannot work stops the run in one line naming the interpreter tried and the fix.
 */
export async function chooseLoaders(
  requested: readonly LoaderRequest[],
  options: { python: string | undefined; factory: boolean },
  env: NodeJS.ProcessEnv,
): Promise<LoaderChoice> {
  if (requested.includes("auto") && requested.length > 1) {
    throw new UsageError(`--loader auto picks one loader by itself; give it alone, or list the loaders: --loader harness,torch`);
  }
  if (options.factory && requested.includes("harness")) {
    throw new UsageError(
      "--dataset-factory makes a torch Dataset, which only the torch loader reads; use --loader torch (or leave --loader out)",
    );
  }
  const interpreter = pythonInterpreter(options.python, env);
  if (!requested.includes("auto")) {
    const loaders = LOADERS.filter((l) => requested.includes(l));
    if (!loaders.includes("torch")) return { loaders, reason: "--loader harness: gpuprof's own loader", torch: null };
    const torch = await startTorch(interpreter, env);
    if (!(torch instanceof TorchLoader)) throw new EnvironmentError(`--loader torch: ${torch.why}; give one that has torch: ${FIX}`);
    const versions = `torch ${torch.ready.torch!.version}, Python ${torch.ready.python.version}`;
    return { loaders, reason: `--loader ${loaders.join(",")}: your PyTorch DataLoader in ${interpreter.path} (${versions})`, torch };
  }
  const torch = await startTorch(interpreter, env);
  if (!(torch instanceof TorchLoader)) {
    if (options.factory) throw new EnvironmentError(`--dataset-factory needs the torch loader, but ${torch.why}; ${FIX}`);
    return {
      loaders: ["harness"],
      reason: `auto: ${torch.why}, so gpuprof's own loader measures; to measure your PyTorch DataLoader give ${FIX}`,
      brief: `loader: gpuprof's harness (${torch.short}; --python /path/to/python measures your PyTorch DataLoader)`,
      torch: null,
    };
  }
  return {
    loaders: ["torch"],
    reason: `auto: ${interpreter.path} imports torch ${torch.ready.torch!.version}, so the sweep measures your PyTorch DataLoader (--loader harness,torch adds gpuprof's own loader beside it)`,
    torch,
  };
}
