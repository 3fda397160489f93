import { closeSync, copyFileSync, ftruncateSync, openSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { liveWorkerCount } from "../../src/harness/thread-loader.js";
import { SimConsumer } from "../../src/harness/consumer.js";
import type { DatasetDescriptor } from "../../src/harness/dataset/descriptor.js";
import { ensureSyntheticDataset } from "../../src/harness/dataset/synthetic.js";
import type { TrialSettings } from "../../src/harness/plan.js";
import type { TrialSpec } from "../../src/store/results-schema.js";
import { LoaderFailure, runTrial, TrialInterrupted } from "../../src/harness/trial.js";
import { root, tempDir } from "../helpers.js";

let dataset: DatasetDescriptor;
const consumer = new SimConsumer({ kind: "fixed", msPerBatch: 2, batch: 8 }, 25);
const settings: TrialSettings = {
  batch: 8,
  prefetch: 2,
  dropLast: false,
  order: "shuffle",
  seed: 1,
  cold: false,
  warmupSteps: 2,
  durationS: null,
  steps: 20,
};

function spec(over: Partial<TrialSpec> = {}): TrialSpec {
  return {
    id: 1,
    loader: "harness",
    workers: 2,
    dtype: "uint8",
    transport: "transfer",
    echo: 1,
    echoSplit: 1,
    baseline: false,
    repeat: 1,
    pinMemory: false,
    ...over,
  };
}

// Worker threads still running; counting the process's OS threads instead would also count the threads
// V8 and libuv start lazily (garbage collection helpers, the file-system pool), and misread them as leaks.
const threads = (): number => liveWorkerCount();

beforeAll(async () => {
  dataset = (await ensureSyntheticDataset({ format: "npy", count: 40, shape: [3, 8, 8], seed: 2 }, tempDir())).dataset;
}, 30000);

describe("runTrial", () => {
  it("measures the window it was asked for, and its numbers add up", async () => {
    const m = (await runTrial(spec(), { dataset, settings, consumer })).metrics;
    expect(m.steps).toBe(20);
    expect(m.freshSamples).toBe(m.consumedSamples);
    expect(m.au + m.stallFraction).toBeCloseTo(1, 3);
    expect(m.au).toBeGreaterThan(0);
    // windowS is rounded to the millisecond (and samples/s to 0.01): that rounding is all they may differ by.
    expect(Math.abs(m.samplesPerS * m.windowS - m.freshSamples)).toBeLessThanOrEqual(m.samplesPerS * 0.0005 + 0.005 * m.windowS + 1e-9);
    expect(m.transport.bytesDelivered).toBe(m.freshSamples * 192);
    expect(m.transport.bytesCopied).toBe(0);
  });

  it("echo uses every loaded sample e times and counts fresh samples once", async () => {
    const seen = new Map<number, number>();
    const loaded: number[][] = [];
    const m = (
      await runTrial(spec({ echo: 2, echoSplit: 2 }), {
        dataset,
        settings: { ...settings, warmupSteps: 0 },
        consumer,
        onBatch: (b) => loaded.push(b.indices),
        onStep: (indices) => indices.forEach((i) => seen.set(i, (seen.get(i) ?? 0) + 1)),
      })
    ).metrics;
    const perLoaded = new Map<number, number>();
    for (const batch of loaded) for (const i of batch) perLoaded.set(i, (perLoaded.get(i) ?? 0) + 1);
    for (const [index, times] of perLoaded) expect(seen.get(index)).toBe(2 * times);
    expect(m.consumedSamples).toBe(2 * m.freshSamples);
    expect(m.stepsPerS).toBeCloseTo(4 * (m.samplesPerS / 8), 0);
  });

  it("clone copies every batch's bytes; baseline skips reading but still delivers", async () => {
    const clone = (await runTrial(spec({ transport: "clone" }), { dataset, settings, consumer })).metrics;
    expect(clone.transport.bytesCopied).toBe(clone.transport.bytesDelivered);
    const reads: number[] = [];
    const base = await runTrial(spec({ baseline: true }), { dataset, settings, consumer, onBatch: (b) => reads.push(b.data[0]!) });
    expect(base.metrics.freshSamples).toBeGreaterThan(0);
    expect(reads.every((v) => v === 0)).toBe(true);
  });

  it("fails with the reader's message when a sample cannot be read, and stops every worker", async () => {
    const dir = tempDir();
    const broken = join(dir, "broken.npy");
    if (dataset.kind !== "npy") throw new Error("the trial tests use an npy dataset");
    copyFileSync(dataset.path, broken);
    const fd = openSync(broken, "r+");
    ftruncateSync(fd, 500);
    closeSync(fd);
    const before = threads();
    const run = runTrial(spec({ workers: 2 }), { dataset: { ...dataset, kind: "npy", path: broken }, settings, consumer });
    await expect(run).rejects.toThrow(LoaderFailure);
    await expect(run).rejects.toThrow(/broken\.npy: sample \d+ is cut short/);
    expect(threads()).toBeLessThanOrEqual(before);
  });

  it("a worker that dies fails the trial instead of hanging it", async () => {
    const workerUrl = new URL(`file://${join(root, "test", "workers", "crash-on-load.mjs")}`);
    const before = threads();
    await expect(runTrial(spec({ workers: 2 }), { dataset, settings, consumer, workerUrl })).rejects.toThrow(
      /worker \d exited unexpectedly \(code 3\)/,
    );
    expect(threads()).toBeLessThanOrEqual(before);
  });

  it("stops on abort with every worker gone", async () => {
    const controller = new AbortController();
    const before = threads();
    const slow = new SimConsumer({ kind: "fixed", msPerBatch: 50, batch: 8 }, 25);
    const run = runTrial(spec({ workers: 3 }), {
      dataset,
      settings: { ...settings, steps: 1000 },
      consumer: slow,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 300);
    await expect(run).rejects.toThrow(TrialInterrupted);
    expect(threads()).toBeLessThanOrEqual(before);
  });

  it("--cold drops the file from the page cache, so the trial's reads reach storage", async () => {
    const m = (await runTrial(spec({ workers: 1 }), { dataset, settings: { ...settings, cold: true, order: "sequential" }, consumer }))
      .metrics;
    expect(m.reads).not.toBeNull();
    expect(m.reads!.storageBytes).toBeGreaterThan(0);
  });
});

describe("runTrial's memory figures", () => {
  it("are the trial's own: garbage earlier work left behind is collected before the trial starts", async () => {
    const MiB = 1024 * 1024;
    // What a clone trial leaves: big buffers nothing refers to any more. 64 MiB each is above glibc's
    // largest mmap threshold, so each one goes back to the system as soon as it is freed.
    let garbage: Uint8Array[] | null = Array.from({ length: 6 }, () => new Uint8Array(64 * MiB).fill(1));
    // Batches that lived a while, as a clone trial's did, sit in V8's old generation, which only a
    // full collection frees: churn short-lived objects until minor collections have promoted these.
    let young: { i: number }[] = [];
    for (let i = 0; i < 4_000_000; i++) {
      young.push({ i });
      if (young.length === 1000) young = [];
    }
    const withGarbageMiB = process.memoryUsage.rss() / MiB;
    expect(garbage.length).toBe(6);
    garbage = null;
    const m = (await runTrial(spec(), { dataset, settings, consumer })).metrics;
    expect(m.startRssMiB).toBeLessThan(withGarbageMiB - 300);
    expect(m.peakRssMiB).toBeLessThan(withGarbageMiB - 300);
    expect(m.peakRssMiB).toBeGreaterThanOrEqual(m.startRssMiB);
  });
});
