import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/**
 * A dataset's chunk index as HDF5 reads it: each chunk's stored size and the B-tree nodes a lookup
 * of it passes through. Chunk numbers are row-major over the chunk grid (ChunkGeometry's order).
 */
export interface ChunkIndex {
  /** Bytes each chunk occupies in the file (a compressed chunk's compressed size); 0 for one never written. */
  sizes: Uint32Array;
  /** The B-tree leaf node holding each chunk's entry (-1: none, e.g. a single-chunk index). */
  leafOf: Int32Array;
  /** Each node's parent (-1 for the root). */
  parentOf: Int32Array;
  /** Bytes HDF5 reads for a node: it reads nodes whole, however many entries they use. */
  nodeBytes: number;
}

/** Past this many chunks the index is not walked: reading it would cost more than it tells. */
const MAX_CHUNKS = 1_000_000;

/**
 * Reads a dataset's chunk index from the file.
 *
 * h5wasm has no H5Dget_chunk_info, and a compressed chunk's size varies with its contents, so the
 * chunk-cache model would otherwise price every miss at the file's average, metadata included; and
 * HDF5 reads each B-tree node of the index once per open file (then keeps it in its metadata cache),
 * which is most of what it reads besides chunks. This walks the HDF5 file format (superblock,
 * object headers, groups, the data layout message) to the version 1 B-tree that indexes the chunks
 * of datasets written with HDF5's default format bounds (h5py, h5wasm), whose keys carry each
 * chunk's stored size. Other chunk indexes (fixed and extensible arrays, version 2 B-trees of
 * libver="latest" files) and dense groups are not read: null, and the caller says what it estimates.
 */
export function readChunkIndex(path: string, datasetPath: string, datasetShape: number[], chunkShape: number[]): ChunkIndex | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    const file = new HdfBytes(fd);
    const objectHeader = findObject(file, datasetPath);
    if (objectHeader === null) return null;
    const layout = layoutOf(file, objectHeader);
    if (layout === null) return null;
    const chunksPerDim = datasetShape.map((n, d) => Math.ceil(n / chunkShape[d]!));
    const count = chunksPerDim.reduce((a, b) => a * b, 1);
    if (count > MAX_CHUNKS) return null;
    const sizes = new Uint32Array(count);
    const leafOf = new Int32Array(count).fill(-1);
    if (layout.kind === "single") {
      if (count !== 1) return null;
      sizes[0] = layout.size;
      return { sizes, leafOf, parentOf: new Int32Array(0), nodeBytes: 0 };
    }
    if (layout.dimensionality !== datasetShape.length + 1) return null;
    const parents: number[] = [];
    walkChunkBTree(file, layout.btree, layout.dimensionality, -1, parents, new Set(), (offsets, size, leaf) => {
      let linear = 0;
      for (let d = 0; d < datasetShape.length; d++) {
        const scaled = offsets[d]! / chunkShape[d]!;
        if (!Number.isInteger(scaled) || scaled < 0 || scaled >= chunksPerDim[d]!) throw new FormatProblem("chunk offset off the grid");
        linear = linear * chunksPerDim[d]! + scaled;
      }
      sizes[linear] = size;
      leafOf[linear] = leaf;
    });
    const keyBytes = 8 + 8 * layout.dimensionality;
    const k = file.chunkK;
    const nodeBytes = 8 + 2 * file.offsetSize + 2 * k * file.offsetSize + (2 * k + 1) * keyBytes;
    return { sizes, leafOf, parentOf: Int32Array.from(parents), nodeBytes };
  } catch {
    // Anything unexpected (a format variant not handled here, a damaged index): no exact sizes.
    return null;
  } finally {
    closeSync(fd);
  }
}

class FormatProblem extends Error {}

/** Bounded little-endian reads of an HDF5 file, with its addressing (size of offsets, base address). */
class HdfBytes {
  readonly size: number;
  offsetSize = 8;
  lengthSize = 8;
  /** K of chunk B-trees: HDF5's default unless a version 1 superblock says otherwise. */
  chunkK = 32;
  base = 0;
  rootHeader = 0;

  constructor(private readonly fd: number) {
    this.size = fstatSync(fd).size;
    this.readSuperblock();
  }

  read(address: number, length: number): Buffer {
    if (address < 0 || length < 0 || address + length > this.size) throw new FormatProblem("read past the end of the file");
    const buf = Buffer.alloc(length);
    readSync(this.fd, buf, 0, length, address);
    return buf;
  }

  /** An unsigned integer of `size` bytes at `pos` in `buf`; undefined addresses (all ones) are -1. */
  uint(buf: Buffer, pos: number, size: number): number {
    if (size === 1) return buf.readUInt8(pos);
    if (size === 2) return buf.readUInt16LE(pos);
    if (size === 4) return buf.readUInt32LE(pos);
    if (size === 8) {
      const value = buf.readBigUInt64LE(pos);
      if (value === 0xffffffffffffffffn) return -1;
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatProblem("address beyond 2^53");
      return Number(value);
    }
    throw new FormatProblem(`integer of ${size} bytes`);
  }

