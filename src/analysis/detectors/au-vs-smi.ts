import { message } from "../../messages/catalogue.js";
import type { RunResults } from "../../store/results-schema.js";
import { realTrials } from "../trials.js";
import type { Finding } from "../types.js";
import type { Thresholds } from "../types.js";

/**
 * On a real GPU, two clocks see the device: gpuprof's measured device time (AU, and its kernel
 * share without the copies) and nvidia-smi's utilization.gpu (share of each 1/6-1 s driver period
 * in which any kernel ran). They should agree; when they do not, that is a finding, not noise.
 * Copies do not count as kernels for nvidia-smi, so it is compared with the kernel share.
 */
export function detectAuVsSmi(results: RunResults, t: Thresholds): Finding {
  const base = { id: "au-vs-smi", title: message("au-vs-smi.title"), basis: "measured" as const, recommend: [] };
  const c = results.consumer;
  if (c.kind === "sim") {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: message("au-vs-smi.summary.sim"),
      evidence: {},
      trials: [],
    };
  }
  // torch numbers CUDA devices as nvidia-smi does when there is one GPU or CUDA_DEVICE_ORDER=PCI_BUS_ID.
  const gpu = c.kind === "cuda" ? { index: c.device.index } : c.physicalGpu;
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
        ? message("au-vs-smi.summary.few-readings", { gpu: String(gpu.index) })
        : message(c.kind === "webgpu" && c.adapter.software ? "au-vs-smi.summary.software" : "au-vs-smi.summary.unmatched", {
            adapter: c.kind === "webgpu" ? c.adapter.name : c.device.name,
          }),
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
      summary: message("au-vs-smi.summary.agree", {
        gpu: String(gpu.index),
        tolerance: tolerancePct.toFixed(0),
        compared: String(compared.length),
        meanDiff: meanAbs.toFixed(1),
      }),
      evidence,
      trials: compared.map((x) => x.id),
    };
  }
  const why = message(worst.diff > 0 ? "au-vs-smi.why.busier" : "au-vs-smi.why.idler");
  return {
    ...base,
    verdict: "issue",
    summary: message("au-vs-smi.summary.disagree", {
      disagree: String(disagree.length),
      compared: String(compared.length),
      gpu: String(gpu.index),
      tolerance: tolerancePct.toFixed(0),
      trial: String(worst.id),
      smi: worst.smiPct.toFixed(0),
      kernels: worst.kernelPct.toFixed(0),
      au: worst.auPct.toFixed(0),
      why,
    }),
    evidence,
    trials: disagree.map((x) => x.id),
  };
}
