/**
 * Where the samples of a chunked dataset live: samples run along dimension 0, and one sample may
 * span several chunks when the other dimensions are chunked too.
 */
export interface ChunkLayout {
  datasetShape: number[];
  chunkShape: number[];
  elementBytes: number;
}

export class ChunkGeometry {
  /** Chunks along each dimension. */
  readonly chunksPerDim: number[];
  readonly chunkCount: number;
  /** Bytes of one chunk as stored uncompressed (edge chunks are stored whole too). */
  readonly chunkBytes: number;
  readonly sampleBytes: number;
  /** Chunks one sample touches (all chunks of the other dimensions). */
  readonly chunksPerSample: number;
  private readonly partBytes: number[];

  constructor(readonly layout: ChunkLayout) {
    const { datasetShape, chunkShape, elementBytes } = layout;
    if (datasetShape.length !== chunkShape.length) throw new RangeError("chunk rank differs from the dataset's");
    this.chunksPerDim = datasetShape.map((n, d) => Math.ceil(n / chunkShape[d]!));
    this.chunkCount = this.chunksPerDim.reduce((a, b) => a * b, 1);
    this.chunkBytes = chunkShape.reduce((a, b) => a * b, elementBytes);
    this.sampleBytes = datasetShape.slice(1).reduce((a, b) => a * b, elementBytes);
    this.chunksPerSample = this.chunksPerDim.slice(1).reduce((a, b) => a * b, 1);
    // Bytes of one sample inside each of the chunks it touches, in row-major chunk order.
    this.partBytes = [];
    for (let k = 0; k < this.chunksPerSample; k++) {
      const coords = this.otherCoords(k);
      let bytes = elementBytes;
      for (let d = 1; d < datasetShape.length; d++) {
        const start = coords[d - 1]! * chunkShape[d]!;
        bytes *= Math.min(chunkShape[d]!, datasetShape[d]! - start);
      }
      this.partBytes.push(bytes);
    }
  }

  /** Coordinates (dimensions 1..) of the k-th chunk a sample touches, row-major. */
  otherCoords(k: number): number[] {
    const coords: number[] = [];
    for (let d = this.chunksPerDim.length - 1; d >= 1; d--) {
      coords.unshift(k % this.chunksPerDim[d]!);
      k = Math.floor(k / this.chunksPerDim[d]!);
    }
    return coords;
  }

  /** Linear index (row-major over chunk coordinates) of the k-th chunk sample i touches. */
  chunkOf(sample: number, k: number): number {
    return Math.floor(sample / this.layout.chunkShape[0]!) * this.chunksPerSample + k;
  }

  /** Bytes of a sample that lie in its k-th chunk. */
  sampleBytesInChunk(k: number): number {
    return this.partBytes[k]!;
  }

  /** Scaled coordinates of a chunk from its linear index. */
  scaled(chunk: number): number[] {
    const coords: number[] = [];
    for (let d = this.chunksPerDim.length - 1; d >= 0; d--) {
      coords.unshift(chunk % this.chunksPerDim[d]!);
      chunk = Math.floor(chunk / this.chunksPerDim[d]!);
    }
    return coords;
  }

  /**
   * HDF5's hash slot of a chunk: the scaled coordinate of dimension 0, then for each further
   * dimension shifted left by log2 of its chunk count rounded up to a power of two and XORed with
   * that dimension's coordinate; modulo nslots. BigInt, because the shifted value can pass 2^53.
   */
  slotOf(chunk: number, nslots: number): number {
    const scaled = this.scaled(chunk);
    let value = BigInt(scaled[0]!);
    for (let d = 1; d < scaled.length; d++) {
      value = (value << BigInt(encodeBits(this.chunksPerDim[d]!))) ^ BigInt(scaled[d]!);
    }
    return Number(value % BigInt(nslots));
  }
}

/** log2 of n rounded up to a power of two (0 for n <= 1). */
export function encodeBits(n: number): number {
  let bits = 0;
  while (2 ** bits < n) bits++;
  return bits;
}