  /** A file address read at `pos`, made absolute (addresses count from the base address). */
  address(buf: Buffer, pos: number): number {
    const value = this.uint(buf, pos, this.offsetSize);
    return value === -1 ? -1 : value + this.base;
  }

  private readSuperblock(): void {
    const signature = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    let at = -1;
    for (let offset = 0; offset + 8 <= this.size; offset = offset === 0 ? 512 : offset * 2) {
      if (this.read(offset, 8).equals(signature)) {
        at = offset;
        break;
      }
    }
    if (at < 0) throw new FormatProblem("no signature");
    const head = this.read(at, Math.min(128, this.size - at));
    const version = head[8]!;
    if (version === 0 || version === 1) {
      this.offsetSize = head[13]!;
      this.lengthSize = head[14]!;
      if (version === 1) this.chunkK = head.readUInt16LE(24);
      let pos = version === 0 ? 24 : 28;
      this.base = this.uint(head, pos, this.offsetSize);
      pos += 4 * this.offsetSize; // base, free space, end of file, driver info
      // Root group symbol table entry: link name offset, object header address, cache type, reserved, scratch pad.
      pos += this.offsetSize;
      this.rootHeader = this.address(head, pos);
    } else if (version === 2 || version === 3) {
      this.offsetSize = head[9]!;
      this.lengthSize = head[10]!;
      this.base = this.uint(head, 12, this.offsetSize);
      this.rootHeader = this.address(head, 12 + 3 * this.offsetSize);
    } else {
      throw new FormatProblem(`superblock version ${version}`);
    }
  }
}

interface Message {
  type: number;
  data: Buffer;
}

/** The messages of an object header (version 1 or 2), continuation blocks followed. */
function headerMessages(file: HdfBytes, address: number): Message[] {
  const messages: Message[] = [];
  const first = file.read(address, Math.min(16, file.size - address));
  const blocks: [number, number][] = [];
  let v2: boolean;
  if (first.subarray(0, 4).toString("latin1") === "OHDR") {
    v2 = true;
    const flags = first[5]!;
    let pos = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const sizeBytes = 1 << (flags & 0x03);
    const head = file.read(address, pos + sizeBytes);
    const chunkSize = file.uint(head, pos, sizeBytes);
    pos += sizeBytes;
    blocks.push([address + pos, chunkSize]);
  } else if (first[0] === 1) {
    v2 = false;
    blocks.push([address + 16, first.readUInt32LE(8)]);
  } else {
    throw new FormatProblem("object header version");
  }
  const creationOrder = v2 && (file.read(address + 5, 1)[0]! & 0x04) !== 0;
  for (let b = 0; b < blocks.length && b < 1000; b++) {
    const [start, length] = blocks[b]!;
    const block = file.read(start, length);
    let pos = 0;
    const headerBytes = v2 ? 4 + (creationOrder ? 2 : 0) : 8;
    // A v2 block ends in a gap smaller than a message header; a continuation block starts with "OCHK" and ends in a checksum.
    const end = v2 && b > 0 ? length - 4 : length;
    if (v2 && b > 0) pos = 4;
    while (pos + headerBytes <= end) {
      const type = v2 ? block[pos]! : block.readUInt16LE(pos);
      const size = v2 ? block.readUInt16LE(pos + 1) : block.readUInt16LE(pos + 2);
      const data = block.subarray(pos + headerBytes, pos + headerBytes + size);
      pos += headerBytes + size;
      if (type === 0x10) {
        blocks.push([file.address(data, 0), file.uint(data, file.offsetSize, file.lengthSize)]);
      } else messages.push({ type, data });
    }
  }
  return messages;
}

/** The object header address of `path` ("/a/b"), following hard links through old- and new-style groups. */
function findObject(file: HdfBytes, path: string): number | null {
  let header = file.rootHeader;
  for (const name of path.split("/").filter((p) => p !== "")) {
    const messages = headerMessages(file, header);
    const table = messages.find((m) => m.type === 0x11);
    const found = table
      ? symbolTableLookup(file, { btree: file.address(table.data, 0), heap: file.address(table.data, file.offsetSize) }, name)
      : linkLookup(file, messages, name);
    if (found === null) return null;
    header = found;
  }
  return header;
}

/** A link in a compact new-style group (link messages); dense groups (fractal heaps) are not read. */
function linkLookup(file: HdfBytes, messages: Message[], name: string): number | null {
  const info = messages.find((m) => m.type === 0x02);
  if (info) {
    const flags = info.data[1]!;
    const heap = file.address(info.data, 2 + (flags & 0x01 ? 8 : 0));
    if (heap !== -1) throw new FormatProblem("dense group");
  }
  for (const m of messages.filter((x) => x.type === 0x06)) {
    const d = m.data;
    const flags = d[1]!;
    let pos = 2;
    let linkType = 0;
    if (flags & 0x08) linkType = d[pos++]!;
    if (flags & 0x04) pos += 8;
    if (flags & 0x10) pos += 1;
    const lengthBytes = 1 << (flags & 0x03);
    const length = file.uint(d, pos, lengthBytes);
    pos += lengthBytes;
    const linkName = d.subarray(pos, pos + length).toString("utf8");
    pos += length;
    if (linkName === name) return linkType === 0 ? file.address(d, pos) : null;
  }
  return null;
}

