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

  it("reads exactly the bytes the chunk-cache model predicts (measured in /proc/thread-self/io)", async () => {
    // Chunks of 48 KiB: HDF5's own metadata reads (a few bytes per chunk lookup) stay far below 1%.
    const { path } = await ensureSyntheticH5(
      { count: 40, shape: [3, 64, 64], chunk: [4, 3, 64, 64], compression: "none", seed: 5 },
      cacheDir,
    );
    const dataset = await openUserData(path, { dataset: "/images", cache: { nbytes: 200 * 1024, nslots: 521, w0: 0.75 } });
    const reader = (await openSampleReader(dataset)) as H5Reader;
    const out = new Uint8Array(3 * 64 * 64);
    reader.read(0, out); // opens metadata once
    const before = rchar();
    const fetchedBefore = reader.model!.stats.bytesFetched;
    for (const epoch of [0, 1]) for (const i of epochOrder("random", 40, 4, epoch, 1, 2)) reader.read(i, out);
    const live = rchar() - before;
    const simulated = reader.model!.stats.bytesFetched - fetchedBefore;
    expect(simulated).toBeGreaterThan(0);
    expect(Math.abs(live - simulated) / simulated).toBeLessThan(0.01);
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
    expect(messages[0]).toMatch(/is not an HDF5 file/);
    expect(messages[1]).toMatch(/--dataset \/labels: no such dataset.*it has \/images/);
    expect(messages[2]).toMatch(/no such file or folder/);
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
