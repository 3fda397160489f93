import { describe, expect, it } from "vitest";
import { formatSize, parseSize } from "../../src/util/sizes.js";

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
  });
});
