import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { epochOrder } from "../../src/h5/access-order.js";
import { ChunkCacheModel, type CacheParams } from "../../src/h5/chunk-cache.js";
import { ChunkGeometry, encodeBits } from "../../src/h5/chunk-geometry.js";
import type { ChunkIndex } from "../../src/h5/chunk-index.js";
import { SieveBufferModel } from "../../src/h5/sieve-buffer.js";
import { simulate } from "../../src/h5/simulate.js";

/** A 1-D dataset of `chunks` chunks of one 100-byte sample each. */
function oneSampleChunks(chunks: number, params: Partial<CacheParams>, onEvict?: (c: number) => void) {
  const geometry = new ChunkGeometry({ datasetShape: [chunks, 100], chunkShape: [1, 100], elementBytes: 1 });
  return new ChunkCacheModel({
    geometry,
    params: { nbytes: 1e9, nslots: 1009, w0: 0.75, ...params },
    compressed: false,
    storedChunkBytes: 100,
    onEvict,
  });
}

describe("HDF5 chunk-cache model, hand-worked traces", () => {
  it("a slot collision evicts the occupant even with room to spare", () => {
    const evicted: number[] = [];
    const cache = oneSampleChunks(10, { nslots: 2 }, (c) => evicted.push(c));
    expect(cache.access(0, 100)).toBe("miss");
    expect(cache.access(2, 100)).toBe("miss"); // 2 mod 2 = slot 0, like chunk 0
    expect(evicted).toEqual([0]);
    expect(cache.access(1, 100)).toBe("miss"); // slot 1: no eviction
    expect(cache.access(0, 100)).toBe("miss");
    expect(cache.residentChunks).toBe(2);
  });

  it("nslots = 1 keeps a single chunk", () => {
    const cache = oneSampleChunks(5, { nslots: 1 });
    for (const c of [0, 1, 0, 1]) expect(cache.access(c, 100)).toBe("miss");
    expect(cache.residentChunks).toBe(1);
    expect(cache.access(1, 100)).toBe("hit");
  });

  it("w0 = 1 with nothing fully read evicts nothing and the cache outgrows nbytes; w0 = 0 evicts from the head", () => {
    for (const [w0, resident] of [
      [1, 3],
      [0, 2],
    ] as const) {
      const cache = oneSampleChunks(5, { nbytes: 200, w0 });
      // Read only half of each chunk: none is fully read.
      for (const c of [0, 1, 2]) cache.access(c, 50);
      expect(cache.residentChunks).toBe(resident);
      if (w0 === 0) expect(cache.isResident(0)).toBe(false);
    }
  });

  it("fully read chunks go first, before the head", () => {
    const cache = oneSampleChunks(5, { nbytes: 200, w0: 1 });
    cache.access(0, 50); // head, half read
    cache.access(1, 100); // fully read
    cache.access(2, 50);
    expect(cache.isResident(0)).toBe(true);
    expect(cache.isResident(1)).toBe(false);
  });

  it("a hit moves a chunk one place towards the tail, not to the end (not LRU)", () => {
    const cache = oneSampleChunks(5, { nbytes: 300, w0: 0.75 });
    for (const c of [0, 1, 2]) cache.access(c, 100); // list 0 1 2, all fully read
    cache.access(2, 100); // at the tail: stays    -> 0 1 2
    cache.access(0, 100); // swaps with 1          -> 1 0 2
    cache.access(1, 100); // swaps with 0          -> 0 1 2
    cache.access(3, 100); // prune from the head: 0 goes (an LRU would evict 2)
    expect(cache.isResident(0)).toBe(false);
    expect(cache.isResident(2)).toBe(true);
  });

  it("an uncompressed chunk larger than the cache bypasses it and reads only the selection", () => {
    const cache = oneSampleChunks(3, { nbytes: 99 });
    expect(cache.access(0, 40)).toBe("bypass");
    expect(cache.access(0, 40)).toBe("bypass");
    expect(cache.stats.bytesFetched).toBe(80);
    expect(cache.residentChunks).toBe(0);
  });

  it("a compressed chunk larger than the cache is read whole every time and never kept", () => {
    const geometry = new ChunkGeometry({ datasetShape: [4, 100], chunkShape: [2, 100], elementBytes: 1 });
    const cache = new ChunkCacheModel({ geometry, params: { nbytes: 150, nslots: 7, w0: 0.75 }, compressed: true, storedChunkBytes: 60 });
    expect(cache.access(0, 100)).toBe("miss-uncached");
    expect(cache.access(0, 100)).toBe("miss-uncached");
    expect(cache.stats.bytesFetched).toBe(120);
    expect(cache.residentChunks).toBe(0);
  });

  it("hashes multi-dimensional chunk coordinates with per-dimension bit shifts", () => {
    expect([1, 2, 3, 4, 5, 8, 9].map(encodeBits)).toEqual([0, 1, 2, 2, 3, 3, 4]);
    // 8 x 4 x 6 in chunks of 2 x 2 x 3: 4 x 2 x 2 chunks, 1 bit for each of dims 1 and 2.
    const g = new ChunkGeometry({ datasetShape: [8, 4, 6], chunkShape: [2, 2, 3], elementBytes: 1 });
    expect(g.chunksPerDim).toEqual([4, 2, 2]);
    expect(g.scaled(7)).toEqual([1, 1, 1]);
    // ((1 << 1) ^ 1) << 1 ^ 1 = 7
    expect(g.slotOf(7, 1009)).toBe(7);
    expect(g.slotOf(7, 5)).toBe(2);
    // 3 chunks along dim 1 take 2 bits: (2 << 2) ^ 2 = 10 for scaled (2, 2).
    const h = new ChunkGeometry({ datasetShape: [6, 9], chunkShape: [2, 3], elementBytes: 1 });
    expect(h.slotOf(2 * 3 + 2, 1009)).toBe(10);
    // A sample spans every chunk of the other dimensions, with its share of bytes in each.
    expect(g.chunksPerSample).toBe(4);
    expect([0, 1, 2, 3].map((k) => g.sampleBytesInChunk(k))).toEqual([6, 6, 6, 6]);
    expect(g.chunkOf(5, 3)).toBe(2 * 4 + 3);
  });
});

