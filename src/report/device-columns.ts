import { message } from "../messages/catalogue.js";
import type { RunResults, TrialResult } from "../store/results-schema.js";
import { judgedConsumer } from "./torch-text.js";

type OkTrial = Extract<TrialResult, { status: "ok" }>;

export interface DeviceColumns {
  head: string[];
  cells(t: OkTrial): string[];
}

function smiUtil(t: OkTrial, index: number | null): string {
  const gpus = index === null ? t.telemetry.gpus : t.telemetry.gpus.filter((g) => g.index === index);
  const utils = gpus.map((g) => g.utilPct?.mean).filter((v): v is number => v !== undefined);
  return utils.length > 0 ? utils.map((u) => `${u.toFixed(0)}%`).join(" ") : "-";
}

/**
 * The columns that sit beside AU: nvidia-smi utilisation when there are GPUs (only the driven GPU's
 * when gpuprof knows which it is), and the measured copy speed and step time on a real GPU.
 */
export function deviceColumns(results: RunResults): DeviceColumns {
  const c = judgedConsumer(results);
  const withGpu = results.host.gpus.length > 0;
  const measured = c.kind !== "sim";
  const driven = c.kind === "webgpu" ? (c.physicalGpu?.index ?? null) : c.kind === "cuda" ? c.device.index : null;
  return {
    head: [
      ...(withGpu ? [message("report.col.gpu-util")] : []),
      ...(measured ? [message("report.col.h2d"), message("report.col.step-ms")] : []),
    ],
    cells: (t) => [
      ...(withGpu ? [smiUtil(t, driven)] : []),
      ...(measured ? [t.metrics.device.h2dGBPerS.toFixed(1), t.metrics.device.deviceMsPerStep.toFixed(1)] : []),
    ],
  };
}