/** A name in an old-style group: a version 1 B-tree of symbol table nodes, names in a local heap. */
function symbolTableLookup(file: HdfBytes, table: { btree: number; heap: number }, name: string): number | null {
  const heapHead = file.read(table.heap, 8 + 2 * file.lengthSize + file.offsetSize);
  if (heapHead.subarray(0, 4).toString("latin1") !== "HEAP") throw new FormatProblem("local heap");
  const heapSize = file.uint(heapHead, 8, file.lengthSize);
  const heap = file.read(file.address(heapHead, 8 + 2 * file.lengthSize), heapSize);
  const nameAt = (offset: number): string => {
    const end = heap.indexOf(0, offset);
    return heap.subarray(offset, end < 0 ? heap.length : end).toString("utf8");
  };
  const entryBytes = 2 * file.offsetSize + 24;
  const visit = (address: number, seen: Set<number>): number | null => {
    if (seen.has(address)) throw new FormatProblem("B-tree loop");
    seen.add(address);
    const head = file.read(address, 8 + 2 * file.offsetSize);
    const signature = head.subarray(0, 4).toString("latin1");
    if (signature === "SNOD") {
      const count = head.readUInt16LE(6);
      const entries = file.read(address + 8, count * entryBytes);
      for (let i = 0; i < count; i++) {
        const at = i * entryBytes;
        if (nameAt(file.uint(entries, at, file.offsetSize)) === name) return file.address(entries, at + file.offsetSize);
      }
      return null;
    }
    if (signature !== "TREE" || head[4] !== 0) throw new FormatProblem("group B-tree");
    const used = head.readUInt16LE(6);
    const body = file.read(address + 8 + 2 * file.offsetSize, (used + 1) * file.lengthSize + used * file.offsetSize);
    for (let i = 0; i < used; i++) {
      const found = visit(file.address(body, file.lengthSize + i * (file.lengthSize + file.offsetSize)), seen);
      if (found !== null) return found;
    }
    return null;
  };
  return visit(table.btree, new Set());
}

type Layout = { kind: "btree"; btree: number; dimensionality: number } | { kind: "single"; size: number };

/** The chunk index named by the data layout message (0x08), when it is one read here. */
function layoutOf(file: HdfBytes, header: number): Layout | null {
  const messages = headerMessages(file, header);
  const message = messages.find((m) => m.type === 0x08);
  if (!message) return null;
  const d = message.data;
  const version = d[0]!;
  if (version === 3) {
    if (d[1] !== 2) return null;
    return { kind: "btree", dimensionality: d[2]!, btree: file.address(d, 3) };
  }
  if (version === 4 && d[1] === 2) {
    const flags = d[2]!;
    const dimensionality = d[3]!;
    const encoded = d[4]!;
    let pos = 5 + dimensionality * encoded;
    const indexType = d[pos++]!;
    // Single chunk: its filtered size is in the message (an unfiltered one is the chunk itself).
    if (indexType === 1 && flags & 0x02) return { kind: "single", size: file.uint(d, pos, file.lengthSize) };
    return null;
  }
  return null;
}

/**
 * Every allocated chunk under a version 1 B-tree of raw data chunks (node type 1): its offsets,
 * stored size and leaf node. Nodes are numbered in visiting order; `parents` gets each one's parent.
 */
function walkChunkBTree(
  file: HdfBytes,
  address: number,
  dimensionality: number,
  parent: number,
  parents: number[],
  seen: Set<number>,
  onChunk: (offsets: number[], size: number, leaf: number) => void,
): void {
  if (address === -1) return; // no chunk written yet
  if (seen.has(address)) throw new FormatProblem("B-tree loop");
  seen.add(address);
  const node = parents.length;
  parents.push(parent);
  const head = file.read(address, 8 + 2 * file.offsetSize);
  if (head.subarray(0, 4).toString("latin1") !== "TREE" || head[4] !== 1) throw new FormatProblem("chunk B-tree");
  const level = head[5]!;
  const used = head.readUInt16LE(6);
  // More entries than 2K: a K other than the one assumed (a superblock extension can set it), so node sizes would be wrong.
  if (used > 2 * file.chunkK) throw new FormatProblem("B-tree K");
  const keyBytes = 8 + 8 * dimensionality;
  const body = file.read(address + 8 + 2 * file.offsetSize, (used + 1) * keyBytes + used * file.offsetSize);
  for (let i = 0; i < used; i++) {
    const key = i * (keyBytes + file.offsetSize);
    const child = file.address(body, key + keyBytes);
    if (level > 0) {
      walkChunkBTree(file, child, dimensionality, node, parents, seen, onChunk);
      continue;
    }
    const size = body.readUInt32LE(key);
    const offsets: number[] = [];
    for (let k = 0; k < dimensionality - 1; k++) offsets.push(file.uint(body, key + 8 + 8 * k, 8));
    onChunk(offsets, size, node);
  }
}
