import type { DatasetDescriptor } from "./dataset/descriptor.js";
import { openSampleReader } from "./dataset/readers.js";
import type { SampleReader } from "./dataset/sample-reader.js";
import type { Dtype } from "../store/trial-axes.js";
import type { BatchPlan } from "./index-order.js";
import { BatchPreparer, batchBytes } from "./prepare-batch.js";
import { LoaderFailure, type BatchLoader, type LoadedBatch } from "./batch-loader.js";

/**
 * --workers 0: each batch is loaded on the main thread when the consumer asks for it, so loading
 * and the step never overlap. This is PyTorch's num_workers=0, the baseline users compare against.
 */
export class InlineLoader implements BatchLoader {
  private reader: SampleReader | null = null;
  private preparer: BatchPreparer | null = null;
  private nextId = 0;
  /** One buffer, reused: the consumer is done with a batch before it asks for the next. */
  private buffer: ArrayBuffer | null = null;

  constructor(
    private readonly dataset: DatasetDescriptor,
    private readonly dtype: Dtype,
    private readonly plan: BatchPlan,
    private readonly baseline: boolean,
  ) {}

  async start(): Promise<void> {
    try {
      this.reader = await openSampleReader(this.dataset);
    } catch (err) {
      throw new LoaderFailure(err instanceof Error ? err.message : String(err));
    }
    this.preparer = new BatchPreparer(this.reader, {
      sampleShape: this.dataset.sampleShape,
      sampleBytes: this.dataset.sampleBytes,
      dtype: this.dtype,
    });
  }

  async next(): Promise<LoadedBatch> {
    const batchId = this.nextId++;
    const indices = this.plan.indices(batchId);
    const started = performance.now();
    const bytes = batchBytes({ ...this.dataset, dtype: this.dtype }, indices.length);
    this.buffer ??= new ArrayBuffer(batchBytes({ ...this.dataset, dtype: this.dtype }, this.plan.options.batch));
    const buffer = this.buffer;
    try {
      if (!this.baseline) await this.preparer!.prepare(indices, buffer, 0);
    } catch (err) {
      throw new LoaderFailure(err instanceof Error ? err.message : String(err));
    }
    const readyAtMs = performance.now();
    return {
      batchId,
      indices,
      data: new Uint8Array(buffer, 0, bytes),
      readyAtMs,
      loadMs: readyAtMs - started,
      transportMs: 0,
      bytesCopied: 0,
    };
  }

  release(): void {}

  async close(): Promise<void> {
    this.reader?.close();
    this.reader = null;
  }
}
