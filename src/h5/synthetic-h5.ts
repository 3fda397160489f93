import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { basename, join } from "node:path";
import { fillSyntheticSample } from "../harness/dataset/synthetic-pixels.js";
import type { Dataset } from "h5wasm/node";
import { loadH5 } from "./h5-file.js";
import { Interrupted } from "../util/errors.js";
import { outermostMissing, removeEmptyFoldersUpTo } from "../util/created-folders.js";

export const COMPRESSIONS = ["none", "gzip1"] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export interface SyntheticH5Spec {
  count: number;
  shape: number[];
  chunk: number[];
  compression: Compression;
  seed: number;
}

const DATASET = "/images";

export function syntheticH5Name(spec: SyntheticH5Spec): string {
  return `celeba-like-h5-n${spec.count}-${spec.shape.join("x")}-chunk${spec.chunk.join("x")}-${spec.compression}-seed${spec.seed}.h5`;
}

/**
 * A synthetic CelebA-like HDF5 file (dataset /images, uint8, samples first), the same pixels as
 * the .npy source for the same seed. Written in slices of whole chunks, so memory stays at a few
 * chunks whatever the file's size; built under a private name and renamed into place; reused after.
 */
export async function ensureSyntheticH5(
  spec: SyntheticH5Spec,
  cacheDir: string,
  signal?: AbortSignal,
  onGenerate?: (path: string) => void,
): Promise<{ path: string; dataset: string; generated: boolean }> {
  const dir = join(cacheDir, "datasets");
  const path = join(dir, syntheticH5Name(spec));
  const manifest = `${path}.json`;
  if (existsSync(path) && existsSync(manifest) && readFileSync(manifest, "utf8").trim() === JSON.stringify(spec)) {
    return { path, dataset: DATASET, generated: false };
  }
  // A first run creates the cache folders too: one that stops early takes back what it made.
  const createdTop = outermostMissing(dir);
  mkdirSync(dir, { recursive: true });
  const building = `${path}.building-${process.pid}`;
  onGenerate?.(path);
  const h5 = await loadH5();
  const file = new h5.File(building, "w");
  try {
    const sampleBytes = spec.shape.reduce((a, b) => a * b, 1);
    const dataset = file.create_dataset({
      name: DATASET,
      data: new Uint8Array(0),
      shape: [0, ...spec.shape],
      maxshape: [null, ...spec.shape],
      chunks: spec.chunk,
      dtype: "<B",
      ...(spec.compression === "gzip1" ? { compression: "gzip" as const, compression_opts: 1 } : {}),
    });
    const step = Math.max(spec.chunk[0]!, Math.ceil((16 * 1024 * 1024) / sampleBytes / spec.chunk[0]!) * spec.chunk[0]!);
    const pixels = new Uint8Array(sampleBytes);
    for (let start = 0; start < spec.count; start += step) {
      const end = Math.min(spec.count, start + step);
      const block = new Uint8Array((end - start) * sampleBytes);
      for (let i = start; i < end; i++) {
        fillSyntheticSample(pixels, spec.shape, spec.seed, i);
        block.set(pixels, (i - start) * sampleBytes);
      }
      dataset.resize([end, ...spec.shape]);
      dataset.write_slice([[start, end]], block);
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw new Interrupted("interrupted while generating the HDF5 file; nothing was measured");
    }
    file.close();
    execFileSync("sync", [], { stdio: "ignore" });
    renameSync(building, path);
    writeFileSync(manifest, JSON.stringify(spec) + "\n");
    return { path, dataset: DATASET, generated: true };
  } catch (err) {
    try {
      file.close();
    } catch {
      // already closed
    }
    rmSync(building, { force: true });
    removeEmptyFoldersUpTo(dir, createdTop);
    throw err;
  }
}

export function fileBytes(path: string): number {
  return statSync(path).size;
}

/**
 * A copy of a user's dataset with another chunk shape and compression, written slice by slice
 * (a few chunks' worth of samples at a time) so memory stays bounded; cached beside the synthetic files.
 */
export async function rechunkH5(
  source: { path: string; dataset: string; shape: number[]; fileBytes: number },
  chunk: number[],
  compression: Compression,
  cacheDir: string,
  signal?: AbortSignal,
): Promise<string> {
  const dir = join(cacheDir, "datasets");
  const base = basename(source.path)
    .replace(/\.(h5|hdf5|hdf|he5)$/i, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .slice(0, 80);
  const key = JSON.stringify({ source: source.path, dataset: source.dataset, bytes: source.fileBytes, chunk, compression });
  const path = join(dir, `rechunked-${base}-chunk${chunk.join("x")}-${compression}.h5`);
  if (existsSync(path) && existsSync(`${path}.json`) && readFileSync(`${path}.json`, "utf8").trim() === key) return path;
  mkdirSync(dir, { recursive: true });
  const h5 = await loadH5();
  const input = new h5.File(source.path, "r");
  const building = `${path}.building-${process.pid}`;
  const output = new h5.File(building, "w");
  try {
    const from = input.get(source.dataset) as Dataset;
    const [count, ...rest] = source.shape;
    const sampleBytes = rest.reduce((a, b) => a * b, 1);
    const to = output.create_dataset({
      name: "/images",
      data: new Uint8Array(0),
      shape: [0, ...rest],
      maxshape: [null, ...rest],
      chunks: chunk,
      dtype: "<B",
      ...(compression === "gzip1" ? { compression: "gzip" as const, compression_opts: 1 } : {}),
    });
    const step = Math.max(chunk[0]!, Math.ceil((16 * 1024 * 1024) / sampleBytes / chunk[0]!) * chunk[0]!);
    for (let start = 0; start < count!; start += step) {
      const end = Math.min(count!, start + step);
      const block = from.slice([[start, end]]);
      to.resize([end, ...rest]);
      to.write_slice([[start, end]], block);
      // Yield now and then so Ctrl-C or SIGTERM is heard during a long copy.
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw new Interrupted("interrupted while writing the rechunked copy; nothing was measured");
    }
    output.close();
    renameSync(building, path);
    writeFileSync(`${path}.json`, key + "\n");
    return path;
  } catch (err) {
    try {
      output.close();
    } catch {
      // already closed
    }
    rmSync(building, { force: true });
    throw err;
  } finally {
    input.close();
  }
}
