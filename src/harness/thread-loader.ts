import { Worker } from "node:worker_threads";
import type { DatasetDescriptor } from "./dataset/descriptor.js";
import type { Dtype, Transport } from "../store/trial-axes.js";
import type { BatchPlan } from "./index-order.js";
import { batchBytes } from "./prepare-batch.js";
import { LoaderFailure, type BatchLoader, type LoadedBatch } from "./batch-loader.js";
import { sharedClockMs, type FromWorker, type ToWorker, type WorkerInit } from "./worker-protocol.js";
import { defaultWorkerUrl } from "./worker-path.js";

export interface ThreadLoaderOptions {
  dataset: DatasetDescriptor;
  dtype: Dtype;
  transport: Transport;
  workers: number;
  /** Batches in flight per worker (PyTorch's prefetch_factor). */
  prefetch: number;
  plan: BatchPlan;
  baseline: boolean;
  workerUrl?: URL;
}

interface Waiter {
  resolve(batch: LoadedBatch): void;
  reject(err: Error): void;
}

/**
 * N worker threads preparing whole batches, PyTorch DataLoader style: batch g goes to worker
 * g mod N, each worker has `prefetch` requests outstanding, and batches are handed out in sampler
 * order whatever order they finish in. A new request is sent only when the consumer takes a batch,
 * so at most workers x prefetch batches exist beyond the one being consumed.
 */
let liveWorkers = 0;

/** Worker threads started by any loader whose 'exit' has not fired yet (an exited thread has stopped running). */
export function liveWorkerCount(): number {
  return liveWorkers;
}

export class ThreadLoader implements BatchLoader {
  private readonly workers: Worker[] = [];
  private readonly arrived = new Map<number, LoadedBatch>();
  private readonly freeSlots: number[] = [];
  /** Indices of each requested batch, kept so an epoch's permutation is computed once. */
  private readonly requested = new Map<number, number[]>();
  /** Requests waiting for a shared slot that the consumer still holds. */
  private deferredRequests = 0;
  private readonly shared: SharedArrayBuffer | null;
  private readonly slotBytes: number;
  private nextToDeliver = 0;
  private nextToRequest = 0;
  private waiter: Waiter | null = null;
  private failure: LoaderFailure | null = null;
  private closing = false;

  constructor(private readonly options: ThreadLoaderOptions) {
    const { dataset, dtype, workers, prefetch, transport } = options;
    if (workers < 1) throw new RangeError("ThreadLoader needs at least one worker");
    this.slotBytes = batchBytes({ ...dataset, dtype }, options.plan.options.batch);
    const slotCount = workers * prefetch + 1;
    this.shared = transport === "shared" ? new SharedArrayBuffer(slotCount * this.slotBytes) : null;
    if (this.shared) for (let s = slotCount - 1; s >= 0; s--) this.freeSlots.push(s);
  }

  async start(): Promise<void> {
    const { workers, prefetch } = this.options;
    const ready: Promise<void>[] = [];
    for (let i = 0; i < workers; i++) ready.push(this.spawn(i));
    try {
      await Promise.all(ready);
    } catch (err) {
      await this.close();
      throw err;
    }
    for (let k = 0; k < workers * prefetch; k++) this.request();
  }

  next(): Promise<LoadedBatch> {
    if (this.failure) return Promise.reject(this.failure);
    const batch = this.arrived.get(this.nextToDeliver);
    if (batch) return Promise.resolve(this.take(batch));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  release(batch: LoadedBatch): void {
    if (this.options.transport === "transfer") {
      const buffer = batch.data.buffer as ArrayBuffer;
      this.workers[batch.batchId % this.workers.length]?.postMessage({ type: "recycle", buffer } satisfies ToWorker, [buffer]);
      return;
    }
    if (!this.shared) return;
    this.freeSlots.push(batch.data.byteOffset / this.slotBytes);
    if (this.deferredRequests > 0) {
      this.deferredRequests--;
      this.request();
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private spawn(workerIndex: number): Promise<void> {
    const init: WorkerInit = {
      workerIndex,
      dataset: this.options.dataset,
      dtype: this.options.dtype,
      transport: this.options.transport,
      baseline: this.options.baseline,
      shared: this.shared,
      slotBytes: this.slotBytes,
    };
    const worker = new Worker(this.options.workerUrl ?? defaultWorkerUrl(), { workerData: init });
    liveWorkers++;
    worker.once("exit", () => liveWorkers--);
    this.workers.push(worker);
    return new Promise((resolve, reject) => {
      let isReady = false;
      worker.on("message", (message: FromWorker) => {
        if (message.type === "ready") {
          isReady = true;
          resolve();
        } else if (message.type === "error" && message.batchId === null) {
          reject(new LoaderFailure(`worker ${workerIndex} could not open the dataset: ${message.message}`));
        } else {
          this.onMessage(message);
        }
      });
      worker.on("error", (err) => {
        const failure = new LoaderFailure(`worker ${workerIndex} crashed: ${err.message}`);
        if (isReady) this.fail(failure);
        else reject(failure);
      });
      worker.on("exit", (code) => {
        if (this.closing) return;
        const failure = new LoaderFailure(`worker ${workerIndex} exited unexpectedly (code ${code})`);
        if (isReady) this.fail(failure);
        else reject(failure);
      });
    });
  }

  private onMessage(message: FromWorker): void {
    if (message.type === "error") {
      this.fail(new LoaderFailure(message.message));
      return;
    }
    if (message.type !== "batch") return;
    const receivedAt = sharedClockMs();
    const data = message.buffer
      ? new Uint8Array(message.buffer, 0, message.byteLength)
      : new Uint8Array(this.shared!, message.slot! * this.slotBytes, message.byteLength);
    const batch: LoadedBatch = {
      batchId: message.batchId,
      indices: this.requested.get(message.batchId) ?? [],
      data,
      readyAtMs: performance.now(),
      loadMs: message.loadMs,
      transportMs: Math.max(0, receivedAt - message.sentAtMs),
      bytesCopied: this.options.transport === "clone" ? message.byteLength : 0,
    };
    if (message.batchId === this.nextToDeliver && this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.resolve(this.take(batch));
    } else {
      this.arrived.set(message.batchId, batch);
    }
  }

  private take(batch: LoadedBatch): LoadedBatch {
    this.arrived.delete(batch.batchId);
    this.requested.delete(batch.batchId);
    this.nextToDeliver++;
    this.request();
    return batch;
  }

  private request(): void {
    const slot = this.shared ? this.freeSlots.pop() : null;
    if (slot === undefined) {
      this.deferredRequests++;
      return;
    }
    const batchId = this.nextToRequest++;
    const worker = this.workers[batchId % this.workers.length]!;
    const indices = this.options.plan.indices(batchId);
    this.requested.set(batchId, indices);
    const message: ToWorker = { type: "load", batchId, indices, slot };
    worker.postMessage(message);
  }

  private fail(failure: LoaderFailure): void {
    if (this.failure || this.closing) return;
    this.failure = failure;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(failure);
  }
}
