/** Every message between the loader (main thread) and its worker threads, in one place. */
import type { DatasetDescriptor } from "./dataset/descriptor.js";
import type { Dtype, Transport } from "../store/trial-axes.js";

export interface WorkerInit {
  workerIndex: number;
  dataset: DatasetDescriptor;
  dtype: Dtype;
  transport: Transport;
  /** Skip reading and transforms: only allocate and send, to measure the harness's own ceiling. */
  baseline: boolean;
  /** The slot ring of the shared transport: slotCount slots of slotBytes each. */
  shared: SharedArrayBuffer | null;
  slotBytes: number;
}

export type ToWorker =
  | { type: "load"; batchId: number; indices: number[]; slot: number | null }
  /** transfer: a consumed batch's buffer handed back, so steady state allocates nothing. */
  | { type: "recycle"; buffer: ArrayBuffer };

export type FromWorker =
  | { type: "ready" }
  | {
      type: "batch";
      batchId: number;
      /** The batch's bytes for transfer and clone; null for shared (it is in the slot). */
      buffer: ArrayBuffer | null;
      slot: number | null;
      byteLength: number;
      /** Time spent reading and transforming this batch in the worker. */
      loadMs: number;
      /** performance.timeOrigin + performance.now() just before posting, comparable across threads. */
      sentAtMs: number;
    }
  | { type: "error"; batchId: number | null; message: string };

/** Milliseconds on a clock that all threads of the process share. */
export function sharedClockMs(): number {
  return performance.timeOrigin + performance.now();
}
