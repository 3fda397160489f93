import { SimConsumer, type Consumer, type ConsumerInfo } from "../harness/consumer.js";
import type { Dtype } from "../harness/dtype.js";
import type { StepModel } from "../harness/step-presets.js";
import { EnvironmentError, UsageError } from "../util/errors.js";
import type { AdapterDescription } from "../webgpu/adapters.js";
import { webgpuInstalled } from "../webgpu/module.js";
import { probeAdapter } from "../webgpu/probe.js";

export const CONSUMER_KINDS = ["auto", "sim", "webgpu"] as const;
export type ConsumerRequest = (typeof CONSUMER_KINDS)[number];

export interface ConsumerOptions {
  requested: ConsumerRequest;
  /** --device: an index into WebGPU's adapter list; null lets gpuprof pick the first real GPU. */
  device: number | null;
  stepModel: StepModel;
  h2dGBPerS: number;
}

export type ConsumerChoice =
  | { kind: "sim"; selection: NonNullable<ConsumerInfo["selection"]> }
  | { kind: "webgpu"; selection: NonNullable<ConsumerInfo["selection"]>; adapter: AdapterDescription };

const adapterLabel = (a: AdapterDescription): string => `'${a.name}' (WebGPU adapter ${a.index}, ${a.backend})`;

/**
 * Which consumer a run uses, decided before any data is generated or any worker starts. An explicit
 * `--consumer webgpu` that cannot work stops the run with the reason; `auto` falls back to sim and says why.
 */
export async function chooseConsumer(options: ConsumerOptions, env: NodeJS.ProcessEnv): Promise<ConsumerChoice> {
  const { requested } = options;
  if (requested === "sim") return { kind: "sim", selection: { requested, reason: "--consumer sim: the device is modelled" } };
  if (requested === "auto" && !webgpuInstalled(env)) {
    return {
      kind: "sim",
      selection: {
        requested,
        reason: "the webgpu package is not installed (npm install webgpu to drive a real GPU); the device is modelled",
      },
    };
  }
  const probe = await probeAdapter(options.device, env);
  if (!probe.ok) {
    if (probe.usage) throw new UsageError(probe.problem);
    if (requested === "webgpu") throw new EnvironmentError(`--consumer webgpu: ${probe.problem}`);
    return { kind: "sim", selection: { requested, reason: `no usable GPU through WebGPU (${probe.problem}); the device is modelled` } };
  }
  const adapter = probe.chosen;
  if (requested === "auto" && adapter.software) {
    return {
      kind: "sim",
      selection: {
        requested,
        reason: `the only WebGPU adapter is ${adapterLabel(adapter)}, a CPU implementation, not a GPU; the device is modelled (--consumer webgpu uses it anyway)`,
      },
    };
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
