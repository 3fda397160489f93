import { z } from "zod";
import { ToolSchema } from "./timeline-schema.js";
import { LOADERS } from "./trial-axes.js";

/**
 * 1: one artifact for run, h5 and watch (before it, analysis.json had three shapes and no header).
 * The renderers read only this and the results it was made from; they judge nothing again.
 */
export const ANALYSIS_SCHEMA_VERSION = 1;

export const VerdictSchema = z.enum(["issue", "none", "insufficient-data"]);
export const BasisSchema = z.enum(["measured", "modelled", "measured and modelled"]);

export const AdviceSchema = z.object({
  /** The advice message's id in the catalogue (src/messages), and the values that fill it. */
  template: z.string(),
  values: z.record(z.string(), z.string()),
  knob: z.string(),
  value: z.string(),
  /** The expected gain in words with its basis ("1.80x samples/s against num_workers=0, measured"); null when nothing measured it. */
  gain: z.string().nullable(),
});

/** One detector's verdict with its evidence. */
export const FindingSchema = z.object({
  id: z.string(),
  title: z.string(),
  verdict: VerdictSchema,
  /** One sentence a user can act on, with the numbers in it. */
  summary: z.string(),
  evidence: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  /** Trial ids the finding rests on. */
  trials: z.array(z.number().int()),
  basis: BasisSchema,
  /** Advice this finding asks for, filled in as `recommendations`. */
  recommend: z.array(AdviceSchema),
});

export const RecommendationSchema = z.object({
  findingId: z.string(),
  template: z.string(),
  /** The setting to change (num_workers, rdcc_nbytes, ...) and the value to give it. */
  knob: z.string(),
  value: z.string(),
  /** What it should gain, with its basis; null when no measurement speaks to it. */
  expectedGain: z.string().nullable(),
  /** The advice, Markdown, with the measured values filled in. */
  text: z.string(),
  basis: BasisSchema,
});

export const ThresholdsSchema = z.object({
  /** AU a configuration must reach to pass (DLIO / MLPerf Storage use 0.9 for ResNet-50). */
  auTarget: z.number(),
  /** Stall share of step time that is highly / moderately input-bound (TensorFlow's analyzer: 20% / 5%). */
  highStall: z.number(),
  moderateStall: z.number(),
  /** Throughput within this share of the best counts as just as good. */
  tie: z.number(),
  /** nvidia-smi utilisation and measured kernel time may differ by this share (points / 100) before it is a finding. */
  smiTolerance: z.number(),
});

/** TensorFlow's input-pipeline analyzer levels of a stall: >= highStall high, >= moderateStall moderate. */
export const StallLevelSchema = z.enum(["high", "moderate", "low"]);

const Ratio = z.number().nullable();

/**
 * PyTorch's DataLoader against gpuprof's loader at one setting both measured (same workers, dtype,
 * echo, split and baseline; the harness at its fastest transport there): the share of the harness's
 * samples/s PyTorch reached, and the per-trial times that say where the rest went.
 */
export const LoaderPairSchema = z.object({
  torchTrialId: z.number().int(),
  harnessTrialId: z.number().int(),
  /** torch samples/s over the harness's. */
  share: z.number(),
  torchSamplesPerS: z.number(),
  harnessSamplesPerS: z.number(),
  /** Load time per sample where the loading ran (the workers, or the main process at workers 0), ms. */
  torchLoadMsPerSample: z.number(),
  harnessLoadMsPerSample: z.number(),
  /** Worker to main process per batch, ms (0 at workers 0). */
  torchTransportMs: z.number(),
  harnessTransportMs: z.number(),
  /** The main process's mean wait for a batch before each step, ms. */
  torchWaitMs: z.number(),
  harnessWaitMs: z.number(),
  /** Where PyTorch's extra time goes; "faster" and "same" where it has none. */
  cause: z.enum(["load", "transport", "main", "same", "faster"]),
});

/**
 * The run's answer, decided once by the analysis: which configuration is best and the comparisons
 * behind it, each with the trial ids it rests on (a configuration with repeats is named by its first).
 */
