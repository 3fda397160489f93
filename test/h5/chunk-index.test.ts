import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readChunkIndex } from "../../src/h5/chunk-index.js";
import { loadH5 } from "../../src/h5/h5-file.js";
import { tempDir } from "../helpers.js";

const SHAPE = [3, 16, 16];
const SAMPLE = 3 * 16 * 16;

/** Compressible pixels that differ per sample, so compressed chunks differ in size. */
function pixels(count: number): Uint8Array {
  const data = new Uint8Array(count * SAMPLE);
  for (let i = 0; i < data.length; i++) data[i] = (Math.floor(i / SAMPLE) * 13 + (i % (7 + (Math.floor(i / SAMPLE) % 5)))) % 251;
  return data;
}

type Libver = "earliest" | "v108" | "latest";

/** A file with the dataset at /grp/images (a nested group) and a few small datasets beside it. */
async function write(
  name: string,
  options: { libver: Libver; count: number; chunk: number[]; gzip?: number; others?: number },
): Promise<string> {
  const h5 = await loadH5();
  const path = join(tempDir(), name);
  const file = new h5.File(path, "w", { libver: [options.libver, "latest"] });
  for (let k = 0; k < (options.others ?? 2); k++)
    file.create_dataset({ name: `labels${k}`, data: new Uint8Array(4), shape: [4], dtype: "<B" });
  file.create_group("grp");
  const group = file.get("grp") as InstanceType<typeof h5.Group>;
  group.create_dataset({
    name: "images",
    data: pixels(options.count),
    shape: [options.count, ...SHAPE],
    dtype: "<B",
    chunks: options.chunk,
    ...(options.gzip ? { compression: "gzip" as const, compression_opts: options.gzip } : {}),
  });
  file.close();
  return path;
}

describe("the chunk index of an HDF5 file", () => {
  it("gives each compressed chunk's own size, the same through old-style (h5py) and new-style groups", async () => {
    const chunk = [5, 3, 8, 16];
    const old = await write("old.h5", { libver: "earliest", count: 40, chunk, gzip: 4 });
    const current = await write("new.h5", { libver: "v108", count: 40, chunk, gzip: 4 });
    const a = readChunkIndex(old, "/grp/images", [40, ...SHAPE], chunk)!;
    const b = readChunkIndex(current, "/grp/images", [40, ...SHAPE], chunk)!;
    expect(a.sizes.length).toBe(8 * 2);
    expect([...a.sizes]).toEqual([...b.sizes]);
    expect(a.sizes.every((s) => s > 0 && s < 5 * 3 * 8 * 16)).toBe(true);
    expect(new Set(a.sizes).size).toBeGreaterThan(1);
    const total = a.sizes.reduce((x, y) => x + y, 0);
    expect(total).toBeLessThan(statSync(old).size);
    // One B-tree node of rank 4 (+1): 24-byte header, 64 child addresses, 65 keys of 8 + 5 x 8 bytes.
    expect(a.nodeBytes).toBe(24 + 64 * 8 + 65 * 48);
    expect(a.parentOf.length).toBe(1);
    expect([...new Set(a.leafOf)]).toEqual([0]);
  });

  it("walks a B-tree of several levels, and stores uncompressed chunks at their size", async () => {
    const chunk = [1, ...SHAPE];
    const path = await write("deep.h5", { libver: "earliest", count: 150, chunk });
    const index = readChunkIndex(path, "/grp/images", [150, ...SHAPE], chunk)!;
    expect(index.sizes.every((s) => s === SAMPLE)).toBe(true);
    expect(index.parentOf.length).toBeGreaterThan(2); // a root above several leaves
    expect(index.parentOf[0]).toBe(-1);
    const leaves = new Set(index.leafOf);
    expect(leaves.size).toBeGreaterThan(1);
    for (const leaf of leaves) expect(index.parentOf[leaf]).toBeGreaterThanOrEqual(0);
  });

  it("says nothing (null) for indexes it does not read: libver latest, dense groups, a missing dataset", async () => {
    const chunk = [5, ...SHAPE];
    const latest = await write("latest.h5", { libver: "latest", count: 40, chunk, gzip: 1 });
    expect(readChunkIndex(latest, "/grp/images", [40, ...SHAPE], chunk)).toBeNull();
    const dense = await write("dense.h5", { libver: "v108", count: 40, chunk, gzip: 1, others: 20 });
    expect(readChunkIndex(dense, "/grp/images", [40, ...SHAPE], chunk)).toBeNull();
    const plain = await write("plain.h5", { libver: "v108", count: 40, chunk });
    expect(readChunkIndex(plain, "/grp/nothing", [40, ...SHAPE], chunk)).toBeNull();
    expect(readChunkIndex(join(tempDir(), "absent.h5"), "/grp/images", [40, ...SHAPE], chunk)).toBeNull();
  });

  it("counts chunks never written as 0 bytes", async () => {
    const h5 = await loadH5();
    const path = join(tempDir(), "sparse.h5");
    const file = new h5.File(path, "w");
    const ds = file.create_dataset({
      name: "images",
      data: pixels(10),
      shape: [10, ...SHAPE],
      maxshape: [null, ...SHAPE],
      dtype: "<B",
      chunks: [5, ...SHAPE],
    });
    ds.resize([20, ...SHAPE]);
    file.close();
    const index = readChunkIndex(path, "/images", [20, ...SHAPE], [5, ...SHAPE])!;
    expect([...index.sizes]).toEqual([5 * SAMPLE, 5 * SAMPLE, 0, 0]);
  });
});
