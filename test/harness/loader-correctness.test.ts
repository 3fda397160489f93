import { readdirSync, readFileSync } from "node:fs";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import type { BatchLoader } from "../../src/harness/batch-loader.js";
import type { DatasetDescriptor } from "../../src/harness/dataset/descriptor.js";
import { openUserData } from "../../src/harness/dataset/open-user-data.js";
import { openSampleReader } from "../../src/harness/dataset/readers.js";
import { ensureSyntheticDataset } from "../../src/harness/dataset/synthetic.js";
import { ensureSyntheticH5 } from "../../src/h5/synthetic-h5.js";
import { fillSyntheticSample } from "../../src/harness/dataset/synthetic-pixels.js";
import type { Dtype } from "../../src/store/trial-axes.js";
import { BatchPlan } from "../../src/harness/index-order.js";
import { InlineLoader } from "../../src/harness/inline-loader.js";
import { liveWorkerCount, ThreadLoader } from "../../src/harness/thread-loader.js";
import type { Transport } from "../../src/store/trial-axes.js";
import { UsageError } from "../../src/util/errors.js";
import { tempDir } from "../helpers.js";

const SHAPE = [3, 10, 8];
const COUNT = 30;
const BATCH = 7;
const SAMPLE = SHAPE.reduce((a, b) => a * b, 1);
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** The synthetic formats, and an HDF5 file of the same pixels read through the emulated chunk cache. */
const SOURCES = ["npy", "raw", "jpeg", "h5"] as const;
const datasets = new Map<(typeof SOURCES)[number], DatasetDescriptor>();
const expected = new Map<string, Uint8Array>();

/** Expected sample bytes, computed apart from the readers: the generator for raw data, sharp's own decode for JPEG. */
async function expectedSample(dataset: DatasetDescriptor, index: number): Promise<Uint8Array> {
  const key = `${dataset.kind}:${index}`;
  const known = expected.get(key);
  if (known) return known;
  const out = new Uint8Array(SAMPLE);
  if (dataset.kind === "image-files") {
    const hwc = await sharp(readFileSync(dataset.files[index]!)).removeAlpha().raw().toBuffer();
    const plane = SHAPE[1]! * SHAPE[2]!;
    for (let c = 0; c < 3; c++) for (let p = 0; p < plane; p++) out[c * plane + p] = hwc[p * 3 + c]!;
  } else {
    fillSyntheticSample(out, SHAPE, 5, index);
  }
  expected.set(key, out);
  return out;
}

function plan(order: "shuffle" | "sequential" = "shuffle"): BatchPlan {
  return new BatchPlan({ count: COUNT, batch: BATCH, dropLast: false, order, seed: 11 });
}

/** Reads two epochs and checks order and contents of every sample. */
async function checkTwoEpochs(loader: BatchLoader, dataset: DatasetDescriptor, dtype: Dtype, whileRunning?: () => void): Promise<void> {
  const reference = plan();
  await loader.start();
  whileRunning?.();
  try {
    const batches = reference.batchesPerEpoch * 2;
    for (let g = 0; g < batches; g++) {
      const batch = await loader.next();
      expect(batch.batchId).toBe(g);
      expect(batch.indices).toEqual(reference.indices(g));
      const bytesPerValue = dtype === "uint8" ? 1 : dtype === "float16" ? 2 : 4;
      expect(batch.data.byteLength).toBe(batch.indices.length * SAMPLE * bytesPerValue);
      for (let i = 0; i < batch.indices.length; i++) {
        const want = await expectedSample(dataset, batch.indices[i]!);
        const offset = batch.data.byteOffset + i * SAMPLE * bytesPerValue;
        if (dtype === "uint8") {
          expect(Buffer.from(batch.data.buffer, offset, SAMPLE).equals(Buffer.from(want))).toBe(true);
        } else if (dtype === "float32") {
          const got = new Float32Array(batch.data.buffer, offset, SAMPLE);
          for (const p of [0, 81, 160, SAMPLE - 1]) {
            const c = Math.floor(p / 80);
            expect(got[p]).toBeCloseTo((want[p]! / 255 - MEAN[c]!) / STD[c]!, 5);
          }
        } else {
          const got = new Uint16Array(batch.data.buffer, offset, SAMPLE);
          // Half of 0.0 and the sign: a spot check that values went through float16.
          for (const p of [0, 100, SAMPLE - 1]) {
            const c = Math.floor(p / 80);
            const value = (want[p]! / 255 - MEAN[c]!) / STD[c]!;
            expect(got[p]! >> 15).toBe(value < 0 ? 1 : 0);
          }
        }
      }
      loader.release(batch);
    }
  } finally {
    await loader.close();
  }
}

