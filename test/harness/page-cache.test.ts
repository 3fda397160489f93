import { spawnSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SimConsumer } from "../../src/harness/consumer.js";
import type { DatasetDescriptor } from "../../src/harness/dataset/descriptor.js";
import { ensureSyntheticDataset } from "../../src/harness/dataset/synthetic.js";
import { findPageCacheEvictor } from "../../src/harness/page-cache.js";
import { runTrial } from "../../src/harness/trial.js";
import { EnvironmentError } from "../../src/util/errors.js";
import { tempDir } from "../helpers.js";

/** dd as busybox and BSD have it: no iflag=nocache. */
const DD_WITHOUT_NOCACHE = 'echo "dd: invalid input flag: nocache" >&2\nexit 1';
const NO_PYTHON = 'echo "sh: python3: not found" >&2\nexit 127';

/** An environment whose PATH finds these stand-in tools first. */
function withTools(tools: Record<string, string>): NodeJS.ProcessEnv {
  const dir = tempDir("gpuprof-stub-tools-");
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return { ...process.env, PATH: `${dir}:${process.env["PATH"] ?? ""}` };
}

const hasPython = spawnSync("python3", ["-c", "import os; os.posix_fadvise"]).status === 0;
let dataset: DatasetDescriptor;

beforeAll(async () => {
  dataset = (await ensureSyntheticDataset({ format: "npy", count: 40, shape: [3, 8, 8], seed: 2 }, tempDir())).dataset;
}, 30000);

describe("--cold's page-cache eviction", () => {
  it("with no tool that can evict, says so in one line with the fix", async () => {
    const err: unknown = await findPageCacheEvictor({ env: withTools({ dd: DD_WITHOUT_NOCACHE, python3: NO_PYTHON }) }).catch((e) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    const message = (err as Error).message;
    expect(message).toMatch(/^--cold cannot drop files from the page cache here \(dd said "dd: invalid input flag: nocache"; /);
    expect(message).toContain("python3 is not installed");
    expect(message).toMatch(/install GNU coreutils' dd .* or python3, or run without --cold$/);
    expect(message).not.toContain("\n");
  });

  it("a file it cannot evict is one line too", async () => {
    const evictor = await findPageCacheEvictor();
    const err: unknown = await evictor.evict([join(tempDir(), "gone.npy")]).catch((e) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(
      /^--cold: could not drop the dataset from the page cache with dd iflag=nocache: dd said ".*gone\.npy/,
    );
    expect((err as Error).message).not.toContain("\n");
  });

  it.skipIf(!hasPython)(
    "falls back to python3's posix_fadvise where dd lacks iflag=nocache, and the trial's reads reach storage",
    async () => {
      const said: string[] = [];
      const evictor = await findPageCacheEvictor({ env: withTools({ dd: DD_WITHOUT_NOCACHE }), say: (line) => said.push(line) });
      expect(evictor.method).toBe("python3 os.posix_fadvise");
      expect(said).toEqual([`--cold: dd said "dd: invalid input flag: nocache"; dropping pages with python3 os.posix_fadvise instead`]);
      const m = (
        await runTrial(
          {
            id: 1,
            loader: "harness",
            workers: 1,
            dtype: "uint8",
            transport: "transfer",
            echo: 1,
            echoSplit: 1,
            baseline: false,
            repeat: 1,
            pinMemory: false,
          },
          {
            dataset,
            settings: {
              batch: 8,
              prefetch: 2,
              dropLast: false,
              order: "sequential",
              seed: 1,
              cold: true,
              warmupSteps: 0,
              durationS: null,
              steps: 5,
            },
            consumer: new SimConsumer({ kind: "fixed", msPerBatch: 2, batch: 8 }, 25),
            evictor,
          },
        )
      ).metrics;
      expect(m.reads!.storageBytes).toBeGreaterThan(0);
    },
  );
});
