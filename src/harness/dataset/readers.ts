import { closeSync, openSync, readFileSync, readSync, fstatSync } from "node:fs";
import sharp, { type OutputInfo } from "sharp";
import type { DatasetDescriptor, ImageFilesDataset, NpyDataset, RawFilesDataset } from "./descriptor.js";
import { SampleReadError, type SampleReader } from "./sample-reader.js";
import { imageDims } from "./synthetic-pixels.js";

// A PyTorch worker decodes one image at a time on one core; libvips would otherwise spread one
// decode over several threads and make a worker look faster than a Python one can be.
sharp.concurrency(1);

export async function openSampleReader(dataset: DatasetDescriptor): Promise<SampleReader> {
  switch (dataset.kind) {
    case "h5":
      // Loaded on demand: h5wasm's module is large and only HDF5 sources need it.
      return (await import("../../h5/h5-reader.js")).H5Reader.open(dataset);
    case "npy":
      return new NpyReader(dataset);
    case "raw-files":
      return new RawFileReader(dataset);
    case "image-files":
      return new ImageFileReader(dataset);
    case "python":
      throw new SampleReadError(`${dataset.file}:${dataset.function} is a torch Dataset: only the torch loader reads it`);
  }
}

class NpyReader implements SampleReader {
  private readonly fd: number;
  /** For an NHWC file: one sample as stored (H x W x C), transposed into the caller's buffer. */
  private readonly hwc: Uint8Array | null;
  constructor(private readonly dataset: NpyDataset) {
    this.fd = openSync(dataset.path, "r");
    this.hwc = dataset.layout === "nhwc" ? new Uint8Array(dataset.sampleBytes) : null;
  }

  read(index: number, out: Uint8Array): void {
    const { sampleBytes, dataOffset, path } = this.dataset;
    // pread at the sample's offset: memory stays at one sample per read, whatever the file's size.
    const n = readSync(this.fd, this.hwc ?? out, 0, sampleBytes, dataOffset + index * sampleBytes);
    if (this.hwc && n === sampleBytes) {
      // H x W x C to C x H x W, as for decoded images.
      const [channels, height, width] = this.dataset.sampleShape as [number, number, number];
      const plane = height * width;
      for (let c = 0; c < channels; c++) {
        const base = c * plane;
        for (let p = 0; p < plane; p++) out[base + p] = this.hwc[p * channels + c]!;
      }
    }
    if (n !== sampleBytes) {
      const size = fstatSync(this.fd).size;
      throw new SampleReadError(
        `${path}: sample ${index} is cut short (file has ${size} bytes, the header promises more); is the file truncated?`,
      );
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

class RawFileReader implements SampleReader {
  constructor(private readonly dataset: RawFilesDataset) {}

  read(index: number, out: Uint8Array): void {
    const path = this.dataset.files[index]!;
    const fd = openSync(path, "r");
    try {
      const n = readSync(fd, out, 0, this.dataset.sampleBytes, 0);
      if (n !== this.dataset.sampleBytes)
        throw new SampleReadError(`${path}: ${n} bytes, expected ${this.dataset.sampleBytes}; is the file truncated?`);
    } finally {
      closeSync(fd);
    }
  }

  close(): void {}
}

/** Decodes each image to greyscale (1 channel) or sRGB (3 channels), the two layouts a JPEG holds. */
class ImageFileReader implements SampleReader {
  private readonly dims: [number, number, number];
  constructor(private readonly dataset: ImageFilesDataset) {
    this.dims = imageDims(dataset.sampleShape);
    const channels = this.dims[0];
    // Any other count would stride over the decoded pixels wrongly, so refuse it here, once.
    if (channels !== 1 && channels !== 3) throw new SampleReadError(`images decode to 1 or 3 channels; this dataset has ${channels}`);
  }

  async read(index: number, out: Uint8Array): Promise<void> {
    const path = this.dataset.files[index]!;
    const [channels, height, width] = this.dims;
    let hwc: Buffer;
    try {
      // Read the file here, not in sharp, so its I/O happens on this worker's thread as in Python.
      const encoded = readFileSync(path);
      let image = sharp(encoded).removeAlpha();
      image = channels === 1 ? image.greyscale() : image.toColourspace("srgb");
      const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
      if (info.channels !== channels) throw new Error(`decoded to ${info.channels} channels where the dataset has ${channels}`);
      hwc = info.width === width && info.height === height ? data : await resize(data, info, width, height);
    } catch (err) {
      throw new SampleReadError(`${path}: cannot decode (${err instanceof Error ? err.message : String(err)})`);
    }
    // H x W x C to C x H x W, as torchvision's ToTensor does.
    const plane = height * width;
    for (let c = 0; c < channels; c++) {
      const base = c * plane;
      for (let p = 0; p < plane; p++) out[base + p] = hwc[p * channels + c]!;
    }
  }

  close(): void {}
}

function resize(data: Buffer, info: OutputInfo, width: number, height: number): Promise<Buffer> {
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .resize(width, height, { fit: "fill" })
    .raw()
    .toBuffer();
}
