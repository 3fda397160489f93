import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openUserData } from "../../src/harness/dataset/open-user-data.js";
import { encodeJpeg } from "../../src/harness/dataset/synthetic.js";
import { UsageError } from "../../src/util/errors.js";
import { root, tempDir } from "../helpers.js";

const npy = (name: string): string => join(root, "fixtures", "npy", name);

async function usageMessage(path: string): Promise<string> {
  try {
    await openUserData(path);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error(`${path} was accepted`);
}

describe("openUserData", () => {
  it("takes shape and layout of a NumPy uint8 array from its header", async () => {
    const dataset = await openUserData(npy("uint8_4x3x5x6.npy"));
    expect(dataset).toMatchObject({
      kind: "npy",
      origin: "user",
      count: 4,
      sampleShape: [3, 5, 6],
      sampleBytes: 90,
      dataOffset: 128,
      diskBytes: 488,
    });
  });

  it("names the problem and the fix for every kind of bad --data", async () => {
    // A path that is not there, or not a kind gpuprof reads, is told every kind --data takes.
    const accepted = /--data takes a uint8 NumPy \.npy array \(numpy\.save\), an HDF5 file \(\.h5, \.hdf5\) or a folder of images/;
    expect(await usageMessage(join(tempDir(), "nope.npy"))).toMatch(/no such file or folder/);
    expect(await usageMessage(join(tempDir(), "nope.npy"))).toMatch(accepted);
    const text = join(tempDir(), "data.csv");
    writeFileSync(text, "1,2,3\n");
    expect(await usageMessage(text)).toMatch(/is not a \.npy file/);
    expect(await usageMessage(text)).toMatch(accepted);
    const fake = join(tempDir(), "fake.npy");
    writeFileSync(fake, "not numpy at all");
    expect(await usageMessage(fake)).toMatch(/not a NumPy \.npy file.*numpy\.save/);
    expect(await usageMessage(npy("float32_2x3.npy"))).toMatch(/holds float32 values.*astype\(numpy\.uint8\)/);
    expect(await usageMessage(npy("uint8_fortran_3x4.npy"))).toMatch(/Fortran order.*ascontiguousarray/);
    expect(await usageMessage(npy("uint8_scalar.npy"))).toMatch(/expected samples first/);
    const cut = join(tempDir(), "cut.npy");
    copyFileSync(npy("uint8_4x3x5x6.npy"), cut);
    writeFileSync(cut, readFileSync(cut).subarray(0, 300));
    expect(await usageMessage(cut)).toMatch(/truncated: 300 bytes, its header needs 488/);
    expect(await usageMessage(tempDir())).toMatch(/holds no \.jpg/);
  });

  it("reads a folder of images with class subfolders, sized by the first image", async () => {
    const dir = tempDir();
    for (const cls of ["cats", "dogs"]) {
      mkdirSync(join(dir, cls));
      for (let i = 0; i < 3; i++)
        writeFileSync(join(dir, cls, `${i}.jpg`), await encodeJpeg(new Uint8Array(3 * 6 * 4).fill(40 * i), [3, 6, 4]));
    }
    writeFileSync(join(dir, "notes.txt"), "not an image");
    const dataset = await openUserData(dir);
    expect(dataset.kind).toBe("image-files");
    expect(dataset.count).toBe(6);
    expect(dataset.sampleShape).toEqual([3, 6, 4]);
  });
});
