/**
 * The webgpu consumer on a real Vulkan driver: Mesa's lavapipe, which runs Vulkan on the CPU and is
 * what CI has (.ci/run installs it from bookworm-backports). Without it they skip with one line
 * naming it, except under CI=true, where they fail: CI must exercise the GPU path.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeNeeding, LAVAPIPE } from "../system-packages.js";
import type { LoadedBatch } from "../../src/harness/batch-loader.js";
import type { Dtype } from "../../src/store/trial-axes.js";
import { BatchPreparer } from "../../src/harness/prepare-batch.js";
import { chooseAdapter, type AdapterDescription } from "../../src/webgpu/adapters.js";
import { DeviceStep } from "../../src/webgpu/device-step.js";
import { openGpu } from "../../src/webgpu/gpu-context.js";
import { makeUploader } from "../../src/webgpu/uploaders.js";
import { WebgpuConsumer } from "../../src/webgpu/consumer.js";
import { importWebgpu, type WebgpuModule } from "../../src/webgpu/module.js";

const SHAPE = [3, 20, 24];
const SAMPLE = 3 * 20 * 24;
const BATCH = 8;
const TARGET_MS = 20;

/** Seeded pixels for `count` samples, every value 0-255 present. */
function pixels(count: number): Uint8Array {
  const out = new Uint8Array(count * SAMPLE);
  let state = 7;
  for (let i = 0; i < out.length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    out[i] = i < 256 ? i : state >> 23;
  }
  return out;
}

const source = pixels(BATCH);

/** What the CPU loader delivers for this batch in `dtype`: the reference the GPU must match. */
async function cpuBatch(dtype: Dtype, shared = false, shape = SHAPE, batch = BATCH): Promise<Uint8Array> {
  const sample = shape.reduce((a, b) => a * b, 1);
  const reader = { read: (i: number, out: Uint8Array) => out.set(source.subarray(i * sample, (i + 1) * sample)), close: () => {} };
  const bytes = batch * sample * { uint8: 1, float16: 2, float32: 4 }[dtype];
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  await new BatchPreparer(reader, { sampleShape: shape, sampleBytes: sample, dtype }).prepare(
    Array.from({ length: batch }, (_, i) => i),
    buffer,
    0,
  );
  return new Uint8Array(buffer);
}