export const RunAnswerSchema = z.object({
  /** Set when the sweep was interrupted: the verdicts rest on the trials that finished. */
  partial: z.object({ finished: z.number().int(), planned: z.number().int() }).nullable(),
  failedTrials: z.number().int(),
  best: z
    .object({
      trialId: z.number().int(),
      samplesPerS: z.number(),
      au: z.number(),
      stallFraction: z.number(),
      level: StallLevelSchema,
      /** What limits the best configuration: the device step, the consumer's own host work, or loading (with workers to spare, or already at the usable cores). */
      limit: z.enum(["device", "host-overhead", "loading", "loading-at-cores"]),
      hostOverheadFraction: z.number().nullable(),
      repeats: z.object({ count: z.number().int(), spread: z.number() }).nullable(),
    })
    .nullable(),
  /** The fastest configuration when a cheaper one within the tie was picked as best. */
  fastest: z.object({ trialId: z.number().int(), samplesPerS: z.number(), ratioToBest: Ratio }).nullable(),
  /** The best configuration against loading on the training thread (workers 0) at its other settings. */
  vsInline: z.object({ trialId: z.number().int(), samplesRatio: Ratio, auFrom: z.number(), auTo: z.number() }).nullable(),
  dtypePairs: z.array(z.object({ trialId: z.number().int(), dtype: z.string(), samplesRatio: Ratio, bytesRatio: Ratio })),
  transports: z.array(
    z.object({
      workers: z.number().int(),
      dtype: z.string(),
      entries: z.array(
        z.object({
          trialId: z.number().int(),
          transport: z.string(),
          samplesPerS: z.number(),
          msPerBatch: z.number(),
          bytesCopied: z.number(),
        }),
      ),
    }),
  ),
  echoPairs: z.array(
    z.object({
      trialId: z.number().int(),
      plainTrialId: z.number().int(),
      echo: z.number().int(),
      stepsRatio: Ratio,
      samplesRatio: Ratio,
      auFrom: z.number(),
      auTo: z.number(),
    }),
  ),
  worst: z.object({ trialId: z.number().int(), au: z.number(), level: StallLevelSchema, waitP95Ms: z.number() }).nullable(),
  ceiling: z
    .object({ trialId: z.number().int(), samplesPerS: z.number(), shareReached: z.number(), deviceLimited: z.boolean() })
    .nullable(),
  /** Every repeat read its data: the totals count them all. */
  reads: z.object({ allBytes: z.number(), storageBytes: z.number() }),
  /** One entry per configuration that finished: its mean over the repeats, as every finding judges it. */
  configurations: z.array(
    z.object({ trialId: z.number().int(), trialIds: z.array(z.number().int()), samplesPerS: z.number(), au: z.number() }),
  ),
  /** The stall level of every finished trial, for tables and charts. */
  trialLevels: z.array(z.object({ trialId: z.number().int(), level: StallLevelSchema })),
  /**
   * Whose trials the findings and the answer judge: torch whenever the run has torch trials (the advice
   * quotes what was measured on PyTorch), else the harness. configurations and trialLevels cover both.
   */
  judged: z.enum(LOADERS).default("harness"),
  /** Runs with both loaders: PyTorch against the harness at each setting both measured. */
  loaderPairs: z.array(LoaderPairSchema).default([]),
});

/** analysis.json for run, h5 and watch alike. */
export const AnalysisFileSchema = z.object({
  kind: z.literal("gpuprof.analysis"),
  schemaVersion: z.literal(ANALYSIS_SCHEMA_VERSION),
  tool: ToolSchema,
  /** Which command's results were analysed. */
  source: z.enum(["run", "h5", "watch"]),
  /** The overall verdict in words (run: the diagnosis; h5 and watch: their one finding's state). */
  verdict: z.string(),
  /** The verdict as titles and cards show it: a run whose AU rests on a modelled device names that device. */
  headline: z.string(),
  thresholds: ThresholdsSchema.nullable(),
  findings: z.array(FindingSchema),
  recommendations: z.array(RecommendationSchema),
  /** The run's answer; null for h5 and watch, whose one finding is their answer. */
  answer: RunAnswerSchema.nullable(),
});

export type Verdict = z.infer<typeof VerdictSchema>;
export type Basis = z.infer<typeof BasisSchema>;
export type Advice = z.infer<typeof AdviceSchema>;
export type Finding = z.infer<typeof FindingSchema>;
export type Recommendation = z.infer<typeof RecommendationSchema>;
export type Thresholds = z.infer<typeof ThresholdsSchema>;
export type StallLevel = z.infer<typeof StallLevelSchema>;
export type RunAnswer = z.infer<typeof RunAnswerSchema>;
export type LoaderPair = z.infer<typeof LoaderPairSchema>;
export type AnalysisFile = z.infer<typeof AnalysisFileSchema>;
/** A run's analysis: the artifact with the parts a run always has. */
export type RunAnalysis = AnalysisFile & { source: "run"; thresholds: Thresholds; answer: RunAnswer };
