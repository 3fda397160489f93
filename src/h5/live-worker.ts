/** A worker thread of a live chunk-cache study: reads its trace through the emulated cache and reports what it cost. */
import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import type { H5Dataset } from "../harness/dataset/descriptor.js";
import type { ChunkIndex } from "./chunk-index.js";
import { H5Reader } from "./h5-reader.js";

export interface LiveJob {
  dataset: H5Dataset;
  /** Sample indices, epoch after epoch, as this worker would see them. */
  epochs: number[][];
  /** The file's chunk index, as the study's simulation used it (null: not read). */
  index: ChunkIndex | null;
}

export interface LiveReport {
  /** Bytes this thread read from files, per epoch (rchar of /proc/thread-self/io). */
  measuredBytes: number[];
  /** Of those, bytes that had to come from storage (read_bytes): near zero means the page cache served them. */
  storageBytes: number[];
  /** Bytes the chunk-cache model says HDF5 would read for the same accesses, per epoch. */
  simulatedBytes: number[];
  elapsedMs: number[];
  peakResidentBytes: number;
}

function threadIo(): { rchar: number; readBytes: number } {
  const text = readFileSync("/proc/thread-self/io", "latin1");
  return { rchar: Number(/rchar:\s*(\d+)/.exec(text)?.[1] ?? NaN), readBytes: Number(/read_bytes:\s*(\d+)/.exec(text)?.[1] ?? NaN) };
}
const threadReadBytes = (): number => threadIo().rchar;

const job = workerData as LiveJob;
try {
  const reader = await H5Reader.open(job.dataset, job.index);
  const out = new Uint8Array(job.dataset.sampleBytes);
  const report: LiveReport = { measuredBytes: [], storageBytes: [], simulatedBytes: [], elapsedMs: [], peakResidentBytes: 0 };
  for (const epoch of job.epochs) {
    // Reading /proc/thread-self/io is itself a read: it is counted once before and excluded.
    const modelled = (): number => reader.model?.stats.bytesFetched ?? reader.sieve!.stats.bytesFetched;
    const fetched = modelled();
    const started = performance.now();
    const storageBefore = threadIo().readBytes;
    const before = threadReadBytes();
    const probeCost = threadReadBytes() - before;
    const from = before + probeCost;
    for (const index of epoch) reader.read(index, out);
    const after = threadReadBytes();
    report.elapsedMs.push(performance.now() - started);
    report.measuredBytes.push(after - from - probeCost);
    report.storageBytes.push(threadIo().readBytes - storageBefore);
    // A contiguous dataset has no chunk cache but HDF5's sieve buffer, modelled by the reader too.
    report.simulatedBytes.push(modelled() - fetched);
    report.peakResidentBytes = Math.max(report.peakResidentBytes, reader.model?.residentBytes ?? 0);
  }
  reader.close();
  parentPort!.postMessage({ ok: true, report });
} catch (err) {
  parentPort!.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
