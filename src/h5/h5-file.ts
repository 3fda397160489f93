import { closeSync, openSync, readSync, statSync } from "node:fs";
import h5wasm, { type Dataset, type Group } from "h5wasm/node";
import type { H5Dataset } from "../harness/dataset/descriptor.js";
import { UsageError } from "../util/errors.js";
import { readChunkIndex, type ChunkIndex } from "./chunk-index.js";

/**
 * h5wasm's module, loaded once per thread (each worker thread gets its own instance). HDF5's
 * default error handler prints its whole diagnostic stack (dozens of HDF5-DIAG lines) to stderr
 * before h5wasm throws a bare "name not defined"; h5wasm's throwing handler puts that stack into
 * the thrown Error instead, so nothing is printed and hdf5Reason() can pick the line that matters.
 */
export async function loadH5(): Promise<typeof h5wasm> {
  const module = await h5wasm.ready;
  module.activate_throwing_error_handler();
  return h5wasm;
}

/**
 * The innermost message of an HDF5 error stack ("truncated file: eof = 3000, ..."): the cause,
 * where the outer lines only repeat "unable to open file". Other errors: their first line.
 */
export function hdf5Reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const frames = text.split("\n").filter((line) => /^\s*#\d+:/.test(line));
  const last = frames[frames.length - 1];
  const reason = last ? (/\(\): (.*)$/.exec(last)?.[1] ?? last.trim()) : text.split("\n")[0]!;
  return reason.trim();
}

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * HDF5 files start with a signature at byte 0, 512, 1024, 2048, ... (a user block may come first).
 * Checked before h5wasm sees the file: it prints pages of diagnostics for a file that is not HDF5.
 */
export function isHdf5File(path: string, size: number): boolean {
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
  /** HDF5 filter id, name and parameters (deflate's first parameter is its level). */
  filters: { id: number; name: string; options: number[] }[];
  compressed: boolean;
  chunkCount: number | null;
  chunkBytes: number | null;
  /** The chunk index (each chunk's stored size, the B-tree nodes); null when contiguous or when it could not be read. */
  chunkIndex: ChunkIndex | null;
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
    const stats = statSync(path);
    if (stats.isDirectory()) throw new UsageError(`${flag} ${path} is a folder; give the path of an HDF5 file (.h5, .hdf5)`);
    size = stats.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${flag} ${path}: no such file; give the path of an HDF5 file`);
  }
  let signed: boolean;
  try {
    signed = isHdf5File(path, size);
  } catch (err) {
    throw new UsageError(
      `${flag} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? hdf5Reason(err)}); check its permissions`,
    );
  }
  if (!signed)
    throw new UsageError(`${flag} ${path} is not an HDF5 file (no HDF5 signature); give a .h5/.hdf5 file written by h5py or HDF5`);
  const h5 = await loadH5();
  const unreadable = (err: unknown): UsageError =>
    new UsageError(
      `${flag} ${path} is not a readable HDF5 file (damaged or truncated?): HDF5 says "${hdf5Reason(err)}"; copy or write the file again`,
    );
  let file: InstanceType<typeof h5.File>;
  try {
    file = new h5.File(path, "r");
  } catch (err) {
    throw unreadable(err);
  }
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
    const filters = entity.filters.map((f) => ({ id: f.id, name: f.name, options: [...f.cd_values] }));
    const elementBytes = entity.metadata.size;
    const chunkCount = chunks ? shape.reduce((n, dim, d) => n * Math.ceil(dim / chunks[d]!), 1) : null;
    const dataset = name.startsWith("/") ? name : `/${name}`;
    return {
      path,
      dataset,
      shape,
      dtype: "|u1",
      elementBytes,
      chunks,
      filters,
      compressed: filters.length > 0,
      chunkCount,
      chunkBytes: chunks ? chunks.reduce((a, b) => a * b, elementBytes) : null,
      chunkIndex: chunks ? readChunkIndex(path, dataset, shape, chunks) : null,
      fileBytes: size,
    };
  } catch (err) {
    // A file whose superblock reads but whose objects do not: damaged inside.
    if (err instanceof UsageError) throw err;
    throw unreadable(err);
  } finally {
    try {
      file.close();
    } catch {
      // a damaged file may not close cleanly; nothing was written to it
    }
  }
}

/**
 * Bytes one chunk occupies in the file, on average over the chunks written: exact for uncompressed
 * chunks and for compressed ones whose chunk index was read; otherwise an estimate (the file's
 * size over its chunks, at most the uncompressed chunk size), which counts metadata and any other
 * datasets as chunk data. null for a contiguous dataset.
 */
export function storedChunkBytes(layout: H5Layout): number | null {
  if (!layout.compressed || layout.chunkBytes === null) return layout.chunkBytes;
  const sizes = layout.chunkIndex?.sizes;
  if (sizes) {
    let sum = 0;
    let written = 0;
    for (const s of sizes) {
      if (s === 0) continue; // never written: read as the fill value, no bytes
      sum += s;
      written++;
    }
    return written > 0 ? Math.round(sum / written) : 0;
  }
  return Math.min(layout.chunkBytes, Math.round(layout.fileBytes / (layout.chunkCount ?? 1)));
}

/** HDF5's deflate filter (what h5py calls gzip). */
const DEFLATE = 1;

/** The filters as h5py names them: "gzip9", "shuffle+gzip4"; "none" without filters. */
export function compressionLabel(layout: Pick<H5Layout, "filters">): string {
  if (layout.filters.length === 0) return "none";
  return layout.filters.map((f) => (f.id === DEFLATE ? `gzip${f.options[0] ?? ""}` : f.name)).join("+");
}

/** Compressed chunks whose sizes are estimated, not read from the file: the model's byte counts are approximate. */
export function storedSizesEstimated(layout: H5Layout): boolean {
  return layout.compressed && layout.chunks !== null && layout.chunkIndex === null;
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
