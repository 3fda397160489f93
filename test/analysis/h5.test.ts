import { describe, expect, it } from "vitest";
import { detectH5, primeAtLeast } from "../../src/analysis/detectors/h5.js";
import type { H5ConfigResult, H5Results } from "../../src/store/h5-results-schema.js";

function config(id: number, nbytes: number, hitRate: number, samplesPerS: number | null): H5ConfigResult {
  const epoch = {
    hitRate,
    chunkReads: 100,
    hits: Math.round(hitRate * 100),
    misses: 100 - Math.round(hitRate * 100),
    bypasses: 0,
    bytesFetched: 1e6,
    bytesDelivered: 1e6,
    readAmplification: 1,
  };
  const live =
    samplesPerS === null
      ? null
      : ({
          wallS: 1,
          samplesPerS,
          deliveredMBPerS: 1,
          measuredBytes: 1,
          storageBytes: 0,
          simulatedBytes: 1,
          difference: 0,
          agrees: true,
          telemetry: {},
        } as unknown as H5ConfigResult["live"]);
  return {
    id,
    file: 0,
    cache: { nbytes, nslots: 521, w0: 0.75 },
    access: "random",
    workers: 1,
    simulated: { epochs: [epoch, epoch], peakCacheBytes: nbytes },
    live,
    notes: [],
    error: null,
  };
}

function study(configs: H5ConfigResult[], fits = true): H5Results {
  return {
    schemaVersion: 1,
    kind: "gpuprof.h5",
    tool: { name: "gpuprof", version: "0" },
    startedAt: "",
    finishedAt: null,
    interrupted: false,
    settings: { batch: 64, epochs: 2, seed: 0, windowChunks: 4, targetHitRate: 0.9, trace: null },
    files: [
      {
        path: "/d.h5",
        dataset: "/images",
        origin: "synthetic",
        shape: [1000, 3, 218, 178],
        chunks: [100, 3, 218, 178],
        compression: "none",
        chunkCount: 10,
        chunkBytes: 11641200,
        storedChunkBytes: 11641200,
        fileBytes: 116412000,
        fitsInPageCache: fits,
      },
    ],
    configs,
    smallestCache: [],
    notes: [],
  };
}

describe("HDF5 detector", () => {
  it("suggests a prime about 100 times the chunks that fit", () => {
    expect(primeAtLeast(500)).toBe(503);
    expect(primeAtLeast(2)).toBe(2);
    const f = detectH5(study([config(1, 1024 ** 2, 0, 900), config(2, 64 * 1024 ** 2, 0.95, 1000)]));
    // 64 MiB holds 5 chunks of 11.6 MB: 500 -> 503.
    expect(f.evidence["chunksThatFit"]).toBe(5);
    expect(f.evidence["suggestedSlots"]).toBe(503);
    expect(f.summary).toContain("rdcc_nbytes=67108864, rdcc_nslots=503");
    expect(f.verdict).toBe("none");
  });

  it("says when caching does not pay: a configuration with fewer hits was faster on page-cached data", () => {
    const f = detectH5(study([config(1, 1024 ** 2, 0, 2000), config(2, 64 * 1024 ** 2, 0.95, 1000)]));
    expect(f.verdict).toBe("issue");
    expect(f.summary).toMatch(/configuration 1 was faster here .*page-cached/);
  });

  it("has nothing to judge without chunked configurations", () => {
    const c = config(1, 1024 ** 2, 0, 100);
    expect(detectH5(study([{ ...c, simulated: null }])).verdict).toBe("insufficient-data");
  });
});