function loaded(data: Uint8Array): LoadedBatch {
  return { batchId: 0, indices: Array.from({ length: BATCH }, (_, i) => i), data, readyAtMs: 0, loadMs: 0, transportMs: 0, bytesCopied: 0 };
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

let consumer: WebgpuConsumer;
let webgpu: WebgpuModule;
let adapter: AdapterDescription;

describeNeeding(LAVAPIPE, "webgpu consumer on lavapipe", () => {
  beforeAll(async () => {
    const imported = await importWebgpu(process.env);
    if (!imported.ok) throw new Error(imported.problem);
    const choice = await chooseAdapter(imported.module, null, () => "no WebGPU adapter: install mesa-vulkan-drivers (bookworm-backports)");
    if (!choice.ok) throw new Error(choice.problem);
    webgpu = imported.module;
    adapter = choice.chosen;
    consumer = await WebgpuConsumer.open({
      webgpu,
      adapter,
      stepModel: { kind: "fixed", msPerBatch: TARGET_MS, batch: BATCH },
      batch: BATCH,
      sampleShape: SHAPE,
      sampleBytes: SAMPLE,
      dtypes: ["uint8", "float16", "float32"],
      selection: { requested: "webgpu", reason: "test" },
      say: () => undefined,
    });
  }, 120_000);

  afterAll(async () => {
    await consumer?.close();
  });

  it("normalises uint8 on the device exactly as the CPU loader does in float32", async () => {
    await consumer.process({ batch: loaded(await cpuBatch("uint8")), dtype: "uint8", stepSizes: [BATCH], startAtMs: 0 });
    const gpu = await consumer.step.readFeatures("uint8", BATCH * SAMPLE);
    const cpu = new Float32Array((await cpuBatch("float32")).buffer);
    let worst = 0;
    for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(gpu[i]! - cpu[i]!));
    // One multiply-add in float32 against the CPU's double rounded to float32: a few ulps at most.
    expect(worst).toBeLessThan(2e-6);
    expect(gpu[0]).toBeCloseTo((0 / 255 - 0.485) / 0.229, 5);
    expect(gpu[255]).toBeCloseTo((255 / 255 - 0.485) / 0.229, 5);
  });

  it("normalises samples whose channel planes end mid-word (3x5x7: 35 values a plane, 105 a sample)", async () => {
    const shape = [3, 5, 7];
    const values = 3 * 105;
    const ctx = await openGpu(webgpu, adapter);
    try {
      const step = await DeviceStep.create(ctx, { maxValues: values, channels: 3, plane: 35 }, 32);
      const uploader = makeUploader("write-buffer", ctx.device, step.raw);
      await uploader.upload(await cpuBatch("uint8", false, shape, 3));
      await step.run("uint8", values, 0);
      const gpu = await step.readFeatures("uint8", values);
      const cpu = new Float32Array((await cpuBatch("float32", false, shape, 3)).buffer);
      for (let i = 0; i < values; i++) expect(Math.abs(gpu[i]! - cpu[i]!)).toBeLessThan(2e-6);
      step.destroy();
    } finally {
      ctx.close();
    }
  });

  it("widens float16 batches to the same float32 values on the device", async () => {
    const half = await cpuBatch("float16");
    await consumer.process({ batch: loaded(half), dtype: "float16", stepSizes: [BATCH], startAtMs: 0 });
    const gpu = await consumer.step.readFeatures("float16", BATCH * SAMPLE);
    const bits = new Uint16Array(half.buffer);
    for (let i = 0; i < bits.length; i++) expect(gpu[i]).toBe(Math.fround(halfToFloat(bits[i]!)));
  });

  it("moves a quarter of float32's bytes for a uint8 batch", async () => {
    const u8 = await consumer.process({ batch: loaded(await cpuBatch("uint8")), dtype: "uint8", stepSizes: [BATCH], startAtMs: 0 });
    const f32 = await consumer.process({ batch: loaded(await cpuBatch("float32")), dtype: "float32", stepSizes: [BATCH], startAtMs: 0 });
    expect(u8.h2dBytes).toBe(BATCH * SAMPLE);
    expect(f32.h2dBytes).toBe(4 * u8.h2dBytes);
    expect(u8.h2dMs).toBeGreaterThan(0);
  });

  it("calibrates one step of the batch to within 20% of the target", async () => {
    const info = consumer.describe();
    expect(Math.abs(info.calibration.achievedMsPerBatch / TARGET_MS - 1)).toBeLessThan(0.2);
    expect(info.deviceTiming).toBe("gpu-timestamps");
    expect(info.adapter.software).toBe(true);
  }, 60_000);

  it("steps real batches in the calibrated time: no work beyond the calibrated load", async () => {
    // lavapipe runs on this machine's CPUs, and its speed drifts by half within a second here, so
    // each real step is compared with the bare calibrated load measured right beside it.
    const batch = loaded(await cpuBatch("float32"));
    const dispatches = consumer.describe().calibration.dispatchesPerBatch;
    const ratios: number[] = [];
    for (let i = 0; i < 15; i++) {
      const work = await consumer.process({ batch, dtype: "float32", stepSizes: [BATCH], startAtMs: 0 });
      const bare = await consumer.step.run("float32", 0, dispatches);
      ratios.push((work.busyMs - work.h2dMs) / bare);
    }
    ratios.sort((a, b) => a - b);
    expect(Math.abs(ratios[7]! - 1)).toBeLessThan(0.2);
  }, 60_000);

  it("takes a batch from shared memory (the shared transport) without crashing Dawn, and reads it right", async () => {
    await consumer.process({
      batch: loaded(await cpuBatch("uint8", true)),
      dtype: "uint8",
      stepSizes: [BATCH / 2, BATCH / 2],
      startAtMs: 0,
    });
    const gpu = await consumer.step.readFeatures("uint8", BATCH * SAMPLE);
    const cpu = new Float32Array((await cpuBatch("float32")).buffer);
    expect(Math.abs(gpu[SAMPLE * 3 + 17]! - cpu[SAMPLE * 3 + 17]!)).toBeLessThan(2e-6);
  });
});
