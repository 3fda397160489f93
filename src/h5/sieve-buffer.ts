/** HDF5's default data sieve buffer (H5Pset_sieve_buf_size), which h5py does not change: 64 KiB. */
export const SIEVE_BUFFER_BYTES = 64 * 1024;

export type SieveOutcome = "hit" | "fill" | "direct";

/**
 * HDF5's data sieve buffer, through which it reads contiguous (unchunked) datasets
 * (H5Dcontig.c, H5D__contig_readvv_sieve_cb), for reads of one whole sample:
 * - a read inside the bytes the buffer holds is served from memory;
 * - a read larger than the buffer goes straight to the file, just its bytes, and leaves the buffer as it was;
 * - any other read refills the buffer from the read's first byte: min(buffer size, bytes to the
 *   dataset's end), so a random read of a small sample fetches 64 KiB.
 * The buffer is never larger than the dataset, and there is one per open dataset: an h5py worker
 * keeps its dataset open, so its buffer lasts the whole run (h5wasm reopens it on every read).
 */
export class SieveBufferModel {
  private readonly bufferBytes: number;
  private readonly datasetBytes: number;
  private start = -1;
  private end = -1;
  readonly stats = { reads: 0, hits: 0, fills: 0, direct: 0, bytesFetched: 0 };

  constructor(
    private readonly sampleBytes: number,
    count: number,
    sieveBytes = SIEVE_BUFFER_BYTES,
  ) {
    this.datasetBytes = sampleBytes * count;
    this.bufferBytes = Math.min(sieveBytes, this.datasetBytes);
  }

  access(index: number): SieveOutcome {
    const from = index * this.sampleBytes;
    const to = from + this.sampleBytes;
    this.stats.reads++;
    if (this.start >= 0 && from >= this.start && to <= this.end) {
      this.stats.hits++;
      return "hit";
    }
    if (this.sampleBytes > this.bufferBytes) {
      this.stats.direct++;
      this.stats.bytesFetched += this.sampleBytes;
      return "direct";
    }
    this.start = from;
    this.end = Math.min(from + this.bufferBytes, this.datasetBytes);
    this.stats.fills++;
    this.stats.bytesFetched += this.end - this.start;
    return "fill";
  }

  /** The samples the buffer holds whole, [first, end), after the last fill. */
  heldSamples(): [number, number] {
    return [this.start / this.sampleBytes, Math.floor(this.end / this.sampleBytes)];
  }
}
