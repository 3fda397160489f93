/// <reference types="@webgpu/types" />
import { normalisation } from "../harness/dtype.js";
import type { Dtype } from "../store/trial-axes.js";
import type { GpuContext } from "./gpu-context.js";
import { dispatchGrid, MATMUL, NORMALISE_UINT8, WIDEN_FLOAT16 } from "./shaders.js";

export type DeviceTiming = "gpu-timestamps" | "submit-to-completion";

export interface StepLayout {
  /** Values in the largest batch (samples x values per sample). */
  maxValues: number;
  channels: number;
  /** Values per channel plane (height x width). */
  plane: number;
}

const usage = (...flags: number[]): number => flags.reduce((a, b) => a | b, 0);

/**
 * What the GPU does with one batch: widen it to float32 (normalising uint8 on the device), copy it
 * into the load's input, then the calibrated number of matrix multiplies. One submission a batch,
 * timed by GPU timestamps around the passes where the adapter has them.
 */
export class DeviceStep {
  /** Where batches land: the uploaders write here; float32 batches are used from here directly. */
  readonly raw: GPUBuffer;
  private readonly features: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly affine: GPUBuffer;
  private matmul!: { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; n: number; buffers: GPUBuffer[] };
  private readonly timer: { set: GPUQuerySet; resolve: GPUBuffer; read: GPUBuffer } | null;

  private constructor(
    private readonly ctx: GpuContext,
    private readonly layout: StepLayout,
    private readonly widen: Record<"uint8" | "float16", { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup }>,
    buffers: { raw: GPUBuffer; features: GPUBuffer; params: GPUBuffer; affine: GPUBuffer },
  ) {
    this.raw = buffers.raw;
    this.features = buffers.features;
    this.params = buffers.params;
    this.affine = buffers.affine;
    const device = ctx.device;
    this.timer = ctx.timestamps
      ? {
          set: device.createQuerySet({ type: "timestamp", count: 2 }),
          resolve: device.createBuffer({ size: 16, usage: usage(GPUBufferUsage.QUERY_RESOLVE, GPUBufferUsage.COPY_SRC) }),
          read: device.createBuffer({ size: 16, usage: usage(GPUBufferUsage.MAP_READ, GPUBufferUsage.COPY_DST) }),
        }
      : null;
  }

  get timing(): DeviceTiming {
    return this.timer ? "gpu-timestamps" : "submit-to-completion";
  }

  get matrixN(): number {
    return this.matmul.n;
  }

