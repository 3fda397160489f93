import { spawn } from "node:child_process";
import { compiledWorkerUrl } from "../harness/worker-path.js";
import { signalChild } from "../util/signal-child.js";
import type { AdapterChoice } from "./adapters.js";
import { dawnWarnings, diagnoseNoAdapter, NO_ADAPTER_MARK } from "./dawn-messages.js";
import { INSTALL_HINT, webgpuInstalled } from "./module.js";

// Dawn's first adapter request takes about 0.4 s on lavapipe; a driver that hangs must not hang gpuprof.
const PROBE_TIMEOUT_MS = 30_000;

export type AdapterProbe = AdapterChoice & { dawnWarnings: string[] };

/**
 * Which WebGPU adapter this machine offers, asked in a child process so that Dawn's native stderr
 * and any crash or hang stay out of this one. Never throws.
 */
export async function probeAdapter(device: number | null, env: NodeJS.ProcessEnv, timeoutMs = PROBE_TIMEOUT_MS): Promise<AdapterProbe> {
  if (!webgpuInstalled(env)) {
    return {
      ok: false,
      problem: `the webgpu consumer needs the optional package webgpu, which is not installed: ${INSTALL_HINT}`,
      dawnWarnings: [],
    };
  }
  const script = compiledWorkerUrl("webgpu/probe-child.js");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script.pathname, device === null ? "" : String(device)], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let settled = false;
    const finish = (result: AdapterChoice): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const noAdapter = !result.ok && result.problem === NO_ADAPTER_MARK;
      resolve({ ...(noAdapter ? { ok: false, problem: diagnoseNoAdapter(stderr) } : result), dawnWarnings: dawnWarnings(stderr) });
    };
    // A hung driver may not even die on SIGKILL: answer at the deadline, never wait for the exit.
    const timer = setTimeout(() => {
      signalChild(child, "SIGKILL");
      child.unref();
      finish({ ok: false, problem: `WebGPU did not answer within ${timeoutMs / 1000} s while looking for adapters (a hung GPU driver?)` });
    }, timeoutMs);
    child.on("error", (err) => finish({ ok: false, problem: `could not start the WebGPU probe: ${err.message}` }));
    child.on("close", (code, signal) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        finish(JSON.parse(line) as AdapterChoice);
      } catch {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const last = dawnWarnings(stderr).pop();
        finish({ ok: false, problem: `the WebGPU probe ${how} before answering${last ? ` (${last})` : ""}` });
      }
    });
  });
}
