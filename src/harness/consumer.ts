import { setTimeout as sleep } from "node:timers/promises";
import type { ConsumerInfo } from "../store/results-schema.js";
import type { LoadedBatch } from "./batch-loader.js";
import type { Dtype } from "../store/trial-axes.js";
import { stepMs, type StepModel } from "./step-presets.js";

export type { ConsumerInfo };

/** One loaded batch handed to the device, with the sizes of the steps it makes. */
export interface StepRequest {
  batch: LoadedBatch;
  dtype: Dtype;
  stepSizes: readonly number[];
  /** When the device could start on it: the later of the batch's arrival and the end of the previous batch's work. */
  startAtMs: number;
}

export interface DeviceWork {
  /** When the device finished this batch's copy and steps (performance.now clock). */
  endAtMs: number;
  /** Device-busy milliseconds: the copy plus every step. */
  busyMs: number;
  h2dMs: number;
  /** Bytes copied to the device (a real device pads to 4). */
  h2dBytes: number;
}

/** The stand-in for the training step: `sim` models the device, `webgpu` drives a real one. */
export interface Consumer {
  describe(): ConsumerInfo;
  process(request: StepRequest): Promise<DeviceWork>;
  close(): Promise<void>;
}

/** A device failure during a trial (lost device, GPU error): the trial fails with this message. */
export class ConsumerFailure extends Error {}

/**
 * Simulated device: the batch's bytes cross PCIe at h2dGBPerS, then each step takes the step
 * model's time. The host sleeps through it without using CPU, as it would while a GPU works.
 */
export class SimConsumer implements Consumer {
  constructor(
    private readonly stepModel: StepModel,
    private readonly h2dGBPerS: number,
    private readonly selection?: ConsumerInfo["selection"],
  ) {}

  describe(): ConsumerInfo {
    return {
      kind: "sim",
      stepModel: this.stepModel,
      h2dGBPerS: this.h2dGBPerS,
      modelled: ["device step time (step model)", `host-to-device copy time (batch bytes at ${this.h2dGBPerS} GB/s)`],
      ...(this.selection ? { selection: this.selection } : {}),
    };
  }

  async process({ batch, stepSizes, startAtMs }: StepRequest): Promise<DeviceWork> {
    const h2dMs = batch.data.byteLength / (this.h2dGBPerS * 1e6);
    let busyMs = h2dMs;
    for (const size of stepSizes) busyMs += stepMs(this.stepModel, size);
    const endAtMs = startAtMs + busyMs;
    const remaining = endAtMs - performance.now();
    if (remaining > 0) await sleep(remaining);
    return { endAtMs, busyMs, h2dMs, h2dBytes: batch.data.byteLength };
  }

  async close(): Promise<void> {}
}
