import type { ChunkIndex } from "./chunk-index.js";

/**
 * The chunk-index reads of one open file. A chunk that is not in the chunk cache is looked up in
 * the index: HDF5 reads every B-tree node on the way from the root that it has not read before,
 * and its metadata cache keeps them (it grows to 32 MiB by default, thousands of nodes), so each
 * node is read once per open file, i.e. once per DataLoader worker.
 */
export class IndexReads {
  private readonly seen: Uint8Array;
  bytes = 0;

  constructor(private readonly index: ChunkIndex) {
    this.seen = new Uint8Array(index.parentOf.length);
  }

  /** Bytes a lookup of `chunk` reads. A node already read means its ancestors were read too. */
  lookup(chunk: number): number {
    let bytes = 0;
    for (let node = this.index.leafOf[chunk]!; node >= 0 && this.seen[node] === 0; node = this.index.parentOf[node]!) {
      this.seen[node] = 1;
      bytes += this.index.nodeBytes;
    }
    this.bytes += bytes;
    return bytes;
  }
}
