import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { missingNvidiaSmi, root } from "../helpers.js";

describe("stopping the sampler right after start with no nvidia-smi", () => {
  it("never signals its own process group (a failed spawn has no pid, and kill() would reach kill(0))", () => {
    // In its own process group, so that a stray kill(0, SIGTERM) would end this script, not the tests.
    const script = `
      const { Sampler } = await import(${JSON.stringify(join(root, "dist", "telemetry", "sampler.js"))});
      for (let i = 0; i < 20; i++) {
        const s = new Sampler({ intervalMs: 100, rootPid: process.pid, nvidiaSmi: ${JSON.stringify(missingNvidiaSmi)} });
        s.start();
        s.stop();
      }
      await new Promise((r) => setTimeout(r, 300));
      console.log("still alive");
    `;
    const run = spawnSync("setsid", [process.execPath, "--input-type=module", "-e", script], { encoding: "utf8", timeout: 20000 });
    expect(run.signal).toBeNull();
    expect(run.stdout).toContain("still alive");
    expect(run.status).toBe(0);
  });
});
