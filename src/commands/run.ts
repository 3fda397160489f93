import { runRenderers } from "../report/report-sets.js";
import { writeReports } from "../report/write-reports.js";
import { readFileSync } from "node:fs";
import { arch, availableParallelism, cpus, hostname, release, type } from "node:os";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { analyseRun, type Analysis } from "../analysis/analyse.js";
import { DEFAULT_THRESHOLDS } from "../analysis/types.js";
import type { Sample } from "../telemetry/types.js";
import { bestTrial } from "../analysis/best.js";
import { judgedView } from "../analysis/loaders.js";
import { ConsumerFailure, type Consumer } from "../harness/consumer.js";
import type { DatasetDescriptor } from "../harness/dataset/descriptor.js";
import { buildPlan, estimateTrialS, type SweepAxes, type TrialSettings } from "../harness/plan.js";
import { stepMs, type StepModel } from "../harness/step-presets.js";
import { outermostMissing, removeEmptyFoldersUpTo } from "../util/created-folders.js";
import { findPageCacheEvictor } from "../harness/page-cache.js";
import { LoaderFailure, runTrial, TrialInterrupted } from "../harness/trial.js";
import type { DryRun, SweepProgress } from "../harness/run-types.js";
import { checkOutFolder, claimRunDir, runDirLabel } from "../store/run-dir.js";
import { RunFiles } from "../store/run-files.js";
import { RESULTS_SCHEMA_VERSION, type RunResults, type TrialResult, type TrialSpec } from "../store/results-schema.js";
import { timelineCsv } from "../store/timeline-csv.js";
import { TIMELINE_SCHEMA_VERSION, type TimelineFile, type TimelineSpan } from "../store/timeline-schema.js";
import { parseMeminfo } from "../telemetry/meminfo.js";
import { nvidiaSmiExecutable } from "../telemetry/nvidia-smi/failures.js";
import { Sampler } from "../telemetry/sampler.js";
import { summarizeTelemetry } from "../telemetry/summary.js";
import { usableCores } from "../telemetry/usable-cores.js";
import { EnvironmentError, UsageError } from "../util/errors.js";
import { toolInfo } from "../util/tool-version.js";
import { usableCacheDir } from "../store/cache-dir.js";
import { peekDataset, prepareDataset, type DatasetChoice } from "./run-dataset.js";
import { chooseConsumer, openConsumer, type ConsumerRequest } from "./run-consumer.js";
import { identifyPhysicalGpu } from "../webgpu/physical-gpu.js";
import { chooseLoaders, type LoaderChoice } from "../torch/choose-loader.js";
import {
  checkLoaderOptions,
  checkTorchFits,
  describeFactory,
  loaderInfo,
  openTorchConsumer,
  runTorchTrial,
  torchConsumerChoice,
  type LoaderOptions,
} from "./run-torch.js";
import type { ConsumerInfo } from "../store/results-schema.js";
import { h5RunNotes } from "../h5/h5wasm-limits.js";
import { datasetNotes } from "../harness/dataset/data-notes.js";

export interface RunOptions {
  /** The sweep's axes; the loaders come from --loader (auto decides them once the interpreter answers). */
  axes: Omit<SweepAxes, "loaders">;
  settings: TrialSettings;
  dataset: DatasetChoice;
  stepModel: StepModel;
  h2dGBPerS: number;
  /** --consumer and --device: the device that stands in for the training step. */
  consumer: ConsumerRequest;
  device: number | null;
  /** --au-target: the AU a configuration must reach to pass. */
  auTarget: number;
  /** --h2d-gbps was given (it means nothing to a real GPU). */
  h2dGiven: boolean;
  dryRun: boolean;
  /** Report files to write beside results.json and the timeline (json: analysis.json). */
  reports: readonly ("html" | "png" | "md" | "json")[];
  intervalMs: number;
  out?: string;
  force: boolean;
  reportsDir: string;
  /** --loader, --python, --dataset-factory and --decoder: who makes the batches. */
  loader: LoaderOptions;
  /** --verbose: the consumer line gives its whole reason, install hints included. */
  verbose?: boolean;
  env: NodeJS.ProcessEnv;
}

export interface RunHooks {
  say(line: string): void;
  progress: SweepProgress;
  signal: AbortSignal;
}

export type RunOutcome = DryRun | { kind: "results"; results: RunResults; outDir: string; analysis: Analysis };

