import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { DatasetDescriptor } from "../../src/harness/dataset/descriptor.js";
import { openUserData } from "../../src/harness/dataset/open-user-data.js";
import { openSampleReader } from "../../src/harness/dataset/readers.js";
import { fillSyntheticSample } from "../../src/harness/dataset/synthetic-pixels.js";
import { BatchPlan } from "../../src/harness/index-order.js";
import { ThreadLoader } from "../../src/harness/thread-loader.js";
import { epochOrder } from "../../src/h5/access-order.js";
import type { H5Reader } from "../../src/h5/h5-reader.js";
import { ensureSyntheticH5, type SyntheticH5Spec } from "../../src/h5/synthetic-h5.js";
import { UsageError } from "../../src/util/errors.js";
import { root, tempDir } from "../helpers.js";

const SHAPE = [3, 10, 8];
const COUNT = 30;
const SAMPLE = 240;
const cache = { nbytes: 64 * 1024, nslots: 521, w0: 0.75 };
let cacheDir: string;

async function h5Dataset(spec: Partial<SyntheticH5Spec>): Promise<DatasetDescriptor> {
  const { path } = await ensureSyntheticH5(
    { count: COUNT, shape: SHAPE, chunk: [4, 3, 10, 8], compression: "none", seed: 5, ...spec },
    cacheDir,
  );
  return openUserData(path, { dataset: "/images", cache });
}

function expected(index: number): Buffer {
  const out = new Uint8Array(SAMPLE);
  fillSyntheticSample(out, SHAPE, 5, index);
  return Buffer.from(out);
}

const rchar = (): number => Number(/rchar: (\d+)/.exec(readFileSync("/proc/thread-self/io", "latin1"))![1]);

beforeAll(() => {
  cacheDir = tempDir();
});

