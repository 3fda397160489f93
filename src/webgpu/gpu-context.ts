/// <reference types="@webgpu/types" />
import { instanceFlags, type AdapterDescription } from "./adapters.js";
import type { WebgpuModule } from "./module.js";

/** An open device on the chosen adapter, and what went wrong with it, if anything did. */
export interface GpuContext {
  device: GPUDevice;
  /** GPU timestamps around passes (the timestamp-query feature); otherwise device time is submit-to-completion. */
  timestamps: boolean;
  maxBufferBytes: number;
  /** The first validation error or device loss: the next step fails with it. */
  failure(): string | null;
  close(): void;
}

/** Opens the adapter that the probe chose, asking for its largest buffers so big batches fit. */
export async function openGpu(webgpu: WebgpuModule, adapter: AdapterDescription): Promise<GpuContext> {
  let gpu: GPU | null = webgpu.create(instanceFlags(adapter.name));
  const found = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (found === null) throw new Error(`WebGPU adapter '${adapter.name}' is gone since the probe found it`);
  const timestamps = found.features.has("timestamp-query");
  const maxBufferBytes = Math.min(found.limits.maxBufferSize, found.limits.maxStorageBufferBindingSize);
  const device = await found.requestDevice({
    requiredFeatures: timestamps ? ["timestamp-query"] : [],
    requiredLimits: {
      maxBufferSize: found.limits.maxBufferSize,
      maxStorageBufferBindingSize: found.limits.maxStorageBufferBindingSize,
    },
  });
  let failure: string | null = null;
  let closing = false;
  device.lost.then((info) => {
    if (!closing) failure ??= `the GPU device was lost (${info.reason}: ${info.message})`;
  });
  device.addEventListener("uncapturederror", (event) => {
    failure ??= `GPU error: ${(event as GPUUncapturedErrorEvent).error.message.split("\n")[0]}`;
  });
  return {
    device,
    timestamps,
    maxBufferBytes,
    failure: () => failure,
    close: () => {
      closing = true;
      device.destroy();
      // Dawn keeps Node's event loop alive while its instance is referenced.
      gpu = null;
    },
  };
}
