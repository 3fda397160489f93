/** What the consumer sees of a loader, whichever way batches are made. */
export interface LoadedBatch {
  batchId: number;
  indices: number[];
  /** The batch's bytes; for the shared transport a view into the slot ring, valid until release(). */
  data: Uint8Array;
  /** performance.now() on the main thread when the batch became available to the consumer. */
  readyAtMs: number;
  /** Reading and transforming, measured where it happened. */
  loadMs: number;
  /** From the worker's post to the main thread's receipt (0 when loaded on the main thread). */
  transportMs: number;
  /** Bytes the transport copied to bring this batch across (structured clone copies; transfer and shared do not). */
  bytesCopied: number;
}

export interface BatchLoader {
  /** Starts workers and opens the dataset; rejects with the reason when that fails. */
  start(): Promise<void>;
  /** The next batch in sampler order. Rejects when a worker fails; every later call rejects too. */
  next(): Promise<LoadedBatch>;
  /** The consumer is done with the batch's bytes (frees a shared slot). */
  release(batch: LoadedBatch): void;
  /** Stops every worker and waits until all of them are gone. Safe to call more than once. */
  close(): Promise<void>;
}

/** A trial's failure caused by the data or a worker, with the message the user sees. */
export class LoaderFailure extends Error {}
