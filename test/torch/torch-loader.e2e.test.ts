import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, it, vi } from "vitest";
import { ensureSyntheticH5 } from "../../src/h5/synthetic-h5.js";
import { RunResultsSchema, type RunResults, type TrialResult } from "../../src/store/results-schema.js";
import { runCli, tempDir, unwrapped, type CliOptions } from "../helpers.js";
import { DEBIAN_PYTHON, PYTHON_TORCH, describeNeeding } from "../system-packages.js";

// Small data and step-counted windows: these tests check behaviour, not speed.
const SMALL = ["--samples", "64", "--shape", "3,16,16", "--batch", "8", "--step-ms", "2", "--warmup", "2", "--steps", "6"];
const TORCH = ["--loader", "torch", "--python", DEBIAN_PYTHON];
let cacheDir: string;
// Each test starts an interpreter that imports torch (seconds on 2 cores) and forks DataLoader workers.
vi.setConfig({ testTimeout: 120_000 });

function gpuprofRun(args: string[], options: CliOptions = {}) {
  return runCli(["run", ...args], { timeoutMs: 120_000, ...options, env: { GPUPROF_CACHE_DIR: cacheDir, ...options.env } });
}

/** A run of the user's own Dataset (`file.py:function`) on Debian's python3. */
function factoryRun(factory: string, args: string[], options: CliOptions = {}) {
  return gpuprofRun([...args, "--dataset-factory", factory, "--python", DEBIAN_PYTHON], options);
}

function results(cwd: string): RunResults {
  const [dir] = readdirSync(join(cwd, "reports")).filter((d) => d.endsWith("-run"));
  return RunResultsSchema.parse(JSON.parse(readFileSync(join(cwd, "reports", dir!, "results.json"), "utf8")));
}

const readOr = (path: string): string => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};

type Ok = Extract<TrialResult, { status: "ok" }>;
const ok = (r: RunResults): Ok[] => r.trials.filter((t): t is Ok => t.status === "ok");

/** A Python file of the user's, written for the test. */
function userFile(name: string, source: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, source);
  return path;
}

beforeAll(() => {
  cacheDir = tempDir();
});

