import type { SampleReader } from "./dataset/sample-reader.js";
import { imageDims } from "./dataset/synthetic-pixels.js";
import { BYTES_PER_VALUE, normalisation, toHalfBits } from "./dtype.js";
import type { Dtype } from "../store/trial-axes.js";

export interface BatchLayout {
  sampleShape: number[];
  sampleBytes: number;
  dtype: Dtype;
}

export function batchBytes(layout: BatchLayout, samples: number): number {
  return samples * layout.sampleBytes * BYTES_PER_VALUE[layout.dtype];
}

/**
 * Fills `out` (at least batchBytes long) with the samples of one batch in the requested dtype.
 * This is the per-batch work of a Dataset + collate: read, convert, normalise.
 */
export class BatchPreparer {
  private readonly staging: Uint8Array;
  private readonly halfTables: Uint16Array[] = [];

  constructor(
    private readonly reader: SampleReader,
    private readonly layout: BatchLayout,
  ) {
    this.staging = new Uint8Array(layout.sampleBytes);
    if (layout.dtype === "float16") {
      const [channels] = imageDims(layout.sampleShape);
      for (let c = 0; c < channels; c++) {
        const { scale, offset } = normalisation(c, channels);
        const table = new Uint16Array(256);
        for (let v = 0; v < 256; v++) table[v] = toHalfBits(v * scale + offset);
        this.halfTables.push(table);
      }
    }
  }

  async prepare(indices: readonly number[], out: ArrayBuffer | SharedArrayBuffer, byteOffset: number): Promise<void> {
    const { sampleBytes, dtype } = this.layout;
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      if (dtype === "uint8") {
        const view = new Uint8Array(out, byteOffset + i * sampleBytes, sampleBytes);
        await this.reader.read(index, view);
        continue;
      }
      await this.reader.read(index, this.staging);
      const at = byteOffset + i * sampleBytes * BYTES_PER_VALUE[dtype];
      if (dtype === "float32") this.normaliseFloat32(new Float32Array(out, at, sampleBytes));
      else this.normaliseFloat16(new Uint16Array(out, at, sampleBytes));
    }
  }

  private normaliseFloat32(target: Float32Array): void {
    const [channels, height, width] = imageDims(this.layout.sampleShape);
    const plane = height * width;
    const source = this.staging;
    for (let c = 0; c < channels; c++) {
      const { scale, offset } = normalisation(c, channels);
      const base = c * plane;
      for (let p = base; p < base + plane; p++) target[p] = source[p]! * scale + offset;
    }
  }

  private normaliseFloat16(target: Uint16Array): void {
    const [channels, height, width] = imageDims(this.layout.sampleShape);
    const plane = height * width;
    const source = this.staging;
    for (let c = 0; c < channels; c++) {
      const table = this.halfTables[c]!;
      const base = c * plane;
      for (let p = base; p < base + plane; p++) target[p] = table[source[p]!]!;
    }
  }
}
