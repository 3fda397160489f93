import type { ChunkGeometry } from "./chunk-geometry.js";
import type { ChunkIndex } from "./chunk-index.js";
import { IndexReads } from "./index-reads.js";

/** HDF5's raw-data chunk cache settings (H5Pset_chunk_cache). */
export interface CacheParams {
  nbytes: number;
  nslots: number;
  w0: number;
}

/** HDF5's defaults by name (--cache hdf5-1, hdf5-2): a size and a slot count that go together. */
export const CACHE_PRESETS: Record<string, CacheParams> = {
  /** HDF5 1.x (through 1.14) and h5py's defaults. */
  "hdf5-1": { nbytes: 1024 * 1024, nslots: 521, w0: 0.75 },
  /** HDF5 2.0. */
  "hdf5-2": { nbytes: 8 * 1024 * 1024, nslots: 8191, w0: 0.75 },
};

export type Outcome = "hit" | "miss" | "miss-uncached" | "bypass";

interface Entry {
  chunk: number;
  slot: number;
  /** Bytes of the chunk not yet read (HDF5's rd_count): a fully read chunk is evicted first. */
  unread: number;
  prev: Entry | null;
  next: Entry | null;
}

export interface ChunkCacheOptions {
  geometry: ChunkGeometry;
  params: CacheParams;
  /** Chunks are compressed: read and decompressed whole, never bypassed. */
  compressed: boolean;
  /** Bytes a chunk occupies in the file (its compressed size when compressed). */
  storedChunkBytes: number;
  /**
   * The file's chunk index, when it could be read: each chunk's stored size (used instead of
   * storedChunkBytes) and the B-tree nodes a lookup reads, counted in bytesFetched like HDF5 reads them.
   */
  index?: ChunkIndex | null;
  /** Told when a chunk leaves the cache, so a live cache can drop its buffer. */
  onEvict?(chunk: number): void;
}

/**
 * HDF5's raw-data chunk cache (H5Dchunk.c), rule for rule:
 * - a chunk's slot is its hashed scaled coordinates modulo nslots, one chunk per slot: loading a
 *   chunk into an occupied slot evicts the occupant even when there is room;
 * - new chunks join the tail of a list; a hit moves the chunk one place towards the tail;
 * - to make room, two cursors walk from the head: the first evicts only fully read chunks, the
 *   second evicts anything and starts after floor(w0 x chunks resident) steps;
 * - an uncompressed chunk larger than the cache bypasses it (only the selected bytes are read);
 *   a compressed one is read whole every time and not kept.
 */
export class ChunkCacheModel {
  private head: Entry | null = null;
  private tail: Entry | null = null;
  private readonly slots: (Entry | null)[];
  private readonly slotOfChunk: Int32Array;
  private nused = 0;
  private bytesUsed = 0;
  // Read once: access() runs millions of times in a simulation.
  private readonly chunkBytes: number;
  private readonly bypassAll: boolean;
  private readonly neverKept: boolean;
  private readonly storedChunkBytes: number;
  private readonly storedSizes: Uint32Array | null;
  private readonly indexReads: IndexReads | null;
  /** bytesFetched includes indexBytes, the chunk index's B-tree nodes read on lookups. */
  readonly stats = { reads: 0, hits: 0, misses: 0, bypasses: 0, bytesFetched: 0, indexBytes: 0, evictions: 0 };

  constructor(private readonly options: ChunkCacheOptions) {
    const { geometry, params } = options;
    if (params.nslots < 1) throw new RangeError("nslots must be at least 1");
    this.slots = new Array<Entry | null>(params.nslots).fill(null);
    this.chunkBytes = geometry.chunkBytes;
    this.bypassAll = !options.compressed && geometry.chunkBytes > params.nbytes;
    this.neverKept = geometry.chunkBytes > params.nbytes;
    this.storedChunkBytes = options.storedChunkBytes;
    this.storedSizes = options.index?.sizes ?? null;
    this.indexReads = options.index ? new IndexReads(options.index) : null;
    // Slots are computed once per chunk: the hash needs BigInt and the access path must stay fast.
    this.slotOfChunk = new Int32Array(geometry.chunkCount);
    for (let c = 0; c < geometry.chunkCount; c++) this.slotOfChunk[c] = geometry.slotOf(c, params.nslots);
  }

