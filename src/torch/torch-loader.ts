import { TrialInterrupted } from "../harness/trial.js";
import { LoaderFailure } from "../harness/batch-loader.js";
import type { TrialMeasurement } from "../harness/trial.js";
import type { TrialSettings } from "../harness/plan.js";
import { metricsFromRecords } from "../harness/trial-metrics.js";
import type { ConsumerInfo, TrialSpec } from "../store/results-schema.js";
import { EnvironmentError, UsageError } from "../util/errors.js";
import type { FromPython, TorchConsumerInfo, TorchDataset } from "./protocol.js";
import { PythonSide, PythonSideGone } from "./python-side.js";
import type { StepModel } from "../harness/step-presets.js";

type Ready = Extract<FromPython, { type: "ready" }>;
type TrialDone = Extract<FromPython, { type: "trial-done" }>;

/** Silence that means the Python side hung: it reports progress every second while a trial runs. */
export const TRIAL_SILENCE_MS = 120_000;
/** How long a stopped trial may take to shut its DataLoader down before its process group is ended. */
const STOP_GRACE_MS = 5000;

export interface TorchConsumerRequest {
  kind: "sim" | "cuda";
  stepModel: StepModel;
  h2dGBPerS: number;
  device: number | null;
  batch: number;
  selection: NonNullable<ConsumerInfo["selection"]>;
}

const MIB_ROUND = (v: number): number => Math.round(v * 10) / 10;

/** CLOCK_MONOTONIC milliseconds at performance.now() === 0: Python's time.monotonic_ns is on that clock. */
function monotonicMsAtPerfZero(): number {
  return Number(process.hrtime.bigint()) / 1e6 - performance.now();
}

/** The consumer the Python side opened, in the results' own terms. */
export function torchConsumerInfo(info: TorchConsumerInfo, request: TorchConsumerRequest): ConsumerInfo {
  if (info.kind === "sim") {
    return {
      kind: "sim",
      stepModel: request.stepModel,
      h2dGBPerS: info.h2dGBPerS,
      modelled: ["device step time (step model)", `host-to-device copy time (batch bytes at ${info.h2dGBPerS} GB/s)`],
      selection: request.selection,
    };
  }
  return {
    kind: "cuda",
    stepModel: request.stepModel,
    device: info.device,
    calibration: info.calibration,
    modelled: [],
    selection: request.selection,
  };
}

/**
 * The user's PyTorch DataLoader, driven in gpuprof's Python process: one trial at a time, each with
 * a fresh DataLoader. An interpreter that dies in a trial fails that trial; the next starts a new one.
 */
export class TorchLoader {
  private consumerInfo: ConsumerInfo | null = null;

  private constructor(
    private side: PythonSide,
    readonly ready: Ready,
    private readonly env: NodeJS.ProcessEnv,
    private consumerRequest: TorchConsumerRequest | null = null,
  ) {}

  static async start(interpreter: string, env: NodeJS.ProcessEnv): Promise<TorchLoader> {
    const { side, ready } = await PythonSide.start(interpreter, env);
    return new TorchLoader(side, ready, env);
  }

  get interpreter(): string {
    return this.side.interpreter;
  }

  get pid(): number | undefined {
    return this.side.pid;
  }

  /** Opens the dataset in Python and says what a sample is (the user's own Dataset is known only there). */
  async describe(dataset: TorchDataset): Promise<Extract<FromPython, { type: "described" }>> {
    const reply = await this.side.request({ type: "describe", dataset }, ["described"], 300_000);
    if (reply.type === "error") throw reply.usage ? new UsageError(reply.problem) : new EnvironmentError(reply.problem);
    return reply as Extract<FromPython, { type: "described" }>;
  }

  async openConsumer(request: TorchConsumerRequest): Promise<ConsumerInfo> {
    const { selection: _selection, ...asked } = request;
    const reply = await this.side.request({ type: "open-consumer", consumer: asked }, ["consumer"], 300_000);
    if (reply.type === "error") throw new EnvironmentError(`the torch loader's ${request.kind} consumer: ${reply.problem}`);
    this.consumerRequest = request;
    this.consumerInfo = torchConsumerInfo((reply as Extract<FromPython, { type: "consumer" }>).info, request);
    return this.consumerInfo;
  }

