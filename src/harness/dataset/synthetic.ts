import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import type { DatasetDescriptor } from "./descriptor.js";
import { npyHeaderUint8 } from "./npy-format.js";
import { fillSyntheticSample, imageDims } from "./synthetic-pixels.js";
import { Interrupted, UsageError } from "../../util/errors.js";
import { outermostMissing, removeEmptyFoldersUpTo } from "../../util/created-folders.js";

export const SYNTHETIC_FORMATS = ["npy", "raw", "jpeg"] as const;
export type SyntheticFormat = (typeof SYNTHETIC_FORMATS)[number];

export interface SyntheticSpec {
  format: SyntheticFormat;
  count: number;
  /** C x H x W; CelebA's aligned images are 3 x 218 x 178. */
  shape: number[];
  seed: number;
}

const MANIFEST = "gpuprof-dataset.json";
const MANIFEST_VERSION = 1;
const JPEG_QUALITY = 90;

/** $GPUPROF_CACHE_DIR, else the XDG cache folder: where generated datasets live between runs. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env["GPUPROF_CACHE_DIR"]) return env["GPUPROF_CACHE_DIR"];
  return join(env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "gpuprof");
}

export function syntheticDirName(spec: SyntheticSpec): string {
  return `celeba-like-${spec.format}-n${spec.count}-${spec.shape.join("x")}-seed${spec.seed}`;
}

export function sampleFileName(index: number, format: "raw" | "jpeg"): string {
  return `${String(index).padStart(7, "0")}.${format === "raw" ? "raw" : "jpg"}`;
}

interface Manifest {
  version: number;
  spec: SyntheticSpec;
  diskBytes: number;
}

/**
 * The dataset for `spec`, generated on first use and reused after. Generation happens in a
 * private folder renamed into place at the end, so an interrupted or concurrent run never
 * leaves or sees half a dataset.
 */
export async function ensureSyntheticDataset(
  spec: SyntheticSpec,
  cacheDir: string,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<{ dataset: DatasetDescriptor; generated: boolean }> {
  const dir = join(cacheDir, "datasets", syntheticDirName(spec));
  const existing = cachedSyntheticDataset(spec, cacheDir);
  if (existing) return { dataset: existing, generated: false };
  const problem = syntheticSpecProblem(spec);
  if (problem !== null) throw new UsageError(problem);

  // A first run creates the cache folders too: one that stops early takes back what it made.
  const createdTop = outermostMissing(join(cacheDir, "datasets"));
  mkdirSync(join(cacheDir, "datasets"), { recursive: true });
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building);
  try {
    const diskBytes = await generate(building, spec, onProgress, signal);
    writeFileSync(join(building, MANIFEST), JSON.stringify({ version: MANIFEST_VERSION, spec, diskBytes } satisfies Manifest) + "\n");
    // Written pages must reach the disk, or a later --cold trial could not evict them.
    execFileSync("sync", [], { stdio: "ignore" });
    try {
      renameSync(building, dir);
    } catch (err) {
      // Another run finished the same dataset first: use theirs.
      if (!readManifest(dir, spec)) throw err;
      rmSync(building, { recursive: true, force: true });
    }
    return { dataset: describe(dir, spec, diskBytes), generated: true };
  } catch (err) {
    rmSync(building, { recursive: true, force: true });
    removeEmptyFoldersUpTo(join(cacheDir, "datasets"), createdTop);
    throw err;
  }
}

/** The dataset for `spec` if an earlier run generated it, else null. */
export function cachedSyntheticDataset(spec: SyntheticSpec, cacheDir: string): DatasetDescriptor | null {
  const dir = join(cacheDir, "datasets", syntheticDirName(spec));
  const manifest = readManifest(dir, spec);
  return manifest ? describe(dir, spec, manifest.diskBytes) : null;
}

function readManifest(dir: string, spec: SyntheticSpec): Manifest | null {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return null;
  try {
    const manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
    return manifest.version === MANIFEST_VERSION && JSON.stringify(manifest.spec) === JSON.stringify(spec) ? manifest : null;
  } catch {
    return null;
  }
}

function sampleBytesOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function describe(dir: string, spec: SyntheticSpec, diskBytes: number): DatasetDescriptor {
  const sampleBytes = sampleBytesOf(spec.shape);
  const common = {
    label: `synthetic ${spec.format}`,
    origin: "synthetic" as const,
    count: spec.count,
    sampleShape: spec.shape,
    sampleBytes,
    diskBytes,
  };
  if (spec.format === "npy") {
    return { ...common, kind: "npy", path: join(dir, "data.npy"), dataOffset: npyHeaderUint8([spec.count, ...spec.shape]).length };
  }
  const sub = spec.format === "raw" ? "samples" : "celeba";
  const files = Array.from({ length: spec.count }, (_, i) => join(dir, sub, sampleFileName(i, spec.format as "raw" | "jpeg")));
  return { ...common, kind: spec.format === "raw" ? "raw-files" : "image-files", root: dir, files };
}

async function generate(
  dir: string,
  spec: SyntheticSpec,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  const sampleBytes = sampleBytesOf(spec.shape);
  const pixels = new Uint8Array(sampleBytes);
  const every = Math.max(1, Math.floor(spec.count / 50));
  // Yield to the event loop now and then so Ctrl-C is heard during a long generation.
  const checkpoint = async (i: number): Promise<void> => {
    if (i % every !== 0) return;
    onProgress?.(i, spec.count);
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw new Interrupted("interrupted while generating the dataset; nothing was measured");
  };
  if (spec.format === "npy") {
    const header = npyHeaderUint8([spec.count, ...spec.shape]);
    const fd = openSync(join(dir, "data.npy"), "w");
    try {
      writeSync(fd, header);
      for (let i = 0; i < spec.count; i++) {
        fillSyntheticSample(pixels, spec.shape, spec.seed, i);
        writeSync(fd, pixels);
        await checkpoint(i);
      }
    } finally {
      closeSync(fd);
    }
    return header.length + sampleBytes * spec.count;
  }
  const sub = join(dir, spec.format === "raw" ? "samples" : "celeba");
  mkdirSync(sub);
  let diskBytes = 0;
  for (let i = 0; i < spec.count; i++) {
    fillSyntheticSample(pixels, spec.shape, spec.seed, i);
    const path = join(sub, sampleFileName(i, spec.format));
    const bytes = spec.format === "raw" ? pixels : await encodeJpeg(pixels, spec.shape);
    writeFileSync(path, bytes);
    diskBytes += bytes.length;
    await checkpoint(i);
  }
  return diskBytes;
}

/** libjpeg's largest width or height. */
const JPEG_MAX_SIDE = 65535;

/**
 * Why `spec` cannot be generated, as a one-line message naming the fix, or null. A JPEG holds one
 * (greyscale) or three (colour) channels and at most 65535 pixels a side; raw and .npy take any shape.
 */
export function syntheticSpecProblem(spec: SyntheticSpec): string | null {
  if (spec.format !== "jpeg") return null;
  const given = `--shape ${spec.shape.join(",")}`;
  if (spec.shape.length < 2 || spec.shape.length > 3) {
    return `${given}: --synthetic jpeg needs channels,height,width (or height,width for greyscale), e.g. --shape 3,218,178`;
  }
  const [channels, height, width] = imageDims(spec.shape);
  if (channels !== 1 && channels !== 3) {
    return `${given}: a JPEG holds 1 (greyscale) or 3 (colour) channels, not ${channels}; use --shape 3,${height},${width} or 1,${height},${width}, or --synthetic npy or raw for other channel counts`;
  }
  if (height > JPEG_MAX_SIDE || width > JPEG_MAX_SIDE) {
    return `${given}: a JPEG is at most ${JPEG_MAX_SIDE} pixels a side; use a smaller --shape, or --synthetic npy or raw`;
  }
  return null;
}

/** Encodes C x H x W uint8 pixels (1 or 3 channels) as a JPEG (sharp wants them interleaved, H x W x C). */
export async function encodeJpeg(chw: Uint8Array, shape: readonly number[]): Promise<Buffer> {
  const [channels, height, width] = imageDims(shape);
  if (channels !== 1 && channels !== 3) throw new RangeError(`a JPEG holds 1 or 3 channels, not ${channels}`);
  const hwc = Buffer.allocUnsafe(chw.length);
  const plane = height * width;
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < plane; p++) hwc[p * channels + c] = chw[c * plane + p]!;
  }
  const image = sharp(hwc, { raw: { width, height, channels } });
  // Without b-w, sharp writes one raw channel as a three-channel colour JPEG: three times the
  // decoding work of the greyscale image a one-channel dataset stands for.
  return (channels === 1 ? image.toColourspace("b-w") : image).jpeg({ quality: JPEG_QUALITY }).toBuffer();
}
