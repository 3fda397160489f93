import { closeSync, openSync, readSync, statSync } from "node:fs";
import h5wasm, { type Dataset, type Group } from "h5wasm/node";
import type { H5Dataset } from "../harness/dataset/descriptor.js";
import { UsageError } from "../util/errors.js";

/** h5wasm's module, loaded once per thread (each worker thread gets its own instance). */
export async function loadH5(): Promise<typeof h5wasm> {
  await h5wasm.ready;
  return h5wasm;
}

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * HDF5 files start with a signature at byte 0, 512, 1024, 2048, ... (a user block may come first).
 * Checked before h5wasm sees the file: it prints pages of diagnostics for a file that is not HDF5.
 */
export function isHdf5File(path: string): boolean {
  const size = statSync(path).size;
  const fd = openSync(path, "r");
  try {
    const probe = Buffer.alloc(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      readSync(fd, probe, 0, 8, offset);
      if (probe.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

export interface H5Layout {
  path: string;
  dataset: string;
  shape: number[];
  /** NumPy-style dtype of the elements, e.g. "|u1". */
  dtype: string;
  elementBytes: number;
  /** null for a contiguous (unchunked) dataset. */
  chunks: number[] | null;
  filters: { id: number; name: string }[];
  compressed: boolean;
  chunkCount: number | null;
  chunkBytes: number | null;
  fileBytes: number;
}

/** Datasets that look like a stack of images or arrays: uint8, samples first, at least 2 dimensions. */
function describeProblem(shape: number[] | null, dtype: string): string | null {
  if (!shape || shape.length < 2) return `has shape (${(shape ?? []).join(", ")}); expected samples first, e.g. (N, 3, 218, 178)`;
  if (dtype !== "<B" && dtype !== "|u1" && dtype !== ">B")
    return `holds ${dtype} values; gpuprof reads uint8 image datasets (h5py dtype "uint8")`;
  return null;
}

function allDatasets(group: Group, prefix = ""): string[] {
  const out: string[] = [];
  for (const key of group.keys()) {
    const entity = group.get(key);
    const path = `${prefix}/${key}`;
    if (entity instanceof h5wasm.Dataset) out.push(path);
    else if (entity instanceof h5wasm.Group) out.push(...allDatasets(entity, path));
  }
  return out;
}

/** Opens FILE and describes its dataset; every problem is a one-line UsageError naming the fix. */
export async function inspectH5(path: string, datasetName: string | undefined, flag = "FILE"): Promise<H5Layout> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`${flag} ${path}: no such file; give the path of an HDF5 file`);
  }
  if (!isHdf5File(path))
    throw new UsageError(`${flag} ${path} is not an HDF5 file (no HDF5 signature); give a .h5/.hdf5 file written by h5py or HDF5`);
  const h5 = await loadH5();
  const file = new h5.File(path, "r");
  try {
    const datasets = allDatasets(file);
    let name = datasetName;
    if (name === undefined) {
      const imageLike = datasets.filter((d) => {
        const ds = file.get(d) as Dataset;
        return describeProblem(ds.shape, ds.dtype as string) === null;
      });
      if (imageLike.length !== 1) {
        throw new UsageError(
          `${path} holds ${imageLike.length === 0 ? "no uint8 dataset of samples" : `several datasets (${imageLike.join(", ")})`}; name one with --dataset`,
        );
      }
      name = imageLike[0]!;
    }
    const entity = file.get(name);
    if (!(entity instanceof h5.Dataset)) {
      throw new UsageError(`--dataset ${name}: no such dataset in ${path}; it has ${datasets.length > 0 ? datasets.join(", ") : "none"}`);
    }
    const dtype = entity.dtype as string;
    const problem = describeProblem(entity.shape, dtype);
    if (problem) throw new UsageError(`--dataset ${name} in ${path} ${problem}`);
    const shape = entity.shape!;
    const chunks = entity.metadata.chunks;
    const filters = entity.filters.map((f) => ({ id: f.id, name: f.name }));
    const elementBytes = entity.metadata.size;
    const chunkCount = chunks ? shape.reduce((n, dim, d) => n * Math.ceil(dim / chunks[d]!), 1) : null;
    return {
      path,
      dataset: name.startsWith("/") ? name : `/${name}`,
      shape,
      dtype: "|u1",
      elementBytes,
      chunks,
      filters,
      compressed: filters.length > 0,
      chunkCount,
      chunkBytes: chunks ? chunks.reduce((a, b) => a * b, elementBytes) : null,
      fileBytes: size,
    };
  } finally {
    file.close();
  }
}

/**
 * Bytes one chunk occupies in the file. h5wasm does not tell a chunk's stored size, so compressed
 * chunks are taken at the file's average; null for a contiguous dataset.
 */
export function storedChunkBytes(layout: H5Layout): number | null {
  if (layout.compressed) return Math.round(layout.fileBytes / (layout.chunkCount ?? 1));
  return layout.chunkBytes;
}

/** The harness's descriptor of an inspected HDF5 dataset, read through a chunk cache with these settings. */
export function h5Dataset(layout: H5Layout, cache: H5Dataset["cache"], label: string): H5Dataset {
  const [count, ...sampleShape] = layout.shape;
  return {
    kind: "h5",
    label,
    origin: "user",
    path: layout.path,
    dataset: layout.dataset,
    datasetShape: layout.shape,
    chunkShape: layout.chunks,
    compressed: layout.compressed,
    storedChunkBytes: storedChunkBytes(layout) ?? 0,
    cache,
    count: count!,
    sampleShape,
    sampleBytes: sampleShape.reduce((a, b) => a * b, 1),
    diskBytes: layout.fileBytes,
  };
}