  /** One trial; throws LoaderFailure (the trial failed) or TrialInterrupted, as the harness's runTrial does. */
  async runTrial(spec: TrialSpec, settings: TrialSettings, dataset: TorchDataset, signal: AbortSignal): Promise<TrialMeasurement> {
    if (signal.aborted) throw new TrialInterrupted("interrupted");
    await this.revive();
    const side = this.side;
    const ends = (m: FromPython): boolean =>
      (m.type === "trial-done" || m.type === "trial-failed" || m.type === "trial-stopped") && m.id === spec.id;
    // Every message (progress included) restarts the watchdog's clock.
    let lastHeard = performance.now();
    side.onMessage = () => {
      lastHeard = performance.now();
    };
    const outcome = side.next((m) => ends(m) || m.type === "error");
    const onAbort = (): void => side.send({ type: "stop" });
    signal.addEventListener("abort", onAbort, { once: true });
    const watchdog = setInterval(() => {
      if (performance.now() - lastHeard > TRIAL_SILENCE_MS) side.kill();
    }, 1000);
    side.send({
      type: "trial",
      trial: {
        id: spec.id,
        workers: spec.workers,
        dtype: spec.dtype,
        pinMemory: spec.pinMemory,
        echo: spec.echo,
        echoSplit: spec.echoSplit,
        baseline: spec.baseline,
        batch: settings.batch,
        prefetch: settings.prefetch,
        dropLast: settings.dropLast,
        order: settings.order,
        seed: settings.seed,
        warmupSteps: settings.warmupSteps,
        durationS: settings.durationS,
        steps: settings.steps,
        dataset,
      },
    });
    let reply: FromPython;
    try {
      reply = await outcome;
    } catch (err) {
      if (!(err instanceof PythonSideGone)) throw err;
      if (signal.aborted) throw new TrialInterrupted("interrupted");
      const silent = performance.now() - lastHeard > TRIAL_SILENCE_MS;
      const output = side.lastOutput().slice(-3).join(" | ");
      throw new LoaderFailure(
        silent
          ? `the torch loader gave no sign of life for ${TRIAL_SILENCE_MS / 1000} s (a DataLoader that hangs?); its processes were ended`
          : `gpuprof's Python process ${err.message}${output ? ` (it printed: ${output})` : ""}`,
      );
    } finally {
      clearInterval(watchdog);
      signal.removeEventListener("abort", onAbort);
    }
    if (reply.type === "trial-stopped" || signal.aborted) {
      if (reply.type !== "trial-stopped") await this.awaitStopped(spec.id);
      throw new TrialInterrupted("interrupted");
    }
    if (reply.type === "error") throw new LoaderFailure(reply.problem);
    if (reply.type === "trial-failed") throw new LoaderFailure(reply.where ? `${reply.reason} (at ${reply.where})` : reply.reason);
    return this.measurement(reply as TrialDone);
  }

  async close(): Promise<void> {
    await this.side.close();
  }

  /** Ends the interpreter and its workers at once (a second Ctrl-C). */
  kill(): void {
    this.side.kill();
  }

  private async awaitStopped(id: number): Promise<void> {
    try {
      await this.side.next((m) => m.type === "trial-stopped" && m.id === id, STOP_GRACE_MS);
    } catch {
      this.side.kill();
    }
  }

  /** After a crash or a hang: a new interpreter, with the consumer opened again. */
  private async revive(): Promise<void> {
    if (this.side.alive) return;
    this.side.kill();
    this.side = (await PythonSide.start(this.side.interpreter, this.env)).side;
    if (this.consumerRequest) await this.openConsumer(this.consumerRequest);
  }

  private measurement(done: TrialDone): TrialMeasurement {
    const zero = monotonicMsAtPerfZero();
    const window = { startMs: done.window.startNs / 1e6 - zero, endMs: done.window.endNs / 1e6 - zero };
    const processes = done.processes;
    const sum = (f: (p: (typeof processes)[number]) => number): number => processes.reduce((s, p) => s + f(p), 0);
    const withReads = processes.filter((p) => p.reads !== null);
    const metrics = metricsFromRecords(done.batches, {
      windowMs: (done.window.endNs - done.window.startNs) / 1e6,
      modelled: done.deviceBasis === "modelled",
      processCpu: { userS: Math.round(sum((p) => p.userS) * 1000) / 1000, systemS: Math.round(sum((p) => p.systemS) * 1000) / 1000 },
      // The processes' own peaks, added: an upper bound of the tree's peak, as the peaks need not coincide.
      peakRssMiB: MIB_ROUND(sum((p) => p.peakRssMiB)),
      startRssMiB: MIB_ROUND(done.startRssMiB ?? 0),
      reads:
        withReads.length === 0
          ? null
          : {
              allBytes: withReads.reduce((s, p) => s + p.reads!.allBytes, 0),
              storageBytes: withReads.reduce((s, p) => s + p.reads!.storageBytes, 0),
            },
    });
    return {
      window,
      notes: done.notes,
      metrics: { ...metrics, firstBatchMs: Math.round(done.firstBatchMs * 1000) / 1000, processes },
    };
  }
}
