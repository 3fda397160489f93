/** A loader worker thread: opens the dataset once, then prepares whole batches on request. */
import { parentPort, workerData } from "node:worker_threads";
import { openSampleReader } from "./dataset/readers.js";
import { BatchPreparer, batchBytes } from "./prepare-batch.js";
import { sharedClockMs, type FromWorker, type ToWorker, type WorkerInit } from "./worker-protocol.js";

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

const layout = { sampleShape: init.dataset.sampleShape, sampleBytes: init.dataset.sampleBytes, dtype: init.dtype };
let preparer: BatchPreparer;
try {
  preparer = new BatchPreparer(await openSampleReader(init.dataset), layout);
  post({ type: "ready" });
} catch (err) {
  post({ type: "error", batchId: null, message: messageOf(err) });
}

// Buffers come back from the consumer (transfer) or are never given away (clone, which copies), so
// a worker allocates at most prefetch + 2 batch buffers in a trial instead of one per batch.
const spareBuffers: ArrayBuffer[] = [];
function batchBuffer(): ArrayBuffer {
  if (init.transport === "clone" && spareBuffers.length > 0) return spareBuffers[0]!;
  return spareBuffers.pop() ?? new ArrayBuffer(init.slotBytes);
}

// Requests are handled one at a time, in arrival order, as a PyTorch worker works through its index queue.
let queue: Promise<void> = Promise.resolve();
port.on("message", (message: ToWorker) => {
  if (message.type === "recycle") spareBuffers.push(message.buffer);
  else queue = queue.then(() => load(message));
});

async function load(request: Extract<ToWorker, { type: "load" }>): Promise<void> {
  const started = performance.now();
  const byteLength = batchBytes(layout, request.indices.length);
  try {
    if (init.transport === "shared") {
      const offset = request.slot! * init.slotBytes;
      if (!init.baseline) await preparer.prepare(request.indices, init.shared!, offset);
      post({
        type: "batch",
        batchId: request.batchId,
        buffer: null,
        slot: request.slot,
        byteLength,
        loadMs: performance.now() - started,
        sentAtMs: sharedClockMs(),
      });
      return;
    }
    const buffer = batchBuffer();
    if (init.transport === "clone" && spareBuffers.length === 0) spareBuffers.push(buffer);
    if (!init.baseline) await preparer.prepare(request.indices, buffer, 0);
    const message: FromWorker = {
      type: "batch",
      batchId: request.batchId,
      buffer,
      slot: null,
      byteLength,
      loadMs: performance.now() - started,
      sentAtMs: sharedClockMs(),
    };
    // clone posts without a transfer list: the bytes are copied, as pickling copies them between processes.
    post(message, init.transport === "transfer" ? [buffer] : []);
  } catch (err) {
    post({ type: "error", batchId: request.batchId, message: messageOf(err) });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
