// npm run bench:sampler: CPU time the telemetry sampler spends per second at 10 Hz, with a fake
// nvidia-smi streaming rows, against an empty 100 ms timer measured in the same run.
import { spawn } from "node:child_process";
import { Sampler } from "../../src/telemetry/sampler.js";
import { fakeNvidiaSmi } from "../helpers.js";

const ROUND_S = Number(process.env["BENCH_ROUND_S"] ?? 5);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 4);
const INTERVAL_MS = 100;
const WARMUP_MS = 2000;
const GOAL_MS_PER_S = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function measure(seconds: number, body: () => { stop(): void }): Promise<number> {
  const running = body();
  // Steady state only: nvidia-smi's start, dmon's start after the first row, and JIT warm-up are excluded.
  await sleep(WARMUP_MS);
  const cpu0 = cpuMs();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const perS = (cpuMs() - cpu0) / ((performance.now() - t0) / 1000);
  running.stop();
  await sleep(200);
  return perS;
}

function emptyTimer() {
  let timer: NodeJS.Timeout;
  const tick = () => {
    timer = setTimeout(tick, INTERVAL_MS);
  };
  tick();
  return { stop: () => clearTimeout(timer) };
}

function sampler(rootPid: number) {
  const s = new Sampler({
    intervalMs: INTERVAL_MS,
    rootPid,
    nvidiaSmi: fakeNvidiaSmi,
    env: { ...process.env, FAKE_NVIDIA_SMI_SCENARIO: "one-gpu" },
  });
  s.start();
  return { stop: () => void s.stop() };
}

const job = spawn("sleep", [String(ROUNDS * ROUND_S * 3 + 30)], { stdio: "ignore" });
const baseline: number[] = [];
const sampled: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  baseline.push(await measure(ROUND_S, emptyTimer));
  sampled.push(await measure(ROUND_S, () => sampler(job.pid!)));
}
job.kill();

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const b = mean(baseline);
const s = mean(sampled);
const above = s - b;
console.log(
  `sampler CPU at ${1000 / INTERVAL_MS} Hz, fake nvidia-smi (1 GPU) streaming, process tree of 1; ${ROUNDS} rounds of ${ROUND_S} s each`,
);
console.log(
  `  baseline (empty ${INTERVAL_MS} ms timer): ${b.toFixed(2)} ms CPU per s   rounds: ${baseline.map((x) => x.toFixed(2)).join(", ")}`,
);
console.log(`  sampler:                       ${s.toFixed(2)} ms CPU per s   rounds: ${sampled.map((x) => x.toFixed(2)).join(", ")}`);
console.log(`  sampler / baseline:            ${(s / b).toFixed(2)}x`);
console.log(
  `  above baseline:                ${above.toFixed(2)} ms CPU per s = ${(above / 10).toFixed(3)}% of one core (goal < ${GOAL_MS_PER_S} ms/s): ${above < GOAL_MS_PER_S ? "met" : "NOT met"}`,
);
