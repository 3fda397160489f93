import { SimConsumer, type Consumer } from "../harness/consumer.js";
import type { Dtype } from "../store/trial-axes.js";
import type { ConsumerChoice } from "../harness/run-types.js";
import type { StepModel } from "../harness/step-presets.js";
import { EnvironmentError, UsageError } from "../util/errors.js";
import type { AdapterDescription } from "../webgpu/adapters.js";
import { webgpuInstalled } from "../webgpu/module.js";
import { probeAdapter } from "../webgpu/probe.js";
import { message } from "../messages/catalogue.js";

export const CONSUMER_KINDS = ["auto", "sim", "webgpu", "cuda"] as const;
export type ConsumerRequest = (typeof CONSUMER_KINDS)[number];

export interface ConsumerOptions {
  requested: ConsumerRequest;
  /** --device: an index into WebGPU's adapter list; null lets gpuprof pick the first real GPU. */
  device: number | null;
  stepModel: StepModel;
  h2dGBPerS: number;
}

const adapterLabel = (a: AdapterDescription): string => `'${a.name}' (WebGPU adapter ${a.index}, ${a.backend})`;

/**
 * Which consumer a run uses, decided before any data is generated or any worker starts. An explicit
 * `--consumer webgpu` that cannot work stops the run with the reason; `auto` falls back to sim and says why.
 */
export async function chooseConsumer(options: ConsumerOptions, env: NodeJS.ProcessEnv): Promise<ConsumerChoice> {
  const { requested, device } = options;
  if (requested === "cuda") {
    throw new UsageError(
      "--consumer cuda is the torch loader's consumer (a CUDA GPU through torch); the harness's are sim and webgpu: use --loader torch, or --consumer auto",
    );
  }
  if (requested === "sim" && device !== null) {
    throw new UsageError(
      `--device ${device} picks a WebGPU adapter, which the sim consumer does not use; drop --device, or drive the adapter with --consumer webgpu --device ${device}`,
    );
  }
  if (requested === "sim") return { kind: "sim", selection: { requested, reason: "--consumer sim: the device is modelled" } };
  // auto falling back to sim: a --device given with it picked nothing, and the user is told so.
  // A --device that picked nothing is always said in full; otherwise the reason waits for --verbose.
  const fallback = (reason: string, brief: string): ConsumerChoice => ({
    kind: "sim",
    selection: {
      requested,
      reason: device === null ? reason : `${reason}; --device ${device} was not used, as it picks a WebGPU adapter for the webgpu consumer`,
    },
    ...(device === null ? { brief } : {}),
  });
  const noGpu = message("terminal.consumer.no-gpu");
  if (requested === "auto" && !webgpuInstalled(env)) {
    return fallback(
      "the webgpu package is not installed (npm install webgpu to drive a real GPU); the device is modelled",
      message("terminal.consumer.no-package"),
    );
  }
  const probe = await probeAdapter(device, env);
  if (!probe.ok) {
    if (probe.usage) throw new UsageError(probe.problem);
    if (requested === "webgpu") throw new EnvironmentError(`--consumer webgpu: ${probe.problem}`);
    return fallback(`no usable GPU through WebGPU (${probe.problem}); the device is modelled`, noGpu);
  }
  const adapter = probe.chosen;
  if (requested === "auto" && adapter.software && device !== null) {
    // The adapter --device picked is a CPU implementation, which auto never drives: say so, not "the only adapter".
    return {
      kind: "sim",
      selection: {
        requested,
        reason: `--device ${device} is ${adapterLabel(adapter)}, a CPU implementation, not a GPU, which --consumer auto does not drive, so --device ${device} was not used; the device is modelled (--consumer webgpu --device ${device} uses it anyway)`,
      },
    };
  }
  if (requested === "auto" && adapter.software) {
    return fallback(
      `the only WebGPU adapter is ${adapterLabel(adapter)}, a CPU implementation, not a GPU; the device is modelled (--consumer webgpu uses it anyway)`,
      noGpu,
    );
  }
  const software = adapter.software ? ": a CPU implementation of Vulkan, so device times measure this CPU, not a GPU" : "";
  return { kind: "webgpu", adapter, selection: { requested, reason: `drives ${adapterLabel(adapter)}${software}` } };
}

export interface ConsumerShape {
  batch: number;
  sampleShape: number[];
  sampleBytes: number;
  dtypes: readonly Dtype[];
}

/** Opens the chosen consumer; the webgpu one loads Dawn in this process and calibrates its load. */
export async function openConsumer(
  choice: ConsumerChoice,
  options: ConsumerOptions,
  shape: ConsumerShape,
  env: NodeJS.ProcessEnv,
  say: (line: string) => void,
): Promise<Consumer> {
  if (choice.kind === "sim") return new SimConsumer(options.stepModel, options.h2dGBPerS, choice.selection);
  const { importWebgpu } = await import("../webgpu/module.js");
  const imported = await importWebgpu(env);
  if (!imported.ok) throw new EnvironmentError(`--consumer webgpu: ${imported.problem}`);
  const { WebgpuConsumer } = await import("../webgpu/consumer.js");
  try {
    return await WebgpuConsumer.open({
      webgpu: imported.module,
      adapter: choice.adapter,
      stepModel: options.stepModel,
      ...shape,
      selection: choice.selection,
      say,
    });
  } catch (err) {
    if (err instanceof EnvironmentError || err instanceof UsageError) throw err;
    throw new EnvironmentError(
      `the GPU consumer could not start on '${choice.adapter.name}': ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
