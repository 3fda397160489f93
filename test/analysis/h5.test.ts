import { analyseH5 } from "../../src/analysis/analyse-h5.js";
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { detectH5, primeAtLeast } from "../../src/analysis/detectors/h5.js";
import { renderH5Results } from "../../src/report/h5-text.js";
import { tempDir } from "../helpers.js";
import { h5Config, h5Study } from "./study-cases.js";
import type { H5ConfigResult, H5Results } from "../../src/store/h5-results-schema.js";

const config = h5Config;
const study = (configs: H5ConfigResult[], fits = true): H5Results => h5Study(configs, { fits });

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

  it("says when no cache studied reaches the target, and advises the smallest that does instead of the swept size", () => {
    const r = study([config(1, 1024 ** 2, 0.005, 900), config(2, 8 * 1024 ** 2, 0.08, 950)]);
    r.smallestCache = [{ file: 0, access: "random", workers: 1, nbytes: 24 * 1024 ** 2 }];
    const f = detectH5(r);
    expect(f.verdict).toBe("issue");
    expect(f.summary).toMatch(
      /No cache studied reaches the 90% target; the smallest that does in this order, by the smallest-cache search, is 25165824 bytes/,
    );
    expect(f.recommend[0]).toMatchObject({
      values: expect.objectContaining({ nbytes: "25165824" }),
      gain: "90% or more chunk hits once warm (simulated), 950 samples/s measured",
    });
    r.smallestCache = [{ file: 0, access: "random", workers: 1, nbytes: null }];
    expect(detectH5(r).summary).toMatch(/none would in this order .* change the chunk shape or the access order rather than the cache/);
  });

  it("advises the smallest cache reaching the target, not a bigger one the sweep happened to try", () => {
    const r = study([config(1, 64 * 1024 ** 2, 1, 1000)]);
    r.smallestCache = [{ file: 0, access: "random", workers: 1, nbytes: 32 * 1024 ** 2 }];
    const f = detectH5(r);
    expect(f.summary).toMatch(/A smaller cache, 33554432 bytes, already reaches the 90% target/);
    expect(f.summary).toContain("rdcc_nbytes=33554432");
  });

  it("does not let one noisy speed reading pick among configurations with the same hits", () => {
    // Same hits; 1 GiB read 1.12x faster than 64 MiB in one run each: the leaner cache is kept.
    const f = detectH5(study([config(1, 64 * 1024 ** 2, 0.99, 7500), config(2, 1024 ** 3, 0.99, 8400)]));
    expect(f.evidence["bestConfig"]).toBe(1);
    // A clear gap (1.5x) does decide.
    expect(detectH5(study([config(1, 64 * 1024 ** 2, 0.99, 5000), config(2, 1024 ** 3, 0.99, 7500)])).evidence["bestConfig"]).toBe(2);
  });

  it("never counts more chunks in the cache than the file has", () => {
    // 1 GiB over a 10-chunk, 116 MB file: 10 chunks (not 92), so 1009 slots (not 9203).
    const f = detectH5(study([config(1, 1024 ** 3, 1, 500)]));
    expect(f.evidence["chunksThatFit"]).toBe(10);
    expect(f.evidence["suggestedSlots"]).toBe(1009);
    expect(f.summary).toContain("with 10 chunks cached per worker");
  });

  it("says when caching does not pay: a configuration with fewer hits was clearly faster on page-cached data", () => {
    const f = detectH5(study([config(1, 1024 ** 2, 0, 2000), config(2, 64 * 1024 ** 2, 0.95, 1000)]));
    expect(f.verdict).toBe("issue");
    expect(f.evidence["cachingPays"]).toBe("no");
    expect(f.summary).toMatch(/configuration 1 was faster here \(2000 against 1000 samples\/s, 2\.00x; one run each.*page-cached/);
  });

  it("does not rest that claim on a gap one run each cannot tell from noise", () => {
    const f = detectH5(study([config(1, 1024 ** 2, 0, 1150), config(2, 64 * 1024 ** 2, 0.95, 1000)]));
    expect(f.verdict).toBe("none");
    expect(f.evidence["cachingPays"]).toBe("unclear");
    expect(f.summary).toMatch(/1\.15x.*not evidence against caching; re-run/);
    expect(detectH5(study([config(1, 1024 ** 2, 0, 1040), config(2, 64 * 1024 ** 2, 0.95, 1000)])).evidence["cachingPays"]).toBe("yes");
  });

  it("never says 'fewer hits' of a faster configuration with the same hits", () => {
    // The leaner cache is picked; the bigger one, with the very same hits, read 1.06x faster in one run.
    const f = detectH5(study([config(1, 64 * 1024 ** 2, 0.99, 1000), config(2, 1024 ** 3, 0.99, 1060)]));
    expect(f.evidence).toMatchObject({ bestConfig: 1, fastestMeasuredConfig: 2, cachingPays: "unclear" });
    expect(f.summary).toMatch(
      /Configuration 2, with the same hits, was faster here \(1060 against 1000 samples\/s, 1\.06x.*not the cache's/,
    );
    expect(f.summary).not.toMatch(/fewer hits/);
  });

  it("warns that sequential order does not shuffle, and names the chunk-shuffle configuration to train with", () => {
    const f = detectH5(
      study([
        config(1, 64 * 1024 ** 2, 1, 3000, "sequential"),
        config(2, 64 * 1024 ** 2, 0.97, 1000, "chunk-shuffle"),
        config(3, 1024 ** 2, 0, 900),
      ]),
    );
    expect(f.evidence["bestConfig"]).toBe(1);
    expect(f.summary).toMatch(/Sequential order does not shuffle.*Train with chunk-shuffle: configuration 2 reaches 97\.0% hits/);
    expect((f.recommend[0]!.values as Record<string, string>)["pays"]).toContain("does not shuffle");
    const alone = detectH5(study([config(1, 64 * 1024 ** 2, 1, 3000, "sequential")]));
    expect(alone.summary).toContain("study --access chunk-shuffle");
  });

  it("the terminal's Pick line is the verdict's choice, with the verdict's slots", () => {
    const results = study([config(1, 1024 ** 2, 0, 900), config(2, 64 * 1024 ** 2, 0.95, 1000)]);
    const text = renderH5Results(results, tempDir(), "/", new Chalk({ level: 0 }), analyseH5(results));
    const pick = text.split("\n").find((l) => l.startsWith("Pick:"))!;
    expect(pick).toMatch(
      /^Pick: \[2\] chunk 100x3x218x178, cache 64 MiB, random order; h5py chunks=\(100, 3, 218, 178\), rdcc_nbytes=67108864, rdcc_nslots=503/,
    );
    expect(text).toContain("Verdict (settled): Configuration 2");
  });

  it("has nothing to judge without chunked configurations", () => {
    const c = config(1, 1024 ** 2, 0, 100);
    expect(detectH5(study([{ ...c, simulated: null }])).verdict).toBe("insufficient-data");
  });
});
