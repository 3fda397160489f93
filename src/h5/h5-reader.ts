import type { Dataset, File } from "h5wasm/node";
import type { H5Dataset } from "../harness/dataset/descriptor.js";
import { SampleReadError, type SampleReader } from "../harness/dataset/sample-reader.js";
import { ChunkCacheModel } from "./chunk-cache.js";
import { ChunkGeometry } from "./chunk-geometry.js";
import { readChunkIndex, type ChunkIndex } from "./chunk-index.js";
import { hdf5Reason, loadH5 } from "./h5-file.js";
import { SieveBufferModel } from "./sieve-buffer.js";

type Range = [number, number];

/**
 * Reads samples of an HDF5 dataset through an emulated HDF5 chunk cache. h5wasm opens and closes
 * the dataset on every read, so HDF5's own cache never survives between reads: this reader reads
 * whole chunks through h5wasm and keeps them as HDF5 would (ChunkCacheModel decides every hit,
 * load, eviction and bypass), so the bytes it fetches are the bytes h5py with the same rdcc
 * settings would fetch. A contiguous dataset has no chunk cache but HDF5's sieve buffer, which
 * h5wasm also drops after each read: it is emulated the same way (SieveBufferModel).
 */
export class H5Reader implements SampleReader {
  private readonly chunks = new Map<number, { data: Uint8Array; start: number[]; extent: number[] }>();
  readonly model: ChunkCacheModel | null;
  /** Contiguous datasets: HDF5's sieve buffer, and the whole samples it holds. */
  readonly sieve: SieveBufferModel | null;
  private sieveRows: { first: number; data: Uint8Array } | null = null;
  private readonly geometry: ChunkGeometry | null;

  private constructor(
    private readonly file: File,
    private readonly ds: Dataset,
    private readonly spec: H5Dataset,
    index: ChunkIndex | null,
  ) {
    if (spec.chunkShape) {
      this.geometry = new ChunkGeometry({ datasetShape: spec.datasetShape, chunkShape: spec.chunkShape, elementBytes: 1 });
      this.model = new ChunkCacheModel({
        geometry: this.geometry,
        params: spec.cache,
        compressed: spec.compressed,
        storedChunkBytes: spec.storedChunkBytes,
        index,
        onEvict: (chunk) => this.chunks.delete(chunk),
      });
      this.sieve = null;
    } else {
      this.geometry = null;
      this.model = null;
      this.sieve = new SieveBufferModel(spec.sampleBytes, spec.count);
    }
  }

  /**
   * Opens the dataset; `index` is its chunk index when the caller has read it, else it is read
   * here (each worker thread of `gpuprof run` opens its own reader).
   */
  static async open(spec: H5Dataset, index?: ChunkIndex | null): Promise<H5Reader> {
    const h5 = await loadH5();
    let file: File;
    try {
      file = new h5.File(spec.path, "r");
    } catch (err) {
      throw new SampleReadError(`${spec.path}: cannot open it as HDF5 (${hdf5Reason(err)})`);
    }
    const ds = file.get(spec.dataset);
    if (!(ds instanceof h5.Dataset)) {
      file.close();
      throw new SampleReadError(`${spec.path}: no dataset ${spec.dataset}`);
    }
    const chunkIndex =
      index !== undefined ? index : spec.chunkShape ? readChunkIndex(spec.path, spec.dataset, spec.datasetShape, spec.chunkShape) : null;
    return new H5Reader(file, ds, spec, chunkIndex);
  }

