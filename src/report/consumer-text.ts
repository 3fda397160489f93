import { message } from "../messages/catalogue.js";
import type { ConsumerInfo } from "../store/results-schema.js";

/** The step model in words: a named preset or a fixed time per batch. */
export function stepModelText(c: ConsumerInfo): string {
  return c.stepModel.kind === "preset"
    ? message("report.consumer.preset", { name: c.stepModel.name, ms: c.stepModel.msPerSample.toFixed(3) })
    : message("report.consumer.fixed", { ms: String(c.stepModel.msPerBatch), batch: String(c.stepModel.batch) });
}

/** Which device stood in for the training step, and how it was set up; plain text for every renderer. */
export function consumerText(c: ConsumerInfo): string {
  if (c.kind === "sim") return message("report.consumer.sim", { model: stepModelText(c), gbps: String(c.h2dGBPerS) });
  if (c.kind === "cuda") {
    const k = c.calibration;
    return message("report.consumer.cuda", {
      name: c.device.name,
      index: String(c.device.index),
      capability: c.device.capability,
      matmuls: String(k.matmulsPerBatch),
      n: String(k.matrixN),
      batch: String(k.batch),
      achieved: k.achievedMsPerBatch.toFixed(1),
      target: k.targetMsPerBatch.toFixed(1),
      model: stepModelText(c),
      tflops: String(k.tflopsPerS),
    });
  }
  const gpu = c.physicalGpu
    ? message("report.consumer.gpu", {
        index: String(c.physicalGpu.index),
        bus: c.physicalGpu.busId ? message("report.consumer.gpu.bus", { bus: c.physicalGpu.busId }) : "",
        by: c.physicalGpu.identifiedBy,
      })
    : c.adapter.software
      ? message("report.consumer.gpu.software")
      : message("report.consumer.gpu.unmatched");
  const k = c.calibration;
  const up = c.upload.gbPerS;
  return message("report.consumer.webgpu", {
    adapter: c.adapter.name,
    index: String(c.adapter.index),
    backend: c.adapter.backend,
    gpu,
    method: c.upload.method,
    writeBuffer: String(up["write-buffer"]),
    staging: String(up["mapped-staging"]),
    mb: (c.upload.bytes / 1e6).toFixed(1),
    dispatches: String(k.dispatchesPerBatch),
    n: String(k.matrixN),
    batch: String(k.batch),
    achieved: k.achievedMsPerBatch.toFixed(1),
    target: k.targetMsPerBatch.toFixed(1),
    model: stepModelText(c),
    gflops: String(k.gflopsPerS),
    timing: c.deviceTiming === "gpu-timestamps" ? message("report.consumer.timing.timestamps") : message("report.consumer.timing.submit"),
  });
}

/** What was modelled rather than measured, in one sentence. */
export function modelledText(c: ConsumerInfo): string {
  if (c.kind === "sim") return message("report.consumer.modelled.sim", { model: stepModelText(c), gbps: String(c.h2dGBPerS) });
  return message("report.consumer.modelled.webgpu", { modelled: c.modelled.join("; ") });
}
