// npm run bench:torch: the instrument must not slow what it measures. The same DataLoader loop
// (PyTorch, .npy read with np.load(mmap_mode="r") per worker, uint8, no device step) driven through
// `gpuprof run --loader torch` and as a bare Python script, alternately, on the same file in the same
// run. Goal: gpuprof's samples/s within 5% of the bare loop's (the median of the rounds' ratios).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunResultsSchema } from "../../src/store/results-schema.js";
import { defaultCacheDir } from "../../src/harness/dataset/synthetic.js";

const PYTHON = process.env["GPUPROF_PYTHON"] ?? "/usr/bin/python3";
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 5);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 5);
const WORKERS = Number(process.env["BENCH_WORKERS"] ?? 2);
const SAMPLES = 8192;
const BATCH = 64;
const WARMUP = 5;
const WITHIN = 0.05;
const root = join(import.meta.dirname, "..", "..");
const cacheDir = defaultCacheDir(process.env);

function gpuprof(): { samplesPerS: number; path: string } {
  const out = mkdtempSync(join(tmpdir(), "gpuprof-bench-torch-"));
  try {
    const args = [join(root, "bin", "gpuprof.js"), "run", "--loader", "torch", "--python", PYTHON, "--synthetic", "npy"];
    args.push("--samples", String(SAMPLES), "--batch", String(BATCH), "--workers", String(WORKERS), "--dtype", "uint8");
    // No device time and a copy that costs nothing: the loop runs as fast as the DataLoader feeds it, as the bare one does.
    args.push("--step-ms", "0", "--h2d-gbps", "1000000", "--order", "sequential", "--warmup", String(WARMUP));
    args.push("--duration", String(SECONDS), "--out", join(out, "run"), "--format", "json");
    const run = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, GPUPROF_CACHE_DIR: cacheDir } });
    if (run.status !== 0) throw new Error(`gpuprof run failed (${run.status}): ${run.stderr}`);
    const results = RunResultsSchema.parse(JSON.parse(readFileSync(join(out, "run", "results.json"), "utf8")));
    const trial = results.trials[0]!;
    if (trial.status !== "ok") throw new Error(`the trial failed: ${trial.reason}`);
    return { samplesPerS: trial.metrics.samplesPerS, path: results.dataset.location };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function bare(path: string): number {
  const script = join(root, "test", "bench", "torch_bare_loop.py");
  const run = spawnSync(PYTHON, [script, path, String(WORKERS), String(BATCH), String(SECONDS), String(WARMUP)], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`the bare loop failed (${run.status}): ${run.stderr}`);
  return (JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { samplesPerS: number }).samplesPerS;
}

console.log(
  `bench:torch: ${SAMPLES} samples of 3x218x178 uint8 (.npy), batch ${BATCH}, workers ${WORKERS}, ${SECONDS} s windows, ${ROUNDS} rounds, ${PYTHON}`,
);
const ratios: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const through = gpuprof();
  const plain = bare(through.path);
  ratios.push(through.samplesPerS / plain);
  console.log(
    `  round ${round}: gpuprof ${through.samplesPerS.toFixed(0)} samples/s, bare loop ${plain.toFixed(0)} samples/s: ${(through.samplesPerS / plain).toFixed(3)}x`,
  );
}
const sorted = [...ratios].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
console.log(
  `gpuprof / bare loop: median ${median.toFixed(3)}x (range ${sorted[0]!.toFixed(3)} to ${sorted.at(-1)!.toFixed(3)}); goal within ${WITHIN * 100}% of 1: ${Math.abs(median - 1) <= WITHIN ? "met" : "NOT met"}`,
);
