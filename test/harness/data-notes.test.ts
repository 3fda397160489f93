// Data that is probably not what the user meant is a warning with the fix: mixed image sizes,
// a channels-last .npy read as channels-first, too few samples; --layout nhwc reads NHWC correctly.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { datasetNotes } from "../../src/harness/dataset/data-notes.js";
import { npyHeaderUint8 } from "../../src/harness/dataset/npy-format.js";
import { openUserData } from "../../src/harness/dataset/open-user-data.js";
import { openSampleReader } from "../../src/harness/dataset/readers.js";
import { UsageError } from "../../src/util/errors.js";
import { tempDir } from "../helpers.js";

/** An NHWC uint8 array of n samples h x w x c, every byte distinct enough to catch a wrong stride. */
function writeNpy(path: string, shape: number[]): Uint8Array {
  const data = new Uint8Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => (i * 7 + 3) % 251);
  writeFileSync(path, Buffer.concat([npyHeaderUint8(shape), data]));
  return data;
}

async function image(path: string, width: number, height: number, format: "png" | "jpeg"): Promise<void> {
  const img = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 90 } } });
  writeFileSync(path, await (format === "png" ? img.png() : img.jpeg()).toBuffer());
}

describe("the run's notes on suspicious data", () => {
  it("warns about a folder of images of mixed sizes, with how many sizes and the size used", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "a"));
    await image(join(dir, "a", "0.png"), 32, 24, "png");
    await image(join(dir, "a", "1.jpg"), 64, 20, "jpeg");
    await image(join(dir, "a", "2.png"), 32, 24, "png");
    await image(join(dir, "b.jpg"), 64, 20, "jpeg");
    await image(join(dir, "c.png"), 64, 20, "png");
    const dataset = await openUserData(dir);
    expect(dataset.sampleShape).toEqual([3, 24, 32]);
    const notes = await datasetNotes(dataset, 1);
    const mixed = notes.filter((n) => n.includes("different image sizes"));
    expect(mixed).toHaveLength(1);
    expect(mixed[0]).toContain("2 different image sizes among the 5 images looked at");
    expect(mixed[0]).toContain("resized to the first image's 32x24");
    // One size: nothing to say about sizes.
    const same = tempDir();
    for (const i of [0, 1, 2]) await image(join(same, `${i}.png`), 16, 16, "png");
    expect((await datasetNotes(await openUserData(same), 1)).some((n) => n.includes("image sizes"))).toBe(false);
  });

  it("warns that a (N, H, W, 3) .npy looks channels-last and names --layout nhwc; a (N, 3, H, W) one gets no warning", async () => {
    const dir = tempDir();
    writeNpy(join(dir, "nhwc.npy"), [16, 8, 10, 3]);
    const notes = await datasetNotes(await openUserData(join(dir, "nhwc.npy")), 2);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain("has shape (16, 8, 10, 3)");
    expect(notes[0]).toContain("read as 16 samples of 8x10x3");
    expect(notes[0]).toContain("pass --layout nhwc to read each sample as 3x8x10");
    writeNpy(join(dir, "nchw.npy"), [16, 3, 8, 10]);
    expect(await datasetNotes(await openUserData(join(dir, "nchw.npy")), 2)).toEqual([]);
    // Read as NHWC, it is what it is: no warning.
    expect(await datasetNotes(await openUserData(join(dir, "nhwc.npy"), undefined, "nhwc"), 2)).toEqual([]);
  });

  it("warns that fewer than 8 batches' worth of samples make the numbers unreliable", async () => {
    const dir = tempDir();
    writeNpy(join(dir, "small.npy"), [20, 3, 4, 4]);
    const dataset = await openUserData(join(dir, "small.npy"));
    const [note] = await datasetNotes(dataset, 4);
    expect(note).toContain("only 20 samples, fewer than 8 batches of 4 (32 samples)");
    expect(note).toContain("unreliable");
    expect(await datasetNotes(dataset, 2)).toEqual([]);
  });
});

describe("--layout nhwc", () => {
  it("reads each NHWC sample as its C x H x W transposition", async () => {
    const dir = tempDir();
    const [n, h, w, c] = [3, 4, 5, 3];
    const data = writeNpy(join(dir, "x.npy"), [n, h, w, c]);
    const dataset = await openUserData(join(dir, "x.npy"), undefined, "nhwc");
    expect(dataset).toMatchObject({ count: n, sampleShape: [c, h, w], sampleBytes: h * w * c });
    const reader = await openSampleReader(dataset);
    try {
      for (let i = 0; i < n; i++) {
        const out = new Uint8Array(dataset.sampleBytes);
        await reader.read(i, out);
        const expected = new Uint8Array(dataset.sampleBytes);
        for (let ch = 0; ch < c; ch++)
          for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) expected[(ch * h + y) * w + x] = data[((i * h + y) * w + x) * c + ch]!;
        expect(Array.from(out)).toEqual(Array.from(expected));
        // Not the bytes as stored: the transposition moved them.
        expect(Array.from(out)).not.toEqual(Array.from(data.subarray(i * dataset.sampleBytes, (i + 1) * dataset.sampleBytes)));
      }
    } finally {
      reader.close();
    }
  });

  it("refuses what it cannot read, in one line", async () => {
    const dir = tempDir();
    writeNpy(join(dir, "flat.npy"), [4, 6, 5]);
    await expect(openUserData(join(dir, "flat.npy"), undefined, "nhwc")).rejects.toThrow(UsageError);
    await expect(openUserData(join(dir, "flat.npy"), undefined, "nhwc")).rejects.toThrow(
      /^--layout nhwc reads a \.npy of shape \(N, H, W, C\)[^\n]*$/,
    );
    await expect(openUserData(dir, undefined, "nhwc")).rejects.toThrow(/^--layout nhwc applies to \.npy arrays only/);
  });
});
