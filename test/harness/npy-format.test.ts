import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NpyFormatError, npyHeaderUint8, parseNpyHeader } from "../../src/harness/dataset/npy-format.js";
import { root } from "../helpers.js";

const npy = (name: string): Buffer => readFileSync(join(root, "fixtures", "npy", name));

describe("parseNpyHeader on files NumPy wrote", () => {
  it("reads dtype, order, shape and the data offset of a uint8 image array", () => {
    const file = npy("uint8_4x3x5x6.npy");
    const header = parseNpyHeader(file);
    expect(header).toEqual({ descr: "|u1", fortranOrder: false, shape: [4, 3, 5, 6], dataOffset: 128 });
    expect(file.length - header.dataOffset).toBe(360);
    // The data after the header is the array NumPy saved: (i % 251).
    expect(file[header.dataOffset + 300]).toBe(300 % 251);
  });

  it("reads version 2.0 headers (4-byte length)", () => {
    const header = parseNpyHeader(npy("uint8_v2_2x2x2.npy"));
    expect(header.shape).toEqual([2, 2, 2]);
    expect(npy("uint8_v2_2x2x2.npy")[header.dataOffset + 7]).toBe(7);
  });

  it("reports float32, Fortran order and scalar shapes as they are", () => {
    expect(parseNpyHeader(npy("float32_2x3.npy")).descr).toBe("<f4");
    expect(parseNpyHeader(npy("uint8_fortran_3x4.npy")).fortranOrder).toBe(true);
    expect(parseNpyHeader(npy("uint8_scalar.npy")).shape).toEqual([]);
  });

  it("rejects files that are not .npy and truncated headers", () => {
    expect(() => parseNpyHeader(Buffer.from("PK\x03\x04 a zip file"))).toThrow(/not a NumPy/);
    expect(() => parseNpyHeader(npy("uint8_4x3x5x6.npy").subarray(0, 40))).toThrow(/truncated/);
  });

  it("never throws anything but NpyFormatError on arbitrary bytes", () => {
    const magic = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, withMagic) => {
        const input = withMagic ? Buffer.concat([magic, Buffer.from(bytes)]) : Buffer.from(bytes);
        try {
          parseNpyHeader(input);
        } catch (err) {
          expect(err).toBeInstanceOf(NpyFormatError);
        }
      }),
    );
  });
});

describe("npyHeaderUint8", () => {
  it("writes a header NumPy's own layout matches byte for byte", () => {
    const fromNumpy = npy("uint8_4x3x5x6.npy").subarray(0, 128);
    expect(npyHeaderUint8([4, 3, 5, 6]).equals(fromNumpy)).toBe(true);
  });
});
