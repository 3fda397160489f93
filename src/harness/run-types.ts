/** The types of a run's plan and progress, shared by commands/run.ts and the renderers in report/. */
import type { ConsumerInfo } from "./consumer.js";
import type { TrialSettings } from "./plan.js";
import type { TrialResult, TrialSpec } from "../store/results-schema.js";
import type { AdapterDescription } from "../webgpu/adapters.js";

export type ConsumerChoice =
  | {
      kind: "sim";
      selection: NonNullable<ConsumerInfo["selection"]>;
      /** auto's fallback in one short line, said instead of the reason unless --verbose. */
      brief?: string;
    }
  | { kind: "webgpu"; selection: NonNullable<ConsumerInfo["selection"]>; adapter: AdapterDescription };

export interface SweepProgress {
  start(trials: number, estimatedS: number): void;
  trialStarted(spec: TrialSpec): void;
  trialFinished(result: TrialResult): void;
  stop(): void;
}

export interface DryRun {
  kind: "dry-run";
  plan: TrialSpec[];
  estimatedS: number;
  settings: TrialSettings;
  datasetLabel: string;
  datasetReady: boolean;
  consumer: { kind: ConsumerChoice["kind"] | "cuda"; reason: string };
  /** The loaders the plan runs, and why (auto's choice). */
  loader: { loaders: readonly ("harness" | "torch")[]; reason: string };
}