describe("HDF5 source", () => {
  it.each([
    ["whole-sample chunks", { chunk: [4, 3, 10, 8] }],
    ["chunks split along height, gzip", { chunk: [4, 3, 5, 8], compression: "gzip1" as const }],
    ["uneven edge chunks", { chunk: [7, 2, 3, 8] }],
  ])("%s: three worker threads deliver the same bytes as the .npy source, in sampler order", async (_, spec) => {
    const dataset = await h5Dataset(spec);
    const plan = new BatchPlan({ count: COUNT, batch: 6, dropLast: false, order: "shuffle", seed: 2 });
    const loader = new ThreadLoader({ dataset, dtype: "uint8", transport: "shared", workers: 3, prefetch: 2, plan, baseline: false });
    await loader.start();
    try {
      for (let g = 0; g < plan.batchesPerEpoch * 2; g++) {
        const batch = await loader.next();
        expect(batch.indices).toEqual(plan.indices(g));
        batch.indices.forEach((index, i) => {
          expect(Buffer.from(batch.data.buffer, batch.data.byteOffset + i * SAMPLE, SAMPLE).equals(expected(index))).toBe(true);
        });
        loader.release(batch);
      }
    } finally {
      await loader.close();
    }
  });

  /** A contiguous (unchunked) dataset of `count` samples of `shape`. */
  async function contiguousFile(count: number, shape: number[]): Promise<string> {
    const { loadH5 } = await import("../../src/h5/h5-file.js");
    const h5 = await loadH5();
    const path = join(tempDir(), `contiguous-${count}-${shape.join("x")}.h5`);
    const sampleBytes = shape.reduce((a, b) => a * b, 1);
    const data = new Uint8Array(count * sampleBytes).map((_, i) => i % 251);
    const file = new h5.File(path, "w");
    file.create_dataset({ name: "images", data, shape: [count, ...shape], dtype: "<B" });
    file.close();
    return path;
  }

  it.each([
    ["uncompressed chunks", { count: 40, shape: [3, 64, 64], chunk: [4, 3, 64, 64], compression: "none" as const }],
    ["gzip chunks: each at its own stored size", { count: 40, shape: [3, 64, 64], chunk: [4, 3, 32, 64], compression: "gzip1" as const }],
    [
      "chunks of one small sample: the chunk index weighs",
      { count: 150, shape: [3, 8, 8], chunk: [1, 3, 8, 8], compression: "none" as const },
    ],
    ["contiguous, samples under 64 KiB: the sieve buffer", { count: 2000, shape: [3, 8, 8], chunk: null }],
    ["contiguous, samples over 64 KiB: direct reads", { count: 12, shape: [3, 128, 200], chunk: null }],
  ])("%s: reads exactly the bytes the model predicts (/proc/thread-self/io)", async (_, spec) => {
    const path = spec.chunk
      ? (
          await ensureSyntheticH5(
            { count: spec.count, shape: spec.shape, chunk: spec.chunk, compression: spec.compression!, seed: 5 },
            cacheDir,
          )
        ).path
      : await contiguousFile(spec.count, spec.shape);
    const dataset = await openUserData(path, { dataset: "/images", cache: { nbytes: 200 * 1024, nslots: 521, w0: 0.75 } });
    const reader = (await openSampleReader(dataset)) as H5Reader;
    const out = new Uint8Array(spec.shape.reduce((a, b) => a * b, 1));
    const modelled = (): number => reader.model?.stats.bytesFetched ?? reader.sieve!.stats.bytesFetched;
    // From the first read on: the chunk index's B-tree nodes are read then, and the model counts them.
    // Reading /proc/thread-self/io is itself a read (about 120 bytes): measured once, taken out twice.
    const before = rchar();
    const probe = rchar() - before;
    const order = [0, 1].flatMap((epoch) => epochOrder("random", spec.count, spec.chunk?.[0] ?? 1, epoch, 1, 2));
    const delivered: Buffer[] = [];
    for (const i of order) {
      reader.read(i, out);
      delivered.push(Buffer.from(out));
    }
    const live = rchar() - before - 2 * probe;
    // The emulated buffers deliver the right samples (the sieve serves most of them from memory).
    const sampleBytes = out.length;
    const expected = (i: number): Buffer => {
      if (!spec.chunk) return Buffer.from(Uint8Array.from({ length: sampleBytes }, (_, k) => (i * sampleBytes + k) % 251));
      const sample = new Uint8Array(sampleBytes);
      fillSyntheticSample(sample, spec.shape, 5, i);
      return Buffer.from(sample);
    };
    expect(order.every((i, n) => delivered[n]!.equals(expected(i)))).toBe(true);
    expect(modelled()).toBeGreaterThan(0);
    // To the byte, but for a digit the counter may gain between probes.
    expect(Math.abs(live - modelled())).toBeLessThanOrEqual(4);
    if (!spec.chunk && spec.shape[1] === 8) expect(live).toBeGreaterThan(50 * 2 * spec.count * out.length); // the sieve, not the sample
    reader.close();
  });

  it("refuses files and datasets it cannot read, in one line", async () => {
    const messages: string[] = [];
    const attempt = async (path: string, dataset?: string): Promise<void> => {
      await expect(openUserData(path, { dataset, cache })).rejects.toBeInstanceOf(UsageError);
      await openUserData(path, { dataset, cache }).catch((e: Error) => messages.push(e.message));
    };
    const notH5 = join(tempDir(), "fake.h5");
    writeFileSync(notH5, "just text");
    await attempt(notH5);
    const dataset = await h5Dataset({});
    if (dataset.kind !== "h5") throw new Error("unreachable");
    await attempt(dataset.path, "/labels");
    await attempt(join(root, "no-such.h5"));
    const truncated = join(tempDir(), "truncated.h5");
    writeFileSync(truncated, readFileSync(dataset.path).subarray(0, 1500));
    await attempt(truncated);
    expect(messages[0]).toMatch(/is not an HDF5 file/);
    expect(messages[1]).toMatch(/--dataset \/labels: no such dataset.*it has \/images/);
    expect(messages[2]).toMatch(/no such file or folder/);
    expect(messages[3]).toMatch(
      /--data .*truncated\.h5 is not a readable HDF5 file \(damaged or truncated\?\): HDF5 says "truncated file: eof = 1500/,
    );
    expect(messages.every((m) => !m.includes("\n"))).toBe(true);
  });

  it("says which dtypes it reads when a dataset is not uint8 samples", async () => {
    const { loadH5 } = await import("../../src/h5/h5-file.js");
    const h5 = await loadH5();
    const path = join(tempDir(), "floats.h5");
    const file = new h5.File(path, "w");
    file.create_dataset({ name: "features", data: new Float32Array(12), shape: [4, 3], dtype: "<f" });
    file.close();
    await expect(openUserData(path, { dataset: "/features", cache })).rejects.toThrow(
      /--dataset \/features .* holds <f values; gpuprof reads uint8 image datasets/,
    );
    await expect(openUserData(path, { cache })).rejects.toThrow(/holds no uint8 dataset of samples; name one with --dataset/);
  });
});
