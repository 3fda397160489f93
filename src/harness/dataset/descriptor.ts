/**
 * What a worker needs to open a dataset: plain data, so it crosses to worker threads unchanged.
 * Every kind yields samples of one shape, as uint8 bytes in C x H x W order.
 */
interface DatasetBase {
  /** Short human label, e.g. "synthetic jpeg" or the user's path. */
  label: string;
  origin: "synthetic" | "user";
  count: number;
  sampleShape: number[];
  /** Bytes of one decoded sample as uint8. */
  sampleBytes: number;
  /** Bytes the dataset occupies on disk (what a cold read has to fetch). */
  diskBytes: number;
}

export interface NpyDataset extends DatasetBase {
  kind: "npy";
  path: string;
  dataOffset: number;
  /** "nhwc": the file holds N x H x W x C, and each sample is transposed to C x H x W as it is read (--layout nhwc). */
  layout?: "nhwc";
}

/** One raw uint8 file per sample, exactly sampleBytes long. */
export interface RawFilesDataset extends DatasetBase {
  kind: "raw-files";
  root: string;
  files: string[];
}

/** One encoded image per sample (JPEG, PNG, WebP), decoded to C x H x W uint8; other sizes are resized. */
export interface ImageFilesDataset extends DatasetBase {
  kind: "image-files";
  root: string;
  files: string[];
}

/** A uint8 dataset in an HDF5 file, read through an emulated HDF5 chunk cache (src/h5). */
export interface H5Dataset extends DatasetBase {
  kind: "h5";
  path: string;
  dataset: string;
  datasetShape: number[];
  /** null for a contiguous dataset: no chunks, no chunk cache. */
  chunkShape: number[] | null;
  compressed: boolean;
  /** Bytes one chunk occupies in the file (for compressed chunks, the file's average). */
  storedChunkBytes: number;
  /** The chunk cache each reader (worker) holds, as h5py's rdcc_nbytes, rdcc_nslots, rdcc_w0. */
  cache: { nbytes: number; nslots: number; w0: number };
}

/** The user's own torch Dataset (--dataset-factory): only the torch loader reads it, in Python. */
export interface PythonDataset extends DatasetBase {
  kind: "python";
  /** The module file and the function in it that returns the Dataset (or the Dataset and a collate_fn). */
  file: string;
  function: string;
  datasetClass: string;
  /** An IterableDataset: no sampler, so --order does not apply. */
  iterable: boolean;
  /** False for an IterableDataset without __len__ (count is then 0). */
  lengthKnown: boolean;
  sampleDtype: string;
}

export type DatasetDescriptor = NpyDataset | RawFilesDataset | ImageFilesDataset | H5Dataset | PythonDataset;

/** The files a cold trial must evict from the page cache. */
export function datasetFiles(dataset: DatasetDescriptor): string[] {
  if (dataset.kind === "python") return [];
  return dataset.kind === "npy" || dataset.kind === "h5" ? [dataset.path] : dataset.files;
}