describeNeeding(PYTHON_TORCH, "gpuprof run --loader torch", () => {
  it("measures PyTorch's DataLoader on .npy: workers 0 and 2, both dtypes, pin memory off and on", async () => {
    const cwd = tempDir();
    const run = await gpuprofRun([...SMALL, ...TORCH, "--workers", "0,2", "--dtype", "uint8,float32", "--pin-memory", "false,true"], {
      cwd,
    });
    expect(run.stderr).not.toContain("internal error");
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/loader: torch \(--loader torch: your PyTorch DataLoader in \/usr\/bin\/python3 \(torch [\d.]+/);
    const r = results(cwd);
    expect(r.loader?.torch?.torchVersion).toMatch(/^\d+\.\d+/);
    expect(r.loader?.torch?.interpreter).toMatch(/python/);
    expect(r.consumer.kind).toBe("sim");
    expect(r.trials).toHaveLength(8);
    const trials = ok(r);
    expect(trials).toHaveLength(8);
    for (const t of trials) {
      expect(t.spec.loader).toBe("torch");
      expect(t.spec.transport).toBe("none");
      // One main process, and a process per worker.
      expect(t.metrics.processes).toHaveLength(1 + t.spec.workers);
      expect(t.metrics.processes!.filter((p) => p.role === "worker")).toHaveLength(t.spec.workers);
      expect(t.metrics.processes!.every((p) => p.peakRssMiB > 0)).toBe(true);
      expect(t.metrics.firstBatchMs).toBeGreaterThan(0);
      expect(t.metrics.samplesPerS).toBeGreaterThan(0);
      expect(t.metrics.steps).toBeGreaterThanOrEqual(6);
      // The batch's bytes, as the DataLoader delivered them: 8 samples of 3x16x16, 1 or 4 bytes a value.
      const perBatch = 8 * 3 * 16 * 16 * (t.spec.dtype === "float32" ? 4 : 1);
      expect(t.metrics.transport.bytesDelivered).toBe(perBatch * t.metrics.batches);
      // pin_memory copies every batch into pinned memory; without it nothing gpuprof can see is copied.
      expect(t.metrics.transport.bytesCopied).toBe(t.spec.pinMemory ? perBatch * t.metrics.batches : 0);
      expect(t.window.endMs).toBeGreaterThan(t.window.startMs);
      expect(t.metrics.device.basis).toBe("modelled");
      // np.load's memory map is read by page faults, which rchar never counts: the bytes copied out
      // of the map are added, so at least every delivered sample's uint8 bytes were read, and
      // never less than came from storage.
      const reads = t.metrics.reads!;
      expect(reads.allBytes).toBeGreaterThanOrEqual(8 * 3 * 16 * 16 * t.metrics.batches);
      expect(reads.allBytes).toBeGreaterThanOrEqual(reads.storageBytes);
      for (const p of t.metrics.processes!) expect(p.reads!.allBytes).toBeGreaterThanOrEqual(p.reads!.storageBytes);
    }
    expect(run.stdout).toMatch(/^Best: torch, workers \d/m);
  });

  it("puts the harness and torch side by side on JPEGs, raw files and HDF5, reading the same files", async () => {
    const { path: h5 } = await ensureSyntheticH5(
      { count: 32, shape: [3, 16, 16], chunk: [8, 3, 16, 16], compression: "none", seed: 0 },
      tempDir(),
    );
    for (const data of [
      ["--synthetic", "jpeg"],
      ["--synthetic", "raw"],
      ["--data", h5, "--cache", "64KiB", "--slots", "101"],
    ]) {
      const cwd = tempDir();
      const run = await gpuprofRun(
        [...SMALL, ...data, "--loader", "harness,torch", "--python", DEBIAN_PYTHON, "--workers", "0,2", "--dtype", "uint8,float32"],
        { cwd },
      );
      expect(run.stderr, data.join(" ")).not.toContain("internal error");
      expect(run.code, `${data.join(" ")}: ${run.stderr}`).toBe(0);
      const r = results(cwd);
      const trials = ok(r);
      expect(trials.map((t) => `${t.spec.loader} ${t.spec.workers} ${t.spec.dtype}`)).toEqual([
        "harness 0 uint8",
        "torch 0 uint8",
        "harness 0 float32",
        "torch 0 float32",
        "harness 2 uint8",
        "torch 2 uint8",
        "harness 2 float32",
        "torch 2 float32",
      ]);
      // Both loaders deliver the same bytes a batch: the same samples, the same layout, the same dtype.
      const perBatch = (t: Ok): number => t.metrics.transport.bytesDelivered / t.metrics.batches;
      for (const t of trials) expect(perBatch(t)).toBe(8 * 3 * 16 * 16 * (t.spec.dtype === "float32" ? 4 : 1));
      expect(r.loader?.torch?.decoder).toBe(data[1] === "jpeg" ? "pil" : null);
    }
  });

  it("echoes and splits batches in the consumer loop as the harness does", async () => {
    const cwd = tempDir();
    const run = await gpuprofRun(
      [...SMALL, ...TORCH, "--workers", "1", "--dtype", "uint8", "--echo", "1,2", "--echo-split", "2", "--baseline"],
      {
        cwd,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const trials = ok(results(cwd));
    const [once, twice] = trials.filter((t) => !t.spec.baseline);
    // --baseline: workers that hand over a preallocated tensor, PyTorch's own ceiling; it delivers the same bytes.
    const [baseline] = trials.filter((t) => t.spec.baseline);
    expect(baseline!.metrics.transport.bytesDelivered / baseline!.metrics.batches).toBe(8 * 3 * 16 * 16);
    expect(once!.metrics.consumedSamples).toBe(once!.metrics.freshSamples);
    expect(once!.metrics.steps).toBe(2 * once!.metrics.batches);
    expect(twice!.metrics.consumedSamples).toBe(2 * twice!.metrics.freshSamples);
    expect(twice!.metrics.steps).toBe(4 * twice!.metrics.batches);
  });

  it("runs the user's own Dataset from --dataset-factory, with its collate_fn, and refuses axes that are its own", async () => {
    const factory = userFile(
      "my_data.py",
      [
        "import torch",
        "from torch.utils.data import Dataset",
        "class Squares(Dataset):",
        "    def __len__(self): return 48",
        "    def __getitem__(self, i): return torch.full((2, 5), float(i))",
        "def collate(samples): return torch.stack(samples) * 2",
        "def make_dataset(): return Squares(), collate",
        "",
      ].join("\n"),
    );
    const cwd = tempDir();
    const run = await factoryRun(
      `${factory}:make_dataset`,
      ["--batch", "8", "--step-ms", "2", "--warmup", "2", "--steps", "6", "--workers", "0,1"],
      { cwd },
    );
    expect(run.stderr).not.toContain("internal error");
    expect(run.code, run.stderr).toBe(0);
    const r = results(cwd);
    expect(r.dataset).toMatchObject({ kind: "python", origin: "user", count: 48, sampleShape: [2, 5] });
    const trials = ok(r);
    expect(trials.map((t) => [t.spec.loader, t.spec.dtype, t.spec.workers])).toEqual([
      ["torch", "dataset", 0],
      ["torch", "dataset", 1],
    ]);
    // float32 samples of 2x5, 8 to a batch.
    expect(trials[0]!.metrics.transport.bytesDelivered / trials[0]!.metrics.batches).toBe(8 * 2 * 5 * 4);

    const refused = await gpuprofRun(["--dataset-factory", `${factory}:make_dataset`, "--dtype", "float32", "--python", DEBIAN_PYTHON]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      "gpuprof: --dtype does not apply to --dataset-factory: your Dataset reads its own data and returns its own dtype; drop it",
    );
  });

  it("runs an IterableDataset without a length, epoch after epoch, as a training loop would", async () => {
    const factory = userFile(
      "stream.py",
      [
        "import torch",
        "from torch.utils.data import IterableDataset",
        "class Stream(IterableDataset):",
        "    def __iter__(self):",
        "        for i in range(20):",
        "            yield torch.full((4,), i, dtype=torch.uint8)",
        "def make(): return Stream()",
        "",
      ].join("\n"),
    );
    const cwd = tempDir();
    const run = await factoryRun(
      `${factory}:make`,
      ["--batch", "4", "--step-ms", "1", "--warmup", "1", "--steps", "12", "--workers", "0"],
      { cwd },
    );
    expect(run.stderr).not.toContain("internal error");
    expect(run.code, run.stderr).toBe(0);
    const r = results(cwd);
    expect(r.dataset.label).toContain("an IterableDataset of unknown length");
    // 20 samples an epoch, 5 batches: 12 steps need more than two epochs.
    const [trial] = ok(r);
    expect(trial!.metrics.steps).toBeGreaterThanOrEqual(12);
    expect(trial!.metrics.freshSamples).toBe(4 * trial!.metrics.batches);
  });

  it("says in one line what is wrong with a --dataset-factory: no file, no function, not a Dataset, --cold", async () => {
    const notDataset = userFile("not_data.py", "def make(): return [1, 2, 3]\n");
    const cases: [string, RegExp][] = [
      [join(tempDir(), "missing.py:make"), /^gpuprof: --dataset-factory: no file .*missing\.py; give the Python file that defines make/],
      [
        `${notDataset}:nope`,
        /^gpuprof: --dataset-factory .*not_data\.py: no function nope; define `def nope\(\):` returning a torch Dataset/,
      ],
      [
        `${notDataset}:make`,
        /^gpuprof: --dataset-factory .*not_data\.py: make\(\) returned a list, not a torch\.utils\.data\.Dataset; return a Dataset/,
      ],
    ];
    cases.push([
      `${notDataset}:make --cold`,
      /^gpuprof: --cold does not apply to --dataset-factory: gpuprof cannot see which files your Dataset reads/,
    ]);
    for (const [given, expected] of cases) {
      const [factory, ...more] = given.split(" ");
      const run = await gpuprofRun(["--dataset-factory", factory!, ...more, "--python", DEBIAN_PYTHON, "--steps", "5"]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr.trim().split("\n"), run.stderr).toHaveLength(1);
      expect(run.stderr.trim()).toMatch(expected);
    }
  });

  it("fails a trial whose Dataset raises, with the file and line, and a trial whose worker is killed; the sweep goes on", async () => {
    const factory = userFile(
      "faulty.py",
      [
        "import os, torch",
        "from torch.utils.data import Dataset, get_worker_info",
        "class Faulty(Dataset):",
        "    def __init__(self, mode): self.mode = mode",
        "    def __len__(self): return 64",
        "    def __getitem__(self, i):",
        "        if i == 20 and self.mode == 'raise':",
        "            raise ValueError(f'sample {i} is corrupt')",
        "        if i == 20 and self.mode == 'kill' and get_worker_info() is not None:",
        "            os.kill(os.getpid(), 9)",
        "        return torch.zeros(3, 4, 4, dtype=torch.uint8)",
        "def raising(): return Faulty('raise')",
        "def killing(): return Faulty('kill')",
        "",
      ].join("\n"),
    );
    const base = ["--batch", "8", "--step-ms", "1", "--warmup", "0", "--steps", "40", "--order", "sequential", "--python", DEBIAN_PYTHON];
    const raising = await gpuprofRun([...base, "--workers", "0,2", "--dataset-factory", `${factory}:raising`], { cwd: tempDir() });
    expect(raising.stderr).not.toContain("internal error");
    expect(raising.code).toBe(1);
    const cwd = tempDir();
    const killing = await gpuprofRun([...base, "--workers", "2", "--dataset-factory", `${factory}:killing`], { cwd, timeoutMs: 90_000 });
    expect(killing.stderr).not.toContain("internal error");
    const [killed] = results(cwd).trials;
    expect(killed!.status).toBe("failed");
    expect(killed!.status === "failed" && killed!.reason).toMatch(/worker.*killed|exited unexpectedly/i);
  });

  it("keeps failed trials apart from ok ones: the Dataset's error names its file and line", async () => {
    const factory = userFile(
      "half.py",
      [
        "import torch",
        "from torch.utils.data import Dataset",
        "class Half(Dataset):",
        "    def __init__(self, fail): self.fail = fail",
        "    def __len__(self): return 64",
        "    def __getitem__(self, i):",
        "        if self.fail and i >= 16:",
        "            raise KeyError(f'no sample {i}')",
        "        return torch.zeros(3, 4, 4, dtype=torch.uint8)",
        "def make(): return Half(True)",
        "",
      ].join("\n"),
    );
    const cwd = tempDir();
    const run = await factoryRun(
      `${factory}:make`,
      ["--batch", "8", "--step-ms", "1", "--warmup", "0", "--steps", "20", "--order", "sequential", "--workers", "0,1"],
      { cwd },
    );
    expect(run.code).toBe(1);
    const trials = results(cwd).trials;
    expect(trials).toHaveLength(2);
    for (const t of trials) {
      expect(t.status).toBe("failed");
      expect(t.status === "failed" && t.reason).toMatch(/KeyError: .*no sample 16/);
      expect(t.status === "failed" && t.reason).toMatch(/half\.py:8/);
    }
  });

  it("Ctrl-C ends the interpreter and every DataLoader worker: no process is left", async () => {
    const cwd = tempDir();
    const seen = new Set<number>();
    let gpuprofPid = 0;
    const tree = (root: number): number[] => {
      const children = new Map<number, number[]>();
      for (const entry of readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
          const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
          children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
        } catch {
          // Gone while we looked.
        }
      }
      const out: number[] = [];
      const walk = (pid: number): void => {
        for (const c of children.get(pid) ?? []) {
          out.push(c);
          walk(c);
        }
      };
      walk(root);
      return out;
    };
    let signalled = false;
    let poll: NodeJS.Timeout | undefined;
    const run = await gpuprofRun([...SMALL.slice(0, -2), "--duration", "30", ...TORCH, "--workers", "2", "--dtype", "uint8"], {
      cwd,
      detached: true,
      onStart: (pid) => {
        gpuprofPid = pid;
        // Interrupt once the interpreter has forked both DataLoader workers: the trial is running.
        poll = setInterval(() => {
          const pids = tree(gpuprofPid);
          const python = pids.find((p) => readOr(`/proc/${p}/cmdline`).includes("gpuprof_torch"));
          if (signalled || python === undefined || tree(python).length < 2) return;
          for (const p of pids) seen.add(p);
          signalled = true;
          clearInterval(poll);
          process.kill(gpuprofPid, "SIGINT");
        }, 200);
      },
    });
    clearInterval(poll);
    expect(run.code).toBe(130);
    // The interpreter and its two workers at least.
    expect(seen.size).toBeGreaterThanOrEqual(3);
    const alive = [...seen].filter((pid) => existsSync(`/proc/${pid}`));
    expect(alive).toEqual([]);
  });

  it("says in one line which interpreter could not import torch, and how to give one; auto falls back to the harness", async () => {
    // Debian's interpreter without its site packages: a Python that cannot import torch.
    const noTorch = join(tempDir(), "python-without-torch");
    writeFileSync(noTorch, `#!/bin/sh\nexec ${DEBIAN_PYTHON} -S "$@"\n`);
    chmodSync(noTorch, 0o755);
    const refused = await gpuprofRun([...SMALL, "--loader", "torch", "--python", noTorch]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(
      /^gpuprof: --loader torch: .*python-without-torch \(--python; .*, Python 3\.\d+\.\d+\) cannot import torch \(No module named 'torch'\); give one that has torch: --python \/path\/to\/venv\/bin\/python/,
    );
    const missing = await gpuprofRun([...SMALL, "--loader", "torch", "--python", "/no/such/python3"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      "gpuprof: --loader torch: /no/such/python3 (--python) was not found (ENOENT); give one that has torch: --python /path/to/venv/bin/python (or GPUPROF_PYTHON)",
    );
    // A torch that reports an old version, ahead of the real one on the path.
    const fake = tempDir();
    mkdirSync(join(fake, "torch"));
    writeFileSync(join(fake, "torch", "__init__.py"), '__version__ = "1.4.0"\n');
    const oldTorch = join(fake, "python-with-old-torch");
    writeFileSync(oldTorch, `#!/bin/sh\nPYTHONPATH=${fake}:$PYTHONPATH exec ${DEBIAN_PYTHON} "$@"\n`);
    chmodSync(oldTorch, 0o755);
    const old = await gpuprofRun([...SMALL, "--loader", "torch", "--python", oldTorch]);
    expect(old.code).toBe(1);
    expect(old.stderr.trim()).toMatch(
      /^gpuprof: --loader torch: .*python-with-old-torch .* has torch 1\.4\.0, older than the 1\.8 the torch loader needs; give one/,
    );
    const torchvision = await gpuprofRun([...SMALL, ...TORCH, "--synthetic", "jpeg", "--decoder", "torchvision"]);
    // Where torchvision is installed the run decodes with it; where it is not, one line says how to get it.
    if (torchvision.stderr.includes("torchvision is not installed")) {
      expect(torchvision.code).toBe(1);
      expect(torchvision.stderr.trim()).toMatch(
        /^gpuprof: --decoder torchvision: torchvision is not installed for .*; install it there .*, or use --decoder pil$/,
      );
    } else expect(torchvision.code, torchvision.stderr).toBe(0);
    const cwd = tempDir();
    const auto = await gpuprofRun([...SMALL, "--workers", "0", "--dtype", "uint8"], { cwd, env: { GPUPROF_PYTHON: noTorch } });
    expect(auto.code).toBe(0);
    expect(unwrapped(auto.stderr)).toMatch(
      /loader: gpuprof's harness \(.*python-without-torch cannot import torch; --python \/path\/to\/python measures your PyTorch DataLoader\)/,
    );
    const r = results(cwd);
    expect(r.loader?.requested).toEqual(["auto"]);
    expect(r.loader?.torch).toBeNull();
    expect(ok(r).every((t) => t.spec.loader === "harness")).toBe(true);
  });
});