function memoryMiB(): { totalMiB: number | null; availableMiB: number | null } {
  try {
    const m = parseMeminfo(readFileSync("/proc/meminfo", "latin1"));
    return { totalMiB: m.totalMiB, availableMiB: m.availableMiB };
  } catch {
    return { totalMiB: null, availableMiB: null };
  }
}

/** Checks what can be checked before any data is touched or any worker starts. */
function validate(options: RunOptions, count: number, say: (line: string) => void): string[] {
  const { settings, axes } = options;
  const notes: string[] = [];
  const usable = settings.dropLast ? Math.floor(count / settings.batch) : Math.ceil(count / settings.batch);
  if (settings.batch > count || usable < 1) {
    throw new UsageError(
      `--batch ${settings.batch} is larger than the dataset (${count} samples); use a smaller --batch or a bigger dataset (--samples)`,
    );
  }
  if (axes.echoSplit > settings.batch) {
    throw new UsageError(
      `--echo-split ${axes.echoSplit} is more than the ${settings.batch} samples of a batch; use at most --echo-split ${settings.batch}`,
    );
  }
  const cores = usableCores().count;
  const most = Math.max(...axes.workers);
  if (most > cores) {
    const line = `--workers ${most} exceeds the ${cores} usable cores: workers will share cores, and the training process needs one too`;
    notes.push(line);
    say(`warning: ${line}`);
  }
  // A window under a second holds few telemetry samples; with --steps, the device step bounds it from below.
  const deviceMsPerStep = stepMs(options.stepModel, settings.batch);
  const windowMs = settings.durationS !== null ? settings.durationS * 1000 : (settings.steps ?? 0) * deviceMsPerStep;
  if (windowMs < 1000) {
    const what =
      settings.durationS !== null
        ? `--duration ${settings.durationS} s`
        : `--steps ${settings.steps} at ${deviceMsPerStep.toFixed(1)} ms of device time a step (about ${(windowMs / 1000).toFixed(2)} s or a little more)`;
    const line = `${what} gives each trial window only a few telemetry samples: CPU figures and the verdicts built on them are thin; 3 s or more measures steadily`;
    notes.push(line);
    say(`note: ${line}`);
  }
  if (deviceMsPerStep === 0) {
    // A legitimate way to measure the loader alone, but the device advice then describes an infinitely fast GPU.
    const line =
      "--step-ms 0 models a device with no compute (only the host-to-device copy): every loader is input-bound against it, so AU and echo advice describe an infinitely fast GPU; give your model's step (--step-ms or --step) to size the loader for it";
    notes.push(line);
    say(`note: ${line}`);
  }
  return notes;
}

function planEstimate(plan: TrialSpec[], options: RunOptions, datasetFiles: number): number {
  const deviceMsPerStep = stepMs(options.stepModel, options.settings.batch);
  return plan.reduce((sum, spec) => sum + estimateTrialS(spec, options.settings, deviceMsPerStep, datasetFiles), 0);
}

/** `gpuprof run`: the sweep. Library code: returns the outcome, never exits. */
export async function run(options: RunOptions, hooks: RunHooks): Promise<RunOutcome> {
  checkLoaderOptions(options.loader, options.dataset);
  if (options.loader.factory !== null && options.settings.cold) {
    throw new UsageError(
      "--cold does not apply to --dataset-factory: gpuprof cannot see which files your Dataset reads, so it cannot drop them from the page cache; drop them yourself before the run (as root: sync; echo 1 > /proc/sys/vm/drop_caches), or leave out --cold",
    );
  }
  // The user's data is checked (header, dtype, size) before anything is generated or started.
  const peeked = options.loader.factory === null ? await peekDataset(options.dataset) : null;
  // A run that could not save its results is refused before any probe, plan or trial.
  if (options.out !== undefined) checkOutFolder(options.out, options.force);
  const loaders = await chooseLoaders(
    options.loader.requested,
    { python: options.loader.python, factory: options.loader.factory !== null },
    options.env,
  );
  try {
    // A Dataset of the user's that cannot be made is said alone, before anything about the sweep.
    const peek = peeked ?? (await describeFactory(loaders.torch!, options.loader.factory!));
    if (loaders.torch) checkTorchFits(options.loader, loaders.torch, peek.dataset);
    return await sweep(options, hooks, loaders, peek);
  } finally {
    await loaders.torch?.close();
  }
}

