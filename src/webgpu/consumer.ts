import { ConsumerFailure, type Consumer, type ConsumerInfo, type DeviceWork, type StepRequest } from "../harness/consumer.js";
import { imageDims } from "../harness/dataset/synthetic-pixels.js";
import { BYTES_PER_VALUE } from "../harness/dtype.js";
import type { Dtype } from "../store/trial-axes.js";
import { stepMs, type StepModel } from "../harness/step-presets.js";
import { UsageError } from "../util/errors.js";
import { formatSize } from "../util/sizes.js";
import type { AdapterDescription } from "./adapters.js";
import { calibrate, DispatchSplitter, type Calibration } from "./calibrate.js";
import { DeviceStep } from "./device-step.js";
import { openGpu, type GpuContext } from "./gpu-context.js";
import type { WebgpuModule } from "./module.js";
import { chooseUploadMethod, makeUploader, type Uploader, type UploadProbe } from "./uploaders.js";

export interface WebgpuConsumerOptions {
  webgpu: WebgpuModule;
  adapter: AdapterDescription;
  stepModel: StepModel;
  batch: number;
  sampleShape: number[];
  /** Values per sample (uint8 bytes). */
  sampleBytes: number;
  /** Every dtype the sweep will deliver: buffers are sized for the widest. */
  dtypes: readonly Dtype[];
  selection: NonNullable<ConsumerInfo["selection"]>;
  say(line: string): void;
}

type WebgpuInfo = Extract<ConsumerInfo, { kind: "webgpu" }>;

/**
 * A real GPU as the consumer: each batch is copied to the device, widened to float32 there
 * (uint8 normalised by a compute shader), then multiplied through a load calibrated to the step
 * time. Device time is measured: GPU timestamps where the adapter has them, else submit-to-completion.
 */
export class WebgpuConsumer implements Consumer {
  private constructor(
    private readonly ctx: GpuContext,
    readonly step: DeviceStep,
    private readonly uploader: Uploader,
    private readonly splitter: DispatchSplitter,
    private readonly sampleBytes: number,
    private readonly info: WebgpuInfo,
  ) {}

  static async open(options: WebgpuConsumerOptions): Promise<WebgpuConsumer> {
    const { batch, sampleBytes } = options;
    const widest = Math.max(...options.dtypes.map((d) => BYTES_PER_VALUE[d]));
    const ctx = await openGpu(options.webgpu, options.adapter);
    // The device holds each batch as float32 whatever arrives, so that is the size to fit.
    const needed = batch * sampleBytes * 4;
    if (needed > ctx.maxBufferBytes) {
      ctx.close();
      throw new UsageError(
        `--batch ${batch} needs ${formatSize(needed)} buffers on the GPU as float32, more than this adapter's largest (${formatSize(ctx.maxBufferBytes)}); use a smaller --batch`,
      );
    }
    try {
      const [channels, height, width] = imageDims(options.sampleShape);
      const step = await DeviceStep.create(ctx, { maxValues: batch * sampleBytes, channels, plane: height * width }, 256);
      options.say(
        `measuring host-to-device copies of ${formatSize(batch * sampleBytes * widest)} (queue.writeBuffer and a mapped staging buffer)`,
      );
      const upload = await chooseUploadMethod(ctx.device, step.raw, batch * sampleBytes * widest);
      const targetMs = stepMs(options.stepModel, batch);
      options.say(`calibrating the GPU load to ${targetMs.toFixed(1)} ms per batch of ${batch}`);
      const calibration = await calibrate({ setMatrix: (n) => step.setMatrix(n), time: (d) => step.run("float32", 0, d) }, targetMs);
      const failure = ctx.failure();
      if (failure) throw new Error(failure);
      const info = describeWebgpu(options, ctx, step, upload, calibration);
      return new WebgpuConsumer(
        ctx,
        step,
        makeUploader(upload.chosen, ctx.device, step.raw),
        new DispatchSplitter(calibration.dispatchesPerBatch, batch),
        sampleBytes,
        info,
      );
    } catch (err) {
      ctx.close();
      throw err;
    }
  }

  describe(): WebgpuInfo {
    return this.info;
  }

  /** Where the calibration ran on the performance.now() clock, so telemetry can tell which GPU it loaded. */
  setCalibrationWindow(window: { startMs: number; endMs: number } | null): void {
    this.info.calibration.window = window;
  }

  setPhysicalGpu(gpu: WebgpuInfo["physicalGpu"]): void {
    this.info.physicalGpu = gpu;
  }

  async process({ batch, dtype, stepSizes }: StepRequest): Promise<DeviceWork> {
    const failure = this.ctx.failure();
    if (failure) throw new ConsumerFailure(failure);
    const upload = await this.uploader.upload(batch.data);
    const computeMs = await this.step.run(dtype, batch.indices.length * this.sampleBytes, this.splitter.forSteps(stepSizes));
    return { endAtMs: performance.now(), busyMs: upload.ms + computeMs, h2dMs: upload.ms, h2dBytes: upload.bytes };
  }

  async close(): Promise<void> {
    this.uploader.destroy();
    this.step.destroy();
    this.ctx.close();
  }
}

function describeWebgpu(
  options: WebgpuConsumerOptions,
  ctx: GpuContext,
  step: DeviceStep,
  upload: UploadProbe,
  calibration: Calibration,
): WebgpuInfo {
  return {
    kind: "webgpu",
    stepModel: options.stepModel,
    adapter: options.adapter,
    physicalGpu: null,
    deviceTiming: ctx.timestamps ? "gpu-timestamps" : "submit-to-completion",
    upload: { method: upload.chosen, bytes: upload.bytes, gbPerS: upload.gbPerS },
    calibration: { ...calibration, batch: options.batch, window: null, matrixN: step.matrixN },
    modelled: [
      `what the GPU computes: ${step.matrixN}x${step.matrixN} float32 matrix multiplies standing in for forward and backward, calibrated to the step model's ${calibration.targetMsPerBatch.toFixed(1)} ms per batch (the time is measured, the work is not your model's)`,
    ],
    selection: options.selection,
  };
}
