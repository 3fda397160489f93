import type { ConsumerInfo } from "../store/results-schema.js";

/** The step model in words: a named preset or a fixed time per batch. */
export function stepModelText(c: ConsumerInfo): string {
  return c.stepModel.kind === "preset"
    ? `${c.stepModel.name}, ${c.stepModel.msPerSample.toFixed(3)} ms per sample`
    : `${c.stepModel.msPerBatch} ms per batch of ${c.stepModel.batch}`;
}

/** Which device stood in for the training step, and how it was set up; plain text for every renderer. */
export function consumerText(c: ConsumerInfo): string {
  if (c.kind === "sim") return `Consumer: sim (device modelled: ${stepModelText(c)}; copies at ${c.h2dGBPerS} GB/s).`;
  const gpu = c.physicalGpu
    ? `nvidia-smi GPU ${c.physicalGpu.index}${c.physicalGpu.busId ? ` at ${c.physicalGpu.busId}` : ""}, identified by ${c.physicalGpu.identifiedBy}`
    : c.adapter.software
      ? "a CPU implementation of Vulkan, not a GPU"
      : "not matched to an nvidia-smi GPU";
  const k = c.calibration;
  const up = c.upload.gbPerS;
  return (
    `Consumer: webgpu on '${c.adapter.name}' (WebGPU adapter ${c.adapter.index}, ${c.adapter.backend}; ${gpu}). ` +
    `Copies by ${c.upload.method} (${up["write-buffer"]} GB/s with queue.writeBuffer, ${up["mapped-staging"]} GB/s through a mapped staging buffer, on ${(c.upload.bytes / 1e6).toFixed(1)} MB). ` +
    `Load: ${k.dispatchesPerBatch} multiplies of ${k.matrixN}x${k.matrixN} float32 per batch of ${k.batch}, ${k.achievedMsPerBatch.toFixed(1)} ms measured against a target of ${k.targetMsPerBatch.toFixed(1)} ms (${stepModelText(c)}), ${k.gflopsPerS} GFLOP/s. ` +
    `Device time by ${c.deviceTiming === "gpu-timestamps" ? "GPU timestamps" : "submit-to-completion timing (this adapter has no timestamp queries)"}.`
  );
}

/** What was modelled rather than measured, in one sentence. */
export function modelledText(c: ConsumerInfo): string {
  if (c.kind === "sim") {
    return `Modelled, not measured: the device step (${stepModelText(c)}) and the host-to-device copy (${c.h2dGBPerS} GB/s). Everything else was measured on this machine.`;
  }
  return `Measured on the device: host-to-device copies and device time. Modelled: ${c.modelled.join("; ")}.`;
}