async function sweep(
  options: RunOptions,
  hooks: RunHooks,
  loaders: LoaderChoice,
  peek: { dataset: DatasetDescriptor | null; count: number; files: number },
): Promise<RunOutcome> {
  if (!loaders.loaders.includes("torch") && options.axes.pinMemory.includes(true)) {
    throw new UsageError(
      `--pin-memory true sets the torch loader's DataLoader(pin_memory=True), but this sweep runs gpuprof's harness alone (${loaders.reason}); add --loader torch`,
    );
  }
  const plan = buildPlan({ ...options.axes, loaders: loaders.loaders });
  const estimatedS = planEstimate(plan, options, peek.files);
  const harness = loaders.loaders.includes("harness");
  if (options.dryRun) {
    validate(options, peek.count, hooks.say);
    const choice = harness ? await chooseConsumer(consumerOptions(options), options.env) : null;
    const torchConsumer = loaders.torch ? torchConsumerChoice(options.consumer, loaders.torch.ready, options.device) : null;
    return {
      kind: "dry-run",
      plan,
      estimatedS,
      settings: options.settings,
      datasetLabel: peek.dataset?.label ?? `synthetic ${options.dataset.synthetic.format} (${options.dataset.synthetic.count} samples)`,
      datasetReady: peek.dataset !== null,
      consumer: choice
        ? { kind: choice.kind, reason: choice.selection.reason }
        : { kind: torchConsumer!.kind, reason: torchConsumer!.selection.reason },
      loader: { loaders: loaders.loaders, reason: loaders.reason },
    };
  }
  const notes = validate(options, peek.count, hooks.say);
  // A synthetic dataset still to generate needs a writable folder: said before any probe or trial.
  if (options.dataset.data === null && peek.dataset === null) usableCacheDir(options.dataset.cacheDir);
  // --cold needs a tool that drops pages: without one the run stops here, before anything starts.
  const evictor = options.settings.cold ? await findPageCacheEvictor({ env: options.env, say: hooks.say }) : undefined;
  // A GPU that cannot work stops the run here, before any data is generated or any worker starts.
  const choice = harness ? await chooseConsumer(consumerOptions(options), options.env) : null;
  const torchChoice = loaders.torch ? torchConsumerChoice(options.consumer, loaders.torch.ready, options.device) : null;
  // Said once nothing more can be refused, beside the consumer: auto's fallback in one short line.
  if (loaders.torch) hooks.say(`loader: ${loaders.loaders.join(", ")} (${loaders.reason})`);
  else if (loaders.brief !== undefined) hooks.say(options.verbose ? `loader: harness (${loaders.reason})` : loaders.brief);
  // Without a GPU to drive, one short line; the reason (a Vulkan install hint, say) is in results.json and --verbose.
  if (choice) {
    hooks.say(
      choice.kind === "sim" && choice.brief && !options.verbose ? choice.brief : `consumer: ${choice.kind} (${choice.selection.reason})`,
    );
  }
  if (torchChoice && (torchChoice.kind === "cuda" || options.verbose || !choice)) {
    hooks.say(`torch consumer: ${torchChoice.kind} (${torchChoice.selection.reason})`);
  }
  if (choice?.kind === "webgpu" && options.h2dGiven) {
    notes.push("--h2d-gbps sets the sim consumer's modelled copy speed; the webgpu consumer measures its copies, so it was not used");
  }
  const startedAt = new Date();
  // What claiming the run folder creates (reports/ itself on a first run), so a run that measured
  // nothing can take it all back; a user's --out that already existed is never removed.
  const missingBefore = outermostMissing(options.out ?? options.reportsDir);
  const outDir = claimRunDir({
    out: options.out,
    reportsDir: options.reportsDir,
    label: runDirLabel(startedAt, "run"),
    force: options.force,
  });
  const created = options.out !== undefined ? missingBefore : (missingBefore ?? resolve(outDir));
  const files = new RunFiles(outDir);

  let prepared: { dataset: DatasetDescriptor; generated: boolean };
  try {
    prepared =
      peek.dataset?.kind === "python"
        ? { dataset: peek.dataset, generated: false }
        : await prepareDataset(options.dataset, hooks.say, hooks.signal);
  } catch (err) {
    // Nothing was measured: leave no empty folder behind.
    removeEmptyFoldersUpTo(outDir, created);
    throw err;
  }
  const { dataset } = prepared;
  notes.push(...h5RunNotes(dataset));
  // Data that is probably not what the user meant: said now, and kept in the run's notes with the fix.
  for (const line of await datasetNotes(dataset, options.settings.batch)) {
    notes.push(line);
    hooks.say(`warning: ${line}`);
  }
  const memory = memoryMiB();
  // The user's Dataset reads files gpuprof does not see: whether they fit is not known.
  const fits = memory.availableMiB === null || dataset.kind === "python" ? null : dataset.diskBytes < memory.availableMiB * 1024 * 1024;
  // A dataset that fits in RAM is said once, by the page-cache finding (its advice and the dataset line refer to it), not again as a note.
  const sampler = new Sampler({
    intervalMs: options.intervalMs,
    rootPid: process.pid,
    nvidiaSmi: nvidiaSmiExecutable(options.env),
    env: options.env,
    onSamples: (batch) => files.appendSamples(batch),
    onNote: (note) => hooks.say(note.message),
  });
  sampler.start();
  const perfOffset = performance.now() - sampler.nowMs();
  const calibrationStart = sampler.nowMs();
  let consumer: Consumer | null = null;
  let torchInfo: ConsumerInfo | null = null;
  try {
    if (choice) {
      consumer = await openConsumer(
        choice,
        consumerOptions(options),
        { batch: options.settings.batch, sampleShape: dataset.sampleShape, sampleBytes: dataset.sampleBytes, dtypes: options.axes.dtypes },
        options.env,
        hooks.say,
      );
    }
    if (loaders.torch && torchChoice) torchInfo = await openTorchConsumer(loaders.torch, torchChoice, options, hooks.say);
  } catch (err) {
    // Nothing was measured: leave no folder behind (a user's own --out is never removed).
    await consumer?.close();
    sampler.stop();
    files.discardPartialSamples();
    removeEmptyFoldersUpTo(outDir, created);
    throw err;
  }
  const calibrationWindow = { startMs: calibrationStart, endMs: sampler.nowMs() };
  const info = consumer?.describe() ?? torchInfo!;
  if (info.kind === "webgpu") {
    info.calibration.window = { startMs: round1(calibrationWindow.startMs), endMs: round1(calibrationWindow.endMs) };
    const c = info.calibration;
    hooks.say(
      `GPU load: ${c.dispatchesPerBatch} multiplies of ${c.matrixN}x${c.matrixN} a batch take ${c.achievedMsPerBatch.toFixed(1)} ms (target ${c.targetMsPerBatch.toFixed(1)} ms, ${c.gflopsPerS} GFLOP/s); copies by ${info.upload.method}, device time by ${info.deviceTiming}`,
    );
  }

  const results: RunResults = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    kind: "gpuprof.run",
    tool: toolInfo(),
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    interrupted: false,
    host: {
      hostname: hostname(),
      logicalCores: availableParallelism(),
      usableCores: usableCores().count,
      memTotalMiB: memory.totalMiB,
      gpus: [],
      cpuModel: cpus()[0]?.model.trim() ?? null,
      os: `${type()} ${release()} (${arch()})`,
    },
    dataset: {
      label: dataset.label,
      origin: dataset.origin,
      kind: dataset.kind,
      location:
        dataset.kind === "npy" || dataset.kind === "h5"
          ? dataset.path
          : dataset.kind === "python"
            ? `${dataset.file}:${dataset.function}`
            : dataset.root,
      count: dataset.count,
      sampleShape: dataset.sampleShape,
      sampleBytes: dataset.sampleBytes,
      diskBytes: dataset.diskBytes,
      memAvailableMiB: memory.availableMiB,
      fitsInPageCache: fits,
      generatedNow: prepared.generated,
      ...(dataset.kind === "python" ? { sampleDtype: dataset.sampleDtype } : {}),
      ...(dataset.kind === "h5"
        ? { h5: { dataset: dataset.dataset, chunks: dataset.chunkShape, compressed: dataset.compressed, cache: dataset.cache } }
        : {}),
    },
    consumer: info,
    loader: loaderInfo(options.loader, loaders, torchInfo, dataset),
    settings: options.settings,
    plan: { trials: plan, estimatedS: Math.round(estimatedS * 10) / 10 },
    trials: [],
    bestTrialId: null,
    notes,
    telemetryNotes: [],
  };
  const spans: TimelineSpan[] = [];
  const save = (): void => void files.writeJson("results.json", results);
  save();

  let timeline: { samples: Sample[]; spans: TimelineSpan[] } | null = null;
  hooks.progress.start(plan.length, estimatedS);
  try {
    for (const spec of plan) {
      if (hooks.signal.aborted) break;
      hooks.progress.trialStarted(spec);
      let result: TrialResult;
      try {
        const measured =
          spec.loader === "torch"
            ? await runTorchTrial(loaders.torch!, spec, {
                dataset,
                settings: options.settings,
                decoder: options.loader.decoder,
                signal: hooks.signal,
                evictor,
              })
            : await runTrial(spec, { dataset, settings: options.settings, consumer: consumer!, signal: hooks.signal, evictor });
        // The sample that covers the window's last moments lands one interval later.
        await sleep(options.intervalMs + 20);
        const window = { startMs: round1(measured.window.startMs - perfOffset), endMs: round1(measured.window.endMs - perfOffset) };
        const inWindow = sampler.samplesSoFar().filter((s) => s.tMs > window.startMs && s.tMs <= window.endMs);
        result = {
          status: "ok",
          spec,
          window,
          metrics: measured.metrics,
          telemetry: windowTelemetry(inWindow, [], window),
          notes: measured.notes,
        };
        spans.push({ label: `trial ${spec.id}`, trialId: spec.id, ...window });
      } catch (err) {
        if (err instanceof TrialInterrupted) break;
        if (!(err instanceof LoaderFailure) && !(err instanceof ConsumerFailure)) throw err;
        result = { status: "failed", spec, reason: err.message };
      }
      results.trials.push(result);
      save();
      hooks.progress.trialFinished(result);
    }
  } finally {
    hooks.progress.stop();
    await consumer?.close();
    const { samples, notes: telemetryNotes, gpus } = sampler.stop();
    if (info.kind === "webgpu") info.physicalGpu = identifyPhysicalGpu(info.adapter.name, gpus, samples, calibrationWindow);
    results.interrupted = hooks.signal.aborted;
    results.finishedAt = new Date().toISOString();
    results.host.gpus = gpus;
    results.telemetryNotes = telemetryNotes;
    // The configuration the advice names: with torch trials, the best of PyTorch's.
    results.bestTrialId = bestTrial(judgedView(results).trials)?.spec.id ?? null;
    for (const trial of results.trials) {
      if (trial.status === "ok")
        trial.telemetry = windowTelemetry(
          samples.filter((s) => s.tMs > trial.window.startMs && s.tMs <= trial.window.endMs),
          gpus,
          trial.window,
        );
    }
    writeRunFiles(files, results, { samples, gpus, notes: telemetryNotes, spans, intervalMs: options.intervalMs, startedAt });
    timeline = { samples, spans };
  }
  const analysis = analyseRun(results, { ...DEFAULT_THRESHOLDS, auTarget: options.auTarget });
  await writeReports(files, options.reports, runRenderers(results, analysis, timeline));
  return { kind: "results", results, outDir, analysis };
}