beforeAll(async () => {
  const cache = tempDir();
  for (const format of ["npy", "raw", "jpeg"] as const) {
    datasets.set(format, (await ensureSyntheticDataset({ format, count: COUNT, shape: SHAPE, seed: 5 }, cache)).dataset);
  }
  // Chunks of 4 samples that do not divide the 30 samples, and a cache of two chunks: hits, misses and a short edge chunk.
  const h5 = await ensureSyntheticH5({ count: COUNT, shape: SHAPE, chunk: [4, 3, 10, 8], compression: "none", seed: 5 }, cache);
  datasets.set("h5", await openUserData(h5.path, { dataset: h5.dataset, cache: { nbytes: 2 * 4 * SAMPLE, nslots: 521, w0: 0.75 } }));
}, 60000);

describe.each(SOURCES)("%s source", (format) => {
  it("workers 0 delivers every sample once per epoch, in sampler order, with the right bytes", async () => {
    const dataset = datasets.get(format)!;
    await checkTwoEpochs(new InlineLoader(dataset, "uint8", plan(), false), dataset, "uint8");
  });

  it.each(["transfer", "clone", "shared"] as const)(
    "%s transport with 3 workers does the same, and leaves no thread behind",
    async (transport: Transport) => {
      const dataset = datasets.get(format)!;
      const before = liveWorkerCount();
      let running = 0;
      const loader = new ThreadLoader({ dataset, dtype: "uint8", transport, workers: 3, prefetch: 2, plan: plan(), baseline: false });
      await checkTwoEpochs(loader, dataset, "uint8", () => {
        running = liveWorkerCount();
      });
      expect(running).toBe(before + 3);
      // Every worker's 'exit' has fired: its thread has stopped.
      expect(liveWorkerCount()).toBe(before);
    },
  );
});

describe("dtypes", () => {
  it.each([
    ["float32", "shared"],
    ["float32", "clone"],
    ["float16", "transfer"],
  ] as const)("%s over %s normalises with the ImageNet statistics", async (dtype, transport) => {
    const dataset = datasets.get("npy")!;
    await checkTwoEpochs(
      new ThreadLoader({ dataset, dtype, transport, workers: 2, prefetch: 1, plan: plan(), baseline: false }),
      dataset,
      dtype,
    );
  });

  it("float32 on the main thread too", async () => {
    const dataset = datasets.get("raw")!;
    await checkTwoEpochs(new InlineLoader(dataset, "float32", plan(), false), dataset, "float32");
  });
});

describe("JPEG channels", () => {
  it.each([1, 3])("%i-channel JPEGs hold that many channels and decode close to the generated pixels", async (channels) => {
    const shape = [channels, 24, 20];
    const plane = 24 * 20;
    const dataset = (await ensureSyntheticDataset({ format: "jpeg", count: 3, shape, seed: 5 }, tempDir())).dataset;
    if (dataset.kind !== "image-files") throw new Error("a JPEG dataset is a folder of image files");
    const reader = await openSampleReader(dataset);
    const generated = new Uint8Array(channels * plane);
    const decoded = new Uint8Array(channels * plane);
    for (let index = 0; index < 3; index++) {
      // A greyscale dataset is a one-component JPEG, not a colour one three times the decoding work.
      expect((await sharp(dataset.files[index]!).metadata()).channels).toBe(channels);
      fillSyntheticSample(generated, shape, 5, index);
      await reader.read(index, decoded);
      for (let c = 0; c < channels; c++) {
        let error = 0;
        for (let p = c * plane; p < (c + 1) * plane; p++) error += Math.abs(decoded[p]! - generated[p]!);
        // Quality 90 with chroma subsampling stays within a few levels on smooth pixels; a wrong channel is off by tens.
        expect(error / plane).toBeLessThan(6);
      }
    }
    reader.close();
  });

  it("refuses JPEG shapes of other channel counts before generating anything", async () => {
    const cache = tempDir();
    await expect(ensureSyntheticDataset({ format: "jpeg", count: 3, shape: [2, 10, 10], seed: 5 }, cache)).rejects.toThrow(UsageError);
    await expect(ensureSyntheticDataset({ format: "jpeg", count: 3, shape: [5, 10, 10], seed: 5 }, cache)).rejects.toThrow(
      /a JPEG holds 1 \(greyscale\) or 3 \(colour\) channels, not 5/,
    );
    expect(readdirSync(cache)).toEqual([]);
  });

  it("an image reader refuses a channel count that images do not decode to, instead of striding wrongly", async () => {
    const dataset = datasets.get("jpeg")!;
    if (dataset.kind !== "image-files") throw new Error("a JPEG dataset is a folder of image files");
    await expect(openSampleReader({ ...dataset, sampleShape: [2, 10, 8], sampleBytes: 160 })).rejects.toThrow(/1 or 3 channels/);
  });
});