  static async create(ctx: GpuContext, layout: StepLayout, matrixN: number): Promise<DeviceStep> {
    const { device } = ctx;
    const bytes = layout.maxValues * 4;
    const raw = device.createBuffer({
      size: bytes,
      usage: usage(GPUBufferUsage.STORAGE, GPUBufferUsage.COPY_DST, GPUBufferUsage.COPY_SRC),
    });
    const features = device.createBuffer({ size: bytes, usage: usage(GPUBufferUsage.STORAGE, GPUBufferUsage.COPY_SRC) });
    const params = device.createBuffer({ size: 32, usage: usage(GPUBufferUsage.UNIFORM, GPUBufferUsage.COPY_DST) });
    const affine = device.createBuffer({
      size: Math.max(1, layout.channels) * 8,
      usage: usage(GPUBufferUsage.STORAGE, GPUBufferUsage.COPY_DST),
    });
    const table = new Float32Array(layout.channels * 2);
    for (let c = 0; c < layout.channels; c++) {
      const { scale, offset } = normalisation(c, layout.channels);
      table.set([scale, offset], c * 2);
    }
    device.queue.writeBuffer(affine, 0, table);
    const widenPipeline = async (code: string, withAffine: boolean) => {
      const pipeline = await device.createComputePipelineAsync({
        layout: "auto",
        compute: { module: device.createShaderModule({ code }), entryPoint: "main" },
      });
      const entries: GPUBindGroupEntry[] = [
        { binding: 0, resource: { buffer: raw } },
        { binding: 1, resource: { buffer: features } },
        { binding: 3, resource: { buffer: params } },
      ];
      if (withAffine) entries.push({ binding: 2, resource: { buffer: affine } });
      return { pipeline, bindGroup: device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }) };
    };
    const widen = { uint8: await widenPipeline(NORMALISE_UINT8, true), float16: await widenPipeline(WIDEN_FLOAT16, false) };
    const step = new DeviceStep(ctx, layout, widen, { raw, features, params, affine });
    await step.setMatrix(matrixN);
    return step;
  }

  /** Sizes the compute load: N x N matrices (calibration moves N until a step is a sensible number of dispatches). */
  async setMatrix(n: number): Promise<void> {
    const { device } = this.ctx;
    for (const b of this.matmul?.buffers ?? []) b.destroy();
    const make = () => device.createBuffer({ size: n * n * 4, usage: usage(GPUBufferUsage.STORAGE, GPUBufferUsage.COPY_DST) });
    const buffers = [make(), make(), make()];
    const weights = new Float32Array(n * n);
    for (let i = 0; i < weights.length; i++) weights[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
    device.queue.writeBuffer(buffers[0]!, 0, weights);
    const pipeline = await device.createComputePipelineAsync({
      layout: "auto",
      compute: { module: device.createShaderModule({ code: MATMUL }), entryPoint: "main", constants: { N: n } },
    });
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    this.matmul = { pipeline, bindGroup, n, buffers };
  }

  /** The batch's widening pass (none for float32), the copy into the load's input, `dispatches` multiplies; device milliseconds. */
  async run(dtype: Dtype, values: number, dispatches: number): Promise<number> {
    const { device } = this.ctx;
    const encoder = device.createCommandEncoder();
    const timer = this.timer;
    const widen = dtype === "float32" ? null : this.widen[dtype];
    if (widen) {
      const words = dtype === "uint8" ? Math.ceil(values / 4) : Math.ceil(values / 2);
      const grid = dispatchGrid(words);
      device.queue.writeBuffer(this.params, 0, new Uint32Array([values, words, this.layout.plane, this.layout.channels, grid.rowStride]));
      const pass = encoder.beginComputePass(timer ? { timestampWrites: { querySet: timer.set, beginningOfPassWriteIndex: 0 } } : {});
      pass.setPipeline(widen.pipeline);
      pass.setBindGroup(0, widen.bindGroup);
      pass.dispatchWorkgroups(grid.x, grid.y);
      pass.end();
    }
    const n = this.matmul.n;
    const inputBytes = Math.min(n * n, values) * 4;
    if (inputBytes > 0) encoder.copyBufferToBuffer(widen ? this.features : this.raw, 0, this.matmul.buffers[1]!, 0, inputBytes);
    const writes: GPUComputePassTimestampWrites | undefined = timer
      ? { querySet: timer.set, endOfPassWriteIndex: 1, ...(widen ? {} : { beginningOfPassWriteIndex: 0 }) }
      : undefined;
    const pass = encoder.beginComputePass(writes ? { timestampWrites: writes } : {});
    pass.setPipeline(this.matmul.pipeline);
    pass.setBindGroup(0, this.matmul.bindGroup);
    const groups = Math.ceil(n / 8);
    for (let i = 0; i < dispatches; i++) pass.dispatchWorkgroups(groups, groups);
    pass.end();
    if (timer) {
      encoder.resolveQuerySet(timer.set, 0, 2, timer.resolve, 0);
      encoder.copyBufferToBuffer(timer.resolve, 0, timer.read, 0, 16);
    }
    const start = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    const wallMs = performance.now() - start;
    if (!timer) return wallMs;
    await timer.read.mapAsync(GPUMapMode.READ);
    // Read both stamps before unmapping: the mapped range is gone after unmap, and copying it costs an allocation a step.
    const stamps = new BigUint64Array(timer.read.getMappedRange());
    const begin = stamps[0];
    const end = stamps[1];
    timer.read.unmap();
    // A driver that reports nonsense (zeros, or end before begin) gets the host's view instead.
    return end! > begin! && begin! > 0n ? Number(end! - begin!) / 1e6 : wallMs;
  }

  /** The float32 values the device computed from the last batch (tests compare them with the CPU's). */
  async readFeatures(dtype: Dtype, values: number): Promise<Float32Array> {
    const { device } = this.ctx;
    const source = dtype === "float32" ? this.raw : this.features;
    const read = device.createBuffer({ size: values * 4, usage: usage(GPUBufferUsage.MAP_READ, GPUBufferUsage.COPY_DST) });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, 0, read, 0, values * 4);
    device.queue.submit([encoder.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(read.getMappedRange().slice(0));
    read.destroy();
    return out;
  }

  destroy(): void {
    for (const b of [this.raw, this.features, this.params, this.affine, ...this.matmul.buffers]) b.destroy();
    if (this.timer) {
      this.timer.set.destroy();
      this.timer.resolve.destroy();
      this.timer.read.destroy();
    }
  }
}