/** Telemetry summary of one trial's window; its duration is the window's, not the time since sampling began. */
function windowTelemetry(samples: TimelineFile["samples"], gpus: TimelineFile["gpus"], window: { startMs: number; endMs: number }) {
  return { ...summarizeTelemetry(samples, gpus), durationS: Math.round(window.endMs - window.startMs) / 1000 };
}

function consumerOptions(options: RunOptions) {
  return { requested: options.consumer, device: options.device, stepModel: options.stepModel, h2dGBPerS: options.h2dGBPerS };
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

function writeRunFiles(
  files: RunFiles,
  results: RunResults,
  t: {
    samples: TimelineFile["samples"];
    gpus: TimelineFile["gpus"];
    notes: TimelineFile["notes"];
    spans: TimelineSpan[];
    intervalMs: number;
    startedAt: Date;
  },
): void {
  const timeline: TimelineFile = {
    schemaVersion: TIMELINE_SCHEMA_VERSION,
    kind: "gpuprof.timeline",
    tool: toolInfo(),
    startedAt: t.startedAt.toISOString(),
    intervalMs: t.intervalMs,
    host: { hostname: hostname(), logicalCores: availableParallelism() },
    command: ["gpuprof", "run"],
    gpus: t.gpus,
    notes: t.notes,
    samples: t.samples,
    spans: t.spans,
  };
  try {
    files.writeJson("results.json", results);
    files.writeJson("timeline.json", timeline);
    files.writeText("timeline.csv", timelineCsv(t.samples, t.gpus, t.spans));
    files.discardPartialSamples();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new EnvironmentError(
      `could not write results to ${files.dir} (${code}); what was sampled is in ${files.path("samples.partial.jsonl")}`,
    );
  }
}