  get residentChunks(): number {
    return this.nused;
  }

  get residentBytes(): number {
    return this.bytesUsed;
  }

  isResident(chunk: number): boolean {
    return this.slots[this.slotOfChunk[chunk]!]?.chunk === chunk;
  }

  /** Reads `selectedBytes` of `chunk`; returns what happened and counts the bytes fetched from the file. */
  access(chunk: number, selectedBytes: number): Outcome {
    const chunkBytes = this.chunkBytes;
    this.stats.reads++;
    if (this.bypassAll) {
      this.stats.bypasses++;
      this.stats.bytesFetched += selectedBytes + this.lookup(chunk);
      return "bypass";
    }
    const slot = this.slotOfChunk[chunk]!;
    const found = this.slots[slot];
    if (found && found.chunk === chunk) {
      this.stats.hits++;
      found.unread = Math.max(0, found.unread - selectedBytes);
      this.moveTowardsTail(found);
      return "hit";
    }
    this.stats.misses++;
    this.stats.bytesFetched += (this.storedSizes ? this.storedSizes[chunk]! : this.storedChunkBytes) + this.lookup(chunk);
    if (this.neverKept) return "miss-uncached";
    if (found) this.evict(found);
    this.prune(chunkBytes);
    const entry: Entry = { chunk, slot, unread: Math.max(0, chunkBytes - selectedBytes), prev: this.tail, next: null };
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    this.slots[slot] = entry;
    this.nused++;
    this.bytesUsed += chunkBytes;
    return "miss";
  }

  /** A chunk not in the cache is found through the chunk index: the nodes this file has not read yet. */
  private lookup(chunk: number): number {
    if (!this.indexReads) return 0;
    const bytes = this.indexReads.lookup(chunk);
    this.stats.indexBytes += bytes;
    return bytes;
  }

  private moveTowardsTail(entry: Entry): void {
    const next = entry.next;
    if (!next) return;
    // Swap entry with the one after it.
    const prev = entry.prev;
    const after = next.next;
    if (prev) prev.next = next;
    else this.head = next;
    next.prev = prev;
    next.next = entry;
    entry.prev = next;
    entry.next = after;
    if (after) after.prev = entry;
    else this.tail = entry;
  }

  private prune(incoming: number): void {
    const total = this.options.params.nbytes;
    let w = Math.floor(this.nused * this.options.params.w0);
    // p0 walks for fully read chunks from the head; p1 evicts anything, starting w steps later.
    let p0: Entry | null = this.head;
    let p1: Entry | null = null;
    while ((p0 || p1) && this.bytesUsed + incoming > total) {
      if (w === 0) p1 = this.head;
      let n0: Entry | null = p0 ? p0.next : null;
      let n1: Entry | null = p1 ? p1.next : null;
      if (p0 && p0.unread === 0) {
        const cur: Entry = p0;
        if (p1 === cur) p1 = null;
        if (n1 === cur) n1 = cur.next;
        n0 = cur.next;
        p0 = null;
        this.evict(cur);
      }
      if (p1 && this.bytesUsed + incoming > total) {
        const cur: Entry = p1;
        if (p0 === cur) p0 = null;
        if (n0 === cur) n0 = cur.next;
        n1 = cur.next;
        p1 = null;
        this.evict(cur);
      }
      p0 = n0;
      p1 = n1;
      w--;
    }
  }

  private evict(entry: Entry): void {
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = entry.next = null;
    this.slots[entry.slot] = null;
    this.nused--;
    this.bytesUsed -= this.chunkBytes;
    this.stats.evictions++;
    this.options.onEvict?.(entry.chunk);
  }
}
