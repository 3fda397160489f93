import type { RunResults } from "../../store/results-schema.js";
import { realTrials } from "../trials.js";
import type { Finding } from "../types.js";
import type { Thresholds } from "../types.js";

const points = (v: number): string => `${v.toFixed(0)} points`;

/**
 * On a real GPU, two clocks see the device: gpuprof's measured device time (AU, and its kernel
 * share without the copies) and nvidia-smi's utilization.gpu (share of each 1/6-1 s driver period
 * in which any kernel ran). They should agree; when they do not, that is a finding, not noise.
 * Copies do not count as kernels for nvidia-smi, so it is compared with the kernel share.
 */
export function detectAuVsSmi(results: RunResults, t: Thresholds): Finding {
  const base = { id: "au-vs-smi", title: "AU against nvidia-smi", basis: "measured" as const, recommend: [] };
  const c = results.consumer;
  if (c.kind === "sim") {
    return {
      ...base,
      verdict: "insufficient-data",
      summary:
        "The device step was modelled (sim consumer), so the GPU did none of gpuprof's work and nvidia-smi's utilisation says nothing about this loader; --consumer webgpu drives the GPU for real.",
      evidence: {},
      trials: [],
    };
  }
  const gpu = c.physicalGpu;
  const compared = realTrials(results).flatMap((trial) => {
    const smi = gpu ? trial.telemetry.gpus.find((g) => g.index === gpu.index)?.utilPct : null;
    if (!smi || smi.coverage < 0.5) return [];
    const m = trial.metrics;
    const kernelPct = (100 * (m.device.deviceBusyS - (m.device.h2dMsPerBatch * m.batches) / 1000)) / m.windowS;
    return [{ id: trial.spec.id, smiPct: smi.mean, kernelPct, auPct: m.au * 100, diff: smi.mean - kernelPct }];
  });
  if (!gpu || compared.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: gpu
        ? `nvidia-smi gave too few utilisation readings for GPU ${gpu.index} inside the trial windows to compare with the measured device time; lengthen --duration.`
        : c.adapter.software
          ? `The adapter '${c.adapter.name}' runs on the CPU, so nvidia-smi has no GPU of it to report.`
          : `The WebGPU adapter '${c.adapter.name}' could not be matched to an nvidia-smi GPU (no nvidia-smi, several GPUs of that name, or none whose utilisation rose during calibration).`,
      evidence: {},
      trials: [],
    };
  }
  const tolerancePct = t.smiTolerance * 100;
  const worst = compared.reduce((a, b) => (Math.abs(b.diff) > Math.abs(a.diff) ? b : a));
  const meanAbs = compared.reduce((sum, x) => sum + Math.abs(x.diff), 0) / compared.length;
  const disagree = compared.filter((x) => Math.abs(x.diff) > tolerancePct);
  const evidence = {
    gpuIndex: gpu.index,
    trialsCompared: compared.length,
    trialsDisagreeing: disagree.length,
    meanAbsDiffPoints: Math.round(meanAbs * 10) / 10,
    worstTrial: worst.id,
    worstSmiPct: Math.round(worst.smiPct * 10) / 10,
    worstKernelPct: Math.round(worst.kernelPct * 10) / 10,
    worstAuPct: Math.round(worst.auPct * 10) / 10,
    tolerancePoints: tolerancePct,
  };
  if (disagree.length === 0) {
    return {
      ...base,
      verdict: "none",
      summary: `nvidia-smi's utilisation of GPU ${gpu.index} agrees with the measured kernel time within ${points(tolerancePct)} in all ${compared.length} trials (mean difference ${meanAbs.toFixed(1)} points): AU here is what the GPU saw.`,
      evidence,
      trials: compared.map((x) => x.id),
    };
  }
  const why =
    worst.diff > 0
      ? "nvidia-smi shows the GPU busier than gpuprof's kernels kept it: utilization.gpu counts a period as busy if any kernel ran in it, so gaps shorter than its 1/6-1 s period vanish, and another process on the GPU counts too. Trust AU for input stalls."
      : "nvidia-smi shows the GPU idler than the measured kernel time: its periods are coarse against short trials, or the driver reports utilisation late; lengthen --duration before trusting either.";
  return {
    ...base,
    verdict: "issue",
    summary: `In ${disagree.length} of ${compared.length} trials nvidia-smi's utilisation of GPU ${gpu.index} differs from the measured kernel time by more than ${points(tolerancePct)} (worst: trial ${worst.id}, smi ${worst.smiPct.toFixed(0)}% against kernels ${worst.kernelPct.toFixed(0)}%, AU ${worst.auPct.toFixed(0)}%). ${why}`,
    evidence,
    trials: disagree.map((x) => x.id),
  };
}
