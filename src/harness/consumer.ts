import { setTimeout as sleep } from "node:timers/promises";
import type { LoadedBatch } from "./batch-loader.js";
import { stepMs, type StepModel } from "./step-presets.js";

export interface ConsumerInfo {
  kind: "sim";
  stepModel: StepModel;
  h2dGBPerS: number;
  /** What this consumer models instead of measuring; results carry it so no one mistakes it for a measurement. */
  modelled: string[];
}

export interface DeviceWork {
  /** When the device finished this batch's copy and steps (performance.now clock). */
  endAtMs: number;
  /** Device-busy milliseconds: the copy plus every step. */
  busyMs: number;
  h2dMs: number;
}

/**
 * The stand-in for the training step. A real-GPU consumer implements the same interface: it is
 * handed each loaded batch with its step sizes, and the moment the device could start on it.
 */
export interface Consumer {
  describe(): ConsumerInfo;
  process(batch: LoadedBatch, stepSizes: readonly number[], startAtMs: number): Promise<DeviceWork>;
}

/**
 * Simulated device: the batch's bytes cross PCIe at h2dGBPerS, then each step takes the step
 * model's time. The host sleeps through it without using CPU, as it would while a GPU works.
 */
export class SimConsumer implements Consumer {
  constructor(
    private readonly stepModel: StepModel,
    private readonly h2dGBPerS: number,
  ) {}

  describe(): ConsumerInfo {
    return {
      kind: "sim",
      stepModel: this.stepModel,
      h2dGBPerS: this.h2dGBPerS,
      modelled: ["device step time (step model)", `host-to-device copy time (batch bytes at ${this.h2dGBPerS} GB/s)`],
    };
  }

  async process(batch: LoadedBatch, stepSizes: readonly number[], startAtMs: number): Promise<DeviceWork> {
    const h2dMs = batch.data.byteLength / (this.h2dGBPerS * 1e6);
    let busyMs = h2dMs;
    for (const size of stepSizes) busyMs += stepMs(this.stepModel, size);
    const endAtMs = startAtMs + busyMs;
    const remaining = endAtMs - performance.now();
    if (remaining > 0) await sleep(remaining);
    return { endAtMs, busyMs, h2dMs };
  }
}