describe("what HDF5 reads besides chunk data", () => {
  it("each chunk costs its own stored size, and a lookup reads each B-tree node on its path once per open file", () => {
    // 4 chunks of 100 bytes (compressed to 10, 20, 0 = never written, 40); leaves 1 and 2 under root 0.
    const index: ChunkIndex = {
      sizes: Uint32Array.from([10, 20, 0, 40]),
      leafOf: Int32Array.from([1, 1, 2, 2]),
      parentOf: Int32Array.from([-1, 0, 0]),
      nodeBytes: 1000,
    };
    const geometry = new ChunkGeometry({ datasetShape: [4, 100], chunkShape: [1, 100], elementBytes: 1 });
    const cache = new ChunkCacheModel({
      geometry,
      params: { nbytes: 150, nslots: 7, w0: 0.75 },
      compressed: true,
      storedChunkBytes: 999,
      index,
    });
    const fetched = (chunk: number): number => {
      const before = cache.stats.bytesFetched;
      cache.access(chunk, 100);
      return cache.stats.bytesFetched - before;
    };
    expect(fetched(0)).toBe(10 + 2000); // root and leaf 1
    expect(fetched(0)).toBe(0); // a hit: no lookup
    expect(fetched(1)).toBe(20); // leaf 1 already read
    expect(fetched(3)).toBe(40 + 1000); // leaf 2; the root was read
    expect(fetched(2)).toBe(0); // never written: fill value, nothing read
    expect(cache.stats.indexBytes).toBe(3000);
  });

  it("the sieve buffer of a contiguous dataset: 64 KiB from the read sample on, hits inside it, direct reads of big samples", () => {
    // 2000 samples of 192 bytes: a fill holds 341 whole samples (65,472 of its 65,536 bytes).
    const sieve = new SieveBufferModel(192, 2000);
    expect(sieve.access(10)).toBe("fill");
    expect(sieve.stats.bytesFetched).toBe(65536);
    expect(sieve.heldSamples()).toEqual([10, 351]);
    expect(sieve.access(350)).toBe("hit");
    expect(sieve.access(351)).toBe("fill"); // its last bytes lie past the buffer
    expect(sieve.access(9)).toBe("fill"); // before the buffer's start
    // Near the end the buffer holds only what is left of the dataset.
    expect(sieve.access(1990)).toBe("fill");
    expect(sieve.stats.bytesFetched).toBe(3 * 65536 + 10 * 192);
    // A random epoch of small samples reads about 64 KiB per sample: 2000 x 192 bytes are far from it.
    const random = new SieveBufferModel(192, 2000);
    for (const i of epochOrder("random", 2000, 1, 0, 1, 1)) random.access(i);
    expect(random.stats.bytesFetched).toBeGreaterThan(100 * 2000 * 192);
    // Samples larger than the buffer are read directly, just their bytes, and leave it as it was.
    const big = new SieveBufferModel(70000, 10);
    expect([big.access(3), big.access(3)]).toEqual(["direct", "direct"]);
    expect(big.stats.bytesFetched).toBe(140000);
    // The buffer is never larger than the dataset.
    const tiny = new SieveBufferModel(100, 5);
    expect(tiny.access(0)).toBe("fill");
    expect(tiny.stats.bytesFetched).toBe(500);
    expect(tiny.access(4)).toBe("hit");
  });
});

