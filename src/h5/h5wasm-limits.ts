import type { DatasetDescriptor, H5Dataset } from "../harness/dataset/descriptor.js";
import { bytes } from "../util/format.js";
import { formatSize } from "../util/sizes.js";

/**
 * h5wasm's HDF5 2.0 opens the dataset for every read with HDF5 2.0's default chunk cache (8 MiB),
 * and h5wasm cannot size it: within that one read, a chunk of up to 8 MiB is read whole.
 */
export const H5WASM_OWN_CACHE = 8 * 1024 * 1024;

/**
 * Uncompressed chunks larger than the emulated cache bypass it, and h5py would read only the
 * sample's bytes from them; h5wasm's own cache reads those chunks whole when they are at most 8 MiB.
 * Returns how many times the sample's bytes each read then fetches, or null when this does not apply.
 */
export function wholeChunkReadFactor(dataset: H5Dataset): number | null {
  const chunk = dataset.chunkShape;
  if (!chunk || dataset.compressed) return null;
  const chunkBytes = chunk.reduce((a, b) => a * b, 1);
  if (chunkBytes <= dataset.cache.nbytes || chunkBytes > H5WASM_OWN_CACHE) return null;
  const chunksPerSample = dataset.datasetShape.slice(1).reduce((n, dim, d) => n * Math.ceil(dim / chunk[d + 1]!), 1);
  return (chunksPerSample * chunkBytes) / dataset.sampleBytes;
}

/** A --cache value that holds `n` bytes: whole KiB below 1 MiB, whole MiB above. */
function roundedUp(n: number): string {
  return n < 1024 ** 2 ? `${Math.ceil(n / 1024)}KiB` : `${Math.ceil(n / 1024 ** 2)}MiB`;
}

/** What `gpuprof run` must tell about reading this dataset through h5wasm (results.notes). */
export function h5RunNotes(dataset: DatasetDescriptor): string[] {
  if (dataset.kind !== "h5") return [];
  const factor = wholeChunkReadFactor(dataset);
  if (factor === null) return [];
  const chunkBytes = dataset.chunkShape!.reduce((a, b) => a * b, 1);
  return [
    `${dataset.label}: its chunks (${bytes(chunkBytes)}) are larger than each worker's ${formatSize(dataset.cache.nbytes)} chunk cache (--cache), so h5py would read only each sample's bytes from them, but h5wasm (HDF5 2.0, with its own 8 MiB cache within each read) reads every such chunk whole: these trials read about ${Number(factor.toFixed(1))}x the bytes h5py would. Give --cache ${roundedUp(chunkBytes)} or more to hold whole chunks, or rechunk (gpuprof h5 compares both)`,
  ];
}
