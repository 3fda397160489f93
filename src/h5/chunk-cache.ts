import type { ChunkGeometry } from "./chunk-geometry.js";

/** HDF5's raw-data chunk cache settings (H5Pset_chunk_cache). */
export interface CacheParams {
  nbytes: number;
  nslots: number;
  w0: number;
}

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
  readonly stats = { reads: 0, hits: 0, misses: 0, bypasses: 0, bytesFetched: 0, evictions: 0 };

  constructor(private readonly options: ChunkCacheOptions) {
    const { geometry, params } = options;
    if (params.nslots < 1) throw new RangeError("nslots must be at least 1");
    this.slots = new Array<Entry | null>(params.nslots).fill(null);
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
    const { geometry, params, compressed, storedChunkBytes } = this.options;
    const chunkBytes = geometry.chunkBytes;
    this.stats.reads++;
    if (!compressed && chunkBytes > params.nbytes) {
      this.stats.bypasses++;
      this.stats.bytesFetched += selectedBytes;
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
    this.stats.bytesFetched += storedChunkBytes;
    if (chunkBytes > params.nbytes) return "miss-uncached";
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
    const p: (Entry | null)[] = [this.head, null];
    const n: (Entry | null)[] = [null, null];
    while ((p[0] || p[1]) && this.bytesUsed + incoming > total) {
      if (w === 0) p[1] = this.head;
      n[0] = p[0] ? p[0].next : null;
      n[1] = p[1] ? p[1].next : null;
      for (let i = 0; i < 2 && this.bytesUsed + incoming > total; i++) {
        let cur: Entry | null = null;
        if (i === 0 && p[0] && p[0].unread === 0) cur = p[0];
        else if (i === 1 && p[1]) cur = p[1];
        if (!cur) continue;
        for (let j = 0; j < 2; j++) {
          if (p[j] === cur) p[j] = null;
          if (n[j] === cur) n[j] = cur.next;
        }
        this.evict(cur);
      }
      p[0] = n[0];
      p[1] = n[1];
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
    this.bytesUsed -= this.options.geometry.chunkBytes;
    this.stats.evictions++;
    this.options.onEvict?.(entry.chunk);
  }
}