describe("HDF5 chunk-cache model, properties", () => {
  const arbitraryCase = fc.record({
    n: fc.integer({ min: 1, max: 60 }),
    c0: fc.integer({ min: 1, max: 8 }),
    width: fc.integer({ min: 1, max: 9 }),
    c1: fc.integer({ min: 1, max: 9 }),
    nbytes: fc.integer({ min: 1, max: 2000 }),
    nslots: fc.integer({ min: 1, max: 50 }),
    w0: fc.double({ min: 0, max: 1, noNaN: true }),
    compressed: fc.boolean(),
    trace: fc.array(fc.nat(), { maxLength: 200 }),
  });

  it("hits + misses + bypasses = reads, and bytes fetched = misses x stored chunk + bypassed selections", () => {
    fc.assert(
      fc.property(arbitraryCase, (t) => {
        const geometry = new ChunkGeometry({ datasetShape: [t.n, t.width], chunkShape: [t.c0, Math.min(t.c1, t.width)], elementBytes: 1 });
        const stored = t.compressed ? Math.ceil(geometry.chunkBytes / 2) : geometry.chunkBytes;
        const cache = new ChunkCacheModel({
          geometry,
          params: { nbytes: t.nbytes, nslots: t.nslots, w0: t.w0 },
          compressed: t.compressed,
          storedChunkBytes: stored,
        });
        let bypassed = 0;
        for (const raw of t.trace) {
          const sample = raw % t.n;
          for (let k = 0; k < geometry.chunksPerSample; k++) {
            const outcome = cache.access(geometry.chunkOf(sample, k), geometry.sampleBytesInChunk(k));
            if (outcome === "bypass") bypassed += geometry.sampleBytesInChunk(k);
          }
        }
        const s = cache.stats;
        expect(s.hits + s.misses + s.bypasses).toBe(s.reads);
        expect(s.bytesFetched).toBe(s.misses * stored + bypassed);
        expect(cache.residentChunks).toBeLessThanOrEqual(t.nslots);
      }),
    );
  });

  it("a cache that holds the whole dataset, with a slot for every chunk, hits everything after the first epoch", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom("random", "sequential", "chunk-shuffle" as const),
        (n, c0, order) => {
          const geometry = new ChunkGeometry({ datasetShape: [n, 3, 4], chunkShape: [c0, 3, 2], elementBytes: 1 });
          const epochs = [0, 1, 2].map((e) => epochOrder(order, n, c0, e, 1, 2));
          const result = simulate({
            geometry,
            params: { nbytes: geometry.chunkBytes * geometry.chunkCount, nslots: 4096, w0: 0.75 },
            compressed: false,
            storedChunkBytes: geometry.chunkBytes,
            epochs,
            batch: 5,
            workers: 1,
          });
          expect(result.epochs[0]!.misses).toBe(geometry.chunkCount);
          expect(result.epochs[1]!.misses).toBe(0);
          expect(result.epochs[2]!.hits).toBe(result.epochs[2]!.chunkReads);
        },
      ),
    );
  });
});

describe("access orders", () => {
  it("every order visits every sample once per epoch; chunk-shuffle keeps windows of chunks together", () => {
    for (const order of ["random", "sequential", "chunk-shuffle"] as const) {
      const e = epochOrder(order, 103, 10, 1, 3, 2);
      expect([...e].sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    }
    const windows = epochOrder("chunk-shuffle", 100, 10, 0, 3, 2);
    for (let w = 0; w < 100; w += 20) expect(new Set(windows.slice(w, w + 20).map((i) => Math.floor(i / 10))).size).toBeLessThanOrEqual(2);
  });
});