  read(index: number, out: Uint8Array): void {
    const shape = this.spec.datasetShape;
    if (!this.geometry || !this.model) {
      this.readContiguous(index, out);
      return;
    }
    const g = this.geometry;
    for (let k = 0; k < g.chunksPerSample; k++) {
      const chunk = g.chunkOf(index, k);
      const outcome = this.model.access(chunk, g.sampleBytesInChunk(k));
      const ranges = this.chunkRanges(chunk);
      if (outcome === "bypass") {
        // Only the selected bytes: this sample's part of the chunk.
        const part = this.slice([[index, index + 1], ...ranges.slice(1)]);
        copyBlock(part, [index, ...ranges.slice(1).map((r) => r[0])], [1, ...ranges.slice(1).map((r) => r[1] - r[0])], index, shape, out);
        continue;
      }
      let cached = this.chunks.get(chunk);
      if (!cached) {
        cached = { data: this.slice(ranges), start: ranges.map((r) => r[0]), extent: ranges.map((r) => r[1] - r[0]) };
        if (outcome === "miss") this.chunks.set(chunk, cached);
      }
      copyBlock(cached.data, cached.start, cached.extent, index, shape, out);
    }
  }

  /**
   * A sample of a contiguous dataset, through the emulated sieve buffer. On a refill the samples
   * the buffer will hold whole are read in one slice: HDF5 then fills its own (fresh) sieve buffer
   * exactly as h5py's would be filled, so the bytes read from the file are the same.
   */
  private readContiguous(index: number, out: Uint8Array): void {
    const sieve = this.sieve!;
    const sampleBytes = this.spec.sampleBytes;
    const rest = this.spec.datasetShape.slice(1).map((n): Range => [0, n]);
    const outcome = sieve.access(index);
    if (outcome === "direct") {
      out.set(this.slice([[index, index + 1], ...rest]));
      return;
    }
    if (outcome === "fill") {
      const [first, end] = sieve.heldSamples();
      this.sieveRows = { first, data: this.slice([[first, end], ...rest]) };
    }
    const at = (index - this.sieveRows!.first) * sampleBytes;
    out.set(this.sieveRows!.data.subarray(at, at + sampleBytes));
  }

  close(): void {
    this.chunks.clear();
    this.sieveRows = null;
    this.file.close();
  }

  private chunkRanges(chunk: number): Range[] {
    const scaled = this.geometry!.scaled(chunk);
    const c = this.spec.chunkShape!;
    return scaled.map((s, d): Range => [s * c[d]!, Math.min((s + 1) * c[d]!, this.spec.datasetShape[d]!)]);
  }

  private slice(ranges: Range[]): Uint8Array {
    let data;
    try {
      data = this.ds.slice(ranges);
    } catch (err) {
      throw new SampleReadError(`${this.spec.path}: cannot read ${this.spec.dataset} (${hdf5Reason(err)})`);
    }
    if (!(data instanceof Uint8Array)) throw new SampleReadError(`${this.spec.path}: ${this.spec.dataset} did not read as uint8`);
    return data;
  }
}

/**
 * Copies sample `index`'s part of a block (a row-major region with origin `start` and size
 * `extent` in dataset coordinates) into the sample buffer `out` (dimensions 1.. of `shape`).
 */
export function copyBlock(block: Uint8Array, start: number[], extent: number[], index: number, shape: number[], out: Uint8Array): void {
  const rank = shape.length;
  const last = rank - 1;
  const run = extent[last]!;
  // Strides of the block and of the sample, per dimension.
  const blockStride = new Array<number>(rank).fill(1);
  const outStride = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) {
    blockStride[d] = blockStride[d + 1]! * extent[d + 1]!;
    outStride[d] = d === 0 ? 0 : outStride[d + 1]! * shape[d + 1]!;
  }
  const counter = new Array<number>(rank).fill(0);
  const base = (index - start[0]!) * blockStride[0]!;
  for (;;) {
    let from = base;
    let to = 0;
    for (let d = 1; d < last; d++) {
      from += counter[d]! * blockStride[d]!;
      to += (start[d]! + counter[d]!) * outStride[d]!;
    }
    from += 0;
    to += start[last]!;
    out.set(block.subarray(from, from + run), to);
    let d = last - 1;
    while (d >= 1) {
      counter[d]!++;
      if (counter[d]! < extent[d]!) break;
      counter[d] = 0;
      d--;
    }
    if (d < 1) return;
  }
}
