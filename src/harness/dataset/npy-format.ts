/**
 * The NumPy .npy format (version 1.0-3.0): magic, version, header length, a Python-literal dict
 * header, then the raw array. Only what a loader needs: dtype, order and shape.
 */
const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

export interface NpyHeader {
  /** NumPy dtype string, e.g. "|u1" for uint8, "<f4" for float32. */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Bytes before the array data: magic, version, length field and header text. */
  dataOffset: number;
}

export class NpyFormatError extends Error {}

/** Parses the header from the first bytes of a file (4 KiB is plenty for any real header). */
export function parseNpyHeader(head: Buffer): NpyHeader {
  if (head.length < 10 || !head.subarray(0, 6).equals(MAGIC)) throw new NpyFormatError("not a NumPy .npy file (no \\x93NUMPY magic)");
  const major = head[6]!;
  let headerLength: number;
  let textStart: number;
  if (major === 1) {
    headerLength = head.readUInt16LE(8);
    textStart = 10;
  } else if (major === 2 || major === 3) {
    if (head.length < 12) throw new NpyFormatError("truncated .npy header");
    headerLength = head.readUInt32LE(8);
    textStart = 12;
  } else {
    throw new NpyFormatError(`unknown .npy format version ${major}`);
  }
  if (head.length < textStart + headerLength) throw new NpyFormatError("truncated .npy header");
  const text = head.toString("latin1", textStart, textStart + headerLength);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyFormatError("the .npy header lacks descr, fortran_order or shape");
  }
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0)) throw new NpyFormatError(`bad shape (${shapeText}) in the .npy header`);
  return { descr, fortranOrder: fortran === "True", shape, dataOffset: textStart + headerLength };
}

/** A version 1.0 header for a C-order uint8 array, padded so the data starts on a 64-byte boundary as NumPy does. */
export function npyHeaderUint8(shape: readonly number[]): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let text = `{'descr': '|u1', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + text.length + 1;
  text += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const head = Buffer.alloc(10 + text.length);
  MAGIC.copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(text.length, 8);
  head.write(text, 10, "latin1");
  return head;
}
