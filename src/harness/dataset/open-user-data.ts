import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import sharp from "sharp";
import { message } from "../../messages/catalogue.js";
import { UsageError } from "../../util/errors.js";
import { refuseSpecialFile } from "../../util/special-files.js";
import type { DatasetDescriptor } from "./descriptor.js";
import { NpyFormatError, parseNpyHeader } from "./npy-format.js";

const IMAGE_EXTENSIONS = new Set([".jpg", ".jpeg", ".png", ".webp"]);
const NUMPY_NAMES: Record<string, string> = {
  "<f4": "float32",
  "<f8": "float64",
  "<f2": "float16",
  "<i8": "int64",
  "<i4": "int32",
  "|b1": "bool",
};

export interface H5Options {
  dataset?: string;
  cache: { nbytes: number; nslots: number; w0: number };
}

const H5_EXTENSIONS = new Set([".h5", ".hdf5", ".hdf", ".he5"]);

/** What --data accepts, for the messages that refuse a path. */
const DATA_KINDS =
  "--data takes a uint8 NumPy .npy array (numpy.save), an HDF5 file (.h5, .hdf5) or a folder of images (.jpg, .png, .webp)";

/** How a .npy array's samples are laid out: N x C x H x W (the default) or N x H x W x C (--layout nhwc). */
export type DataLayout = "nchw" | "nhwc";
export const DATA_LAYOUTS = ["nchw", "nhwc"] as const;

/** The user's --data: a .npy array, an HDF5 file or a folder of images. Every problem is a one-line UsageError. */
export async function openUserData(path: string, h5?: H5Options, layout: DataLayout = "nchw"): Promise<DatasetDescriptor> {
  // A FIFO or a device is refused before it is opened: reading one could block forever.
  const stats = refuseSpecialFile(path, "--data", DATA_KINDS);
  if (stats === null) throw new UsageError(`--data ${path}: no such file or folder; ${DATA_KINDS}`);
  const npy = !stats.isDirectory() && !H5_EXTENSIONS.has(extname(path).toLowerCase());
  if (layout !== "nchw" && !npy) throw new UsageError(message("data.layout.not-npy", { layout }));
  if (stats.isDirectory()) return openImageFolder(resolve(path));
  if (H5_EXTENSIONS.has(extname(path).toLowerCase())) return openH5(resolve(path), path, h5);
  return openNpy(resolve(path), stats.size, path, layout);
}

async function openH5(path: string, shown: string, options: H5Options | undefined): Promise<DatasetDescriptor> {
  const { h5Dataset, inspectH5 } = await import("../../h5/h5-file.js");
  const layout = await inspectH5(path, options?.dataset, "--data");
  // Without settings, h5py's own default cache (HDF5 1.x).
  const { CACHE_PRESETS } = await import("../../h5/chunk-cache.js");
  return h5Dataset(layout, options?.cache ?? CACHE_PRESETS["hdf5-1"]!, `${shown}:${layout.dataset}`);
}

function openNpy(path: string, size: number, shown: string, layout: DataLayout): DatasetDescriptor {
  if (extname(path).toLowerCase() !== ".npy") {
    throw new UsageError(`--data ${shown} is not a .npy file; ${DATA_KINDS}`);
  }
  const head = Buffer.alloc(Math.min(size, 65536));
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  let header;
  try {
    header = parseNpyHeader(head);
  } catch (err) {
    if (err instanceof NpyFormatError) throw new UsageError(`--data ${shown}: ${err.message}; save the array with numpy.save`);
    throw err;
  }
  if (header.descr !== "|u1" && header.descr !== "<u1") {
    const name = NUMPY_NAMES[header.descr] ?? header.descr;
    throw new UsageError(
      `--data ${shown} holds ${name} values; gpuprof reads uint8 image arrays: save arr.astype(numpy.uint8), or pass the folder of images`,
    );
  }
  if (header.fortranOrder) throw new UsageError(`--data ${shown} is in Fortran order; save numpy.ascontiguousarray(arr) instead`);
  const [count, ...sampleShape] = header.shape;
  if (count === undefined || sampleShape.length === 0 || count === 0) {
    throw new UsageError(`--data ${shown} has shape (${header.shape.join(", ")}); expected samples first, e.g. (N, 3, 218, 178)`);
  }
  const sampleBytes = sampleShape.reduce((a, b) => a * b, 1);
  const needed = header.dataOffset + count * sampleBytes;
  if (size < needed) throw new UsageError(`--data ${shown} is truncated: ${size} bytes, its header needs ${needed}; save it again`);
  if (layout === "nhwc") {
    const [, , c] = sampleShape;
    if (sampleShape.length !== 3 || (c !== 1 && c !== 3)) {
      throw new UsageError(message("data.layout.shape", { path: shown, shape: header.shape.join(", ") }));
    }
  }
  // Samples are C x H x W everywhere downstream; for NHWC the reader transposes each one as it reads it.
  const [h, w, c] = sampleShape;
  return {
    kind: "npy",
    label: shown,
    origin: "user",
    path,
    dataOffset: header.dataOffset,
    count,
    sampleShape: layout === "nhwc" ? [c!, h!, w!] : sampleShape,
    sampleBytes,
    diskBytes: size,
    ...(layout === "nhwc" ? { layout } : {}),
  };
}

async function openImageFolder(root: string): Promise<DatasetDescriptor> {
  const files = (readdirSync(root, { recursive: true, encoding: "utf8" }) as string[])
    .filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort()
    .map((name) => join(root, name));
  if (files.length === 0) {
    throw new UsageError(`--data ${root} holds no .jpg, .jpeg, .png or .webp images; give a folder of images (class subfolders are fine)`);
  }
  const diskBytes = files.reduce(
    (sum, f) => sum + (refuseSpecialFile(f, "--data: the image", "remove it from the folder, or give a folder of image files")?.size ?? 0),
    0,
  );
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(files[0]!).metadata());
  } catch (err) {
    throw new UsageError(`--data: cannot read the image ${files[0]} (${err instanceof Error ? err.message : String(err)}); is it corrupt?`);
  }
  if (!width || !height) throw new UsageError(`--data: ${files[0]} has no size; is it an image?`);
  // Every sample takes the first image's size, as a fixed-size training input would.
  const sampleShape = [3, height, width];
  return {
    kind: "image-files",
    label: root,
    origin: "user",
    root,
    files,
    count: files.length,
    sampleShape,
    sampleBytes: 3 * height * width,
    diskBytes,
  };
}
