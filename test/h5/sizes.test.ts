import { describe, expect, it } from "vitest";
import { cacheSettings, describeCacheChoice, parseCacheChoice, type CacheChoice } from "../../src/h5/cache-choice.js";
import { formatSize, parseSize, parseSizeShown } from "../../src/util/sizes.js";

describe("sizes with units", () => {
  it("reads 1024-based and 1000-based units and plain bytes", () => {
    expect(parseSize("1MiB")).toBe(1048576);
    expect(parseSize("1.5 GiB")).toBe(1.5 * 1024 ** 3);
    expect(parseSize("64mb")).toBe(64e6);
    expect(parseSize("4096")).toBe(4096);
    expect(parseSize("2KB")).toBe(2000);
  });

  it("refuses zero, negatives, unknown units and words", () => {
    for (const bad of ["0", "0MiB", "-1MiB", "1 parsec", "lots", "", "1e6"]) expect(parseSize(bad)).toBeNull();
  });

  it("writes sizes back in the family they came from", () => {
    expect(formatSize(1048576)).toBe("1 MiB");
    expect(formatSize(64e6)).toBe("64 MB");
    expect(formatSize(512)).toBe("512 B");
    // 1.5 MiB is not 1.57 MB.
    expect(formatSize(1.5 * 1024 ** 2)).toBe("1.5 MiB");
    expect(formatSize(7680)).toBe("7.5 KiB");
    expect(formatSize(1.5e6)).toBe("1.5 MB");
    expect(formatSize(1164120)).toBe("1.16 MB");
  });

  it("keeps the units the user wrote, for the echo", () => {
    expect(parseSizeShown("1.5MiB")).toEqual({ bytes: 1572864, shown: "1.5 MiB" });
    expect(parseSizeShown("1536 kib")).toEqual({ bytes: 1572864, shown: "1536 KiB" });
    expect(parseSizeShown("2gb")).toEqual({ bytes: 2e9, shown: "2 GB" });
  });
});

describe("chunk-cache choices (--cache, --slots)", () => {
  const choice = (raw: string): CacheChoice => parseCacheChoice(raw)!;

  it("names HDF5's defaults as a size and a slot count together", () => {
    expect(choice("hdf5-2")).toMatchObject({ nbytes: 8 * 1024 ** 2, nslots: 8191 });
    expect(choice("HDF5-1")).toMatchObject({ nbytes: 1024 ** 2, nslots: 521 });
    expect(cacheSettings([choice("hdf5-2")], [521], false, 0.75)).toEqual([{ nbytes: 8 * 1024 ** 2, nslots: 8191, w0: 0.75 }]);
    // The two real defaults, not four mixed pairs.
    expect(cacheSettings([choice("hdf5-1"), choice("hdf5-2")], [521], false, 0.75).map((p) => [p.nbytes, p.nslots])).toEqual([
      [1024 ** 2, 521],
      [8 * 1024 ** 2, 8191],
    ]);
  });

  it("crosses plain sizes with --slots, and refuses --slots with a named default", () => {
    const pairs = cacheSettings([choice("64KiB"), choice("hdf5-2")], [101, 521], false, 0.5);
    expect(pairs.map((p) => [p.nbytes, p.nslots])).toEqual([
      [65536, 101],
      [65536, 521],
      [8 * 1024 ** 2, 8191],
    ]);
    expect(() => cacheSettings([choice("hdf5-2")], [7], true, 0.75)).toThrow(
      /--cache hdf5-2 is HDF5's default size and slot count together.*drop --slots/,
    );
    expect(parseCacheChoice("lots")).toBeNull();
  });

  it("echoes each choice in the units given", () => {
    expect(describeCacheChoice(choice("1.5MiB"))).toBe("1.5 MiB (1,572,864 bytes)");
    expect(describeCacheChoice(choice("4096"))).toBe("4,096 bytes");
    expect(describeCacheChoice(choice("hdf5-2"))).toBe("hdf5-2 (8 MiB, 8191 slots)");
  });
});
