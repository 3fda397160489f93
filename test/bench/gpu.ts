// npm run bench:gpu: the webgpu consumer's device side on whatever adapter this machine has, as
// ratios against baselines measured in the same run:
//  1. host-to-device GB/s for uint8 and float32 batches, each by queue.writeBuffer and by a mapped
//     staging buffer; float32's copy time against uint8's (4x the bytes);
//  2. the normalisation kernel (uint8 -> float32 on the device) in GB/s of pixels and samples/s, and
//     its time against the copy time it saves (float32 copy minus uint8 copy).
// BENCH_BATCH (default 64) samples of 3x218x178 (CelebA-sized); BENCH_ROUNDS (default 15) per figure.
import { chooseAdapter } from "../../src/webgpu/adapters.js";
import { DeviceStep } from "../../src/webgpu/device-step.js";
import { openGpu } from "../../src/webgpu/gpu-context.js";
import { importWebgpu } from "../../src/webgpu/module.js";
import { makeUploader, UPLOAD_METHODS, type UploadMethod } from "../../src/webgpu/uploaders.js";

const BATCH = Number(process.env["BENCH_BATCH"] ?? 64);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 15);
const SHAPE = [3, 218, 178] as const;
const SAMPLE = SHAPE[0] * SHAPE[1] * SHAPE[2];
const device = process.env["BENCH_DEVICE"] === undefined ? null : Number(process.env["BENCH_DEVICE"]);

const imported = await importWebgpu(process.env);
if (!imported.ok) {
  console.error(`bench:gpu: ${imported.problem}`);
  process.exit(1);
}
const choice = await chooseAdapter(imported.module, device, () => "no WebGPU adapter (install a Vulkan driver: see the README)");
if (!choice.ok) {
  console.error(`bench:gpu: ${choice.problem}`);
  process.exit(1);
}
const adapter = choice.chosen;
const ctx = await openGpu(imported.module, adapter);
const step = await DeviceStep.create(ctx, { maxValues: BATCH * SAMPLE, channels: SHAPE[0], plane: SHAPE[1] * SHAPE[2] }, 64);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const batchBytes = (bytesPerValue: number): Uint8Array => {
  const data = new Uint8Array(BATCH * SAMPLE * bytesPerValue);
  for (let i = 0; i < data.length; i += 97) data[i] = i & 0xff;
  return data;
};

async function uploadMs(method: UploadMethod, data: Uint8Array): Promise<number> {
  const uploader = makeUploader(method, ctx.device, step.raw);
  await uploader.upload(data);
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) times.push((await uploader.upload(data)).ms);
  uploader.destroy();
  return median(times);
}

console.log(
  `bench:gpu on '${adapter.name}' (WebGPU adapter ${adapter.index}, ${adapter.backend}, ${adapter.vendor}/${adapter.architecture}${adapter.software ? ", a CPU implementation: these are CPU figures" : ""})`,
);
console.log(`batch of ${BATCH} x ${SHAPE.join("x")}; median of ${ROUNDS} rounds; device time by ${step.timing}`);

const u8 = batchBytes(1);
const f32 = batchBytes(4);
const ms: Record<string, Record<UploadMethod, number>> = {
  uint8: {} as Record<UploadMethod, number>,
  float32: {} as Record<UploadMethod, number>,
};
for (const [dtype, data] of [
  ["uint8", u8],
  ["float32", f32],
] as const) {
  for (const method of UPLOAD_METHODS) {
    const t = await uploadMs(method, data);
    ms[dtype]![method] = t;
    console.log(
      `  H2D ${dtype.padEnd(7)} ${method.padEnd(14)} ${(data.byteLength / 1e6).toFixed(1).padStart(6)} MB  ${t.toFixed(3).padStart(8)} ms  ${(data.byteLength / (t * 1e6)).toFixed(2).padStart(7)} GB/s`,
    );
  }
}
const best = (dtype: string): number => Math.min(...Object.values(ms[dtype]!));
console.log(
  `  float32 / uint8 copy time (best method each): ${(best("float32") / best("uint8")).toFixed(2)}x for 4.00x the bytes; ` +
    `mapped staging / writeBuffer (uint8): ${(ms["uint8"]!["mapped-staging"] / ms["uint8"]!["write-buffer"]).toFixed(2)}x the time`,
);

const uploader = makeUploader("write-buffer", ctx.device, step.raw);
await uploader.upload(u8);
uploader.destroy();
await step.run("uint8", BATCH * SAMPLE, 0);
const kernel: number[] = [];
for (let r = 0; r < ROUNDS; r++) kernel.push(await step.run("uint8", BATCH * SAMPLE, 0));
const normaliseMs = median(kernel);
const saved = best("float32") - best("uint8");
console.log(
  `  normalise uint8 -> float32 on the device: ${normaliseMs.toFixed(3)} ms a batch = ${(u8.byteLength / (normaliseMs * 1e6)).toFixed(2)} GB/s of pixels, ${Math.round((BATCH * 1000) / normaliseMs).toLocaleString("en-US")} samples/s`,
);
console.log(
  `  normalise time / copy time it saves (float32 copy - uint8 copy = ${saved.toFixed(3)} ms): ${saved > 0 ? (normaliseMs / saved).toFixed(2) + "x" : "n/a (float32 copied no slower)"}` +
    (saved > 0
      ? normaliseMs < saved
        ? " (uint8 + device normalisation wins)"
        : " (on this adapter the kernel costs more than the copy saves)"
      : ""),
);
step.destroy();
ctx.close();
process.exit(0);
