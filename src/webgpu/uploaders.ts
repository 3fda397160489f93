/// <reference types="@webgpu/types" />

export const UPLOAD_METHODS = ["write-buffer", "mapped-staging"] as const;
export type UploadMethod = (typeof UPLOAD_METHODS)[number];

/** Host-to-device copy of a batch into `target`, timed from the call until the GPU has the bytes. */
export interface Uploader {
  readonly method: UploadMethod;
  /** Returns the bytes that crossed (padded to 4) and the milliseconds it took. */
  upload(data: Uint8Array): Promise<{ bytes: number; ms: number }>;
  destroy(): void;
}

const padded = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * queue.writeBuffer: Dawn copies the bytes into its own staging memory, then the GPU pulls them.
 * Bytes in a SharedArrayBuffer (the shared transport's slot ring) are first copied into an
 * ArrayBuffer: dawn.node 0.6.2 crashes the process (SIGSEGV) on a view of shared memory.
 */
class WriteBufferUploader implements Uploader {
  readonly method = "write-buffer" as const;
  private readonly bounce: Uint8Array;

  constructor(
    private readonly device: GPUDevice,
    private readonly target: GPUBuffer,
  ) {
    this.bounce = new Uint8Array(target.size);
  }

  async upload(data: Uint8Array): Promise<{ bytes: number; ms: number }> {
    const start = performance.now();
    const bytes = padded(data.byteLength);
    let source = data;
    if (data.buffer instanceof SharedArrayBuffer || bytes !== data.byteLength) {
      this.bounce.set(data);
      source = this.bounce.subarray(0, bytes);
    }
    this.device.queue.writeBuffer(this.target, 0, source);
    this.device.queue.submit([]);
    await this.device.queue.onSubmittedWorkDone();
    return { bytes, ms: performance.now() - start };
  }

  destroy(): void {}
}

/** A mappable staging buffer: write the bytes into mapped memory, then copy buffer to buffer on the GPU. */
class MappedStagingUploader implements Uploader {
  readonly method = "mapped-staging" as const;
  private readonly staging: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    private readonly target: GPUBuffer,
  ) {
    this.staging = device.createBuffer({ size: target.size, usage: GPUBufferUsage.MAP_WRITE | GPUBufferUsage.COPY_SRC });
  }

  async upload(data: Uint8Array): Promise<{ bytes: number; ms: number }> {
    const start = performance.now();
    const bytes = padded(data.byteLength);
    await this.staging.mapAsync(GPUMapMode.WRITE, 0, bytes);
    new Uint8Array(this.staging.getMappedRange(0, bytes)).set(data);
    this.staging.unmap();
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(this.staging, 0, this.target, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    await this.device.queue.onSubmittedWorkDone();
    return { bytes, ms: performance.now() - start };
  }

  destroy(): void {
    this.staging.destroy();
  }
}

export function makeUploader(method: UploadMethod, device: GPUDevice, target: GPUBuffer): Uploader {
  return method === "write-buffer" ? new WriteBufferUploader(device, target) : new MappedStagingUploader(device, target);
}

export interface UploadProbe {
  chosen: UploadMethod;
  bytes: number;
  /** Median GB/s of each method on a batch-sized copy. */
  gbPerS: Record<UploadMethod, number>;
}

/** Times both methods on the largest batch a trial will copy and keeps the faster. */
export async function chooseUploadMethod(device: GPUDevice, target: GPUBuffer, bytes: number, rounds = 7): Promise<UploadProbe> {
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 4096) data[i] = i & 0xff;
  const gbPerS = {} as Record<UploadMethod, number>;
  for (const method of UPLOAD_METHODS) {
    const uploader = makeUploader(method, device, target);
    const times: number[] = [];
    await uploader.upload(data);
    for (let r = 0; r < rounds; r++) times.push((await uploader.upload(data)).ms);
    uploader.destroy();
    times.sort((a, b) => a - b);
    gbPerS[method] = Math.round((padded(bytes) / (times[rounds >> 1]! * 1e6)) * 100) / 100;
  }
  const chosen = gbPerS["mapped-staging"] > gbPerS["write-buffer"] ? "mapped-staging" : "write-buffer";
  return { chosen, bytes: padded(bytes), gbPerS };
}
