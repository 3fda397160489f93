/**
 * Device step times from published workload configurations, per sample so they scale to any batch.
 * They are models of a GPU step, not measurements of this machine: results say so.
 */
export interface StepPreset {
  secondsPerBatch: number;
  batch: number;
  source: string;
}

export const STEP_PRESETS: Record<string, StepPreset> = {
  "resnet50-h100": {
    secondsPerBatch: 0.224,
    batch: 400,
    source: "MLPerf Storage / DLIO ResNet-50 workload for H100 (computation_time 0.224 s per batch of 400)",
  },
  "resnet50-a100": {
    secondsPerBatch: 0.435,
    batch: 400,
    source: "DLIO resnet50_a100 workload (computation_time 0.435 s per batch of 400)",
  },
  "unet3d-h100": {
    secondsPerBatch: 0.323,
    batch: 7,
    source: "DLIO unet3d_h100 workload (computation_time 0.323 s per batch of 7)",
  },
};

export type StepModel =
  | { kind: "preset"; name: string; msPerSample: number; source: string }
  /** --step-ms: milliseconds for a step of the trial's full batch, scaled for smaller sub-batches. */
  | { kind: "fixed"; msPerBatch: number; batch: number };

export function presetStepModel(name: string): StepModel | null {
  const preset = STEP_PRESETS[name];
  if (!preset) return null;
  return { kind: "preset", name, msPerSample: (preset.secondsPerBatch * 1000) / preset.batch, source: preset.source };
}

/** Modelled device milliseconds for one step over `samples` samples. */
export function stepMs(model: StepModel, samples: number): number {
  return model.kind === "preset" ? model.msPerSample * samples : (model.msPerBatch * samples) / model.batch;
}
