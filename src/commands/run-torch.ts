import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { DatasetDescriptor, PythonDataset } from "../harness/dataset/descriptor.js";
import { datasetFiles } from "../harness/dataset/descriptor.js";
import type { PageCacheEvictor } from "../harness/page-cache.js";
import type { TrialSettings } from "../harness/plan.js";
import type { TrialMeasurement } from "../harness/trial.js";
import type { ConsumerInfo, LoaderInfo, TrialSpec } from "../store/results-schema.js";
import type { LoaderChoice, LoaderRequest } from "../torch/choose-loader.js";
import type { FromPython } from "../torch/protocol.js";
import { torchDataset } from "../torch/torch-dataset.js";
import type { TorchConsumerRequest, TorchLoader } from "../torch/torch-loader.js";
import { EnvironmentError, UsageError } from "../util/errors.js";
import type { ConsumerRequest } from "./run-consumer.js";
import type { DatasetChoice } from "./run-dataset.js";
import type { StepModel } from "../harness/step-presets.js";

export interface LoaderOptions {
  requested: LoaderRequest[];
  /** --python; undefined: $GPUPROF_PYTHON, else python3 on PATH. */
  python: string | undefined;
  /** --dataset-factory file.py:function. */
  factory: { file: string; function: string } | null;
  /** --decoder: how the torch loader decodes images (torchvision.io only when asked for). */
  decoder: "pil" | "torchvision";
  /** The flags given that apply to a dataset gpuprof reads (refused with --dataset-factory). */
  datasetFlags: string[];
}

type Ready = TorchLoader["ready"];

/** What can be refused before any interpreter starts. */
export function checkLoaderOptions(loader: LoaderOptions, dataset: DatasetChoice): void {
  if (loader.factory === null) return;
  if (loader.datasetFlags.length > 0) {
    const flags = loader.datasetFlags.join(", ");
    throw new UsageError(
      `${flags} ${loader.datasetFlags.length === 1 ? "does" : "do"} not apply to --dataset-factory: your Dataset reads its own data and returns its own dtype; drop ${loader.datasetFlags.length === 1 ? "it" : "them"}`,
    );
  }
  if (dataset.data !== null) throw new UsageError("--data and --dataset-factory both name the data; give one of them");
  const file = resolve(loader.factory.file);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UsageError(
      `--dataset-factory: no file ${loader.factory.file}; give the Python file that defines ${loader.factory.function}, as path/to/file.py:${loader.factory.function}`,
    );
  }
}

/** What the interpreter must have for this data: h5py for HDF5, Pillow or torchvision for images. */
export function checkTorchFits(loader: LoaderOptions, torch: TorchLoader, dataset: DatasetDescriptor | null): void {
  const { ready } = torch;
  const where = `${ready.python.executable} (Python ${ready.python.version})`;
  if (loader.decoder === "torchvision" && ready.torchvision === null) {
    throw new EnvironmentError(
      `--decoder torchvision: torchvision is not installed for ${where}; install it there (pip install torchvision, or apt-get install python3-torchvision), or use --decoder pil`,
    );
  }
  // A synthetic dataset still to generate is known by its format only: the checks below need its kind.
  if (dataset?.kind === "h5" && ready.h5py === null) {
    throw new EnvironmentError(
      `the torch loader reads HDF5 with h5py, which ${where} cannot import; install it there (pip install h5py, or apt-get install python3-h5py)`,
    );
  }
  if (dataset?.kind === "image-files" && loader.decoder === "pil" && ready.pil === null) {
    throw new EnvironmentError(
      `the torch loader decodes images with Pillow, as torchvision's ImageFolder does, which ${where} cannot import; install it there (pip install pillow, or apt-get install python3-pil)`,
    );
  }
}

/** The user's Dataset, opened in Python: its length and what one sample is. */
export async function describeFactory(
  torch: TorchLoader,
  factory: { file: string; function: string },
): Promise<{ dataset: PythonDataset; count: number; files: number }> {
  const file = resolve(factory.file);
  const d = await torch.describe({ kind: "factory", file, function: factory.function });
  const dataset: PythonDataset = {
    kind: "python",
    label: `${factory.file}:${factory.function} (${d.datasetClass}${d.count === null ? ", an IterableDataset of unknown length" : ""})`,
    origin: "user",
    file,
    function: factory.function,
    datasetClass: d.datasetClass,
    iterable: d.iterable,
    sampleDtype: d.sampleDtype,
    // An IterableDataset without __len__ runs epoch after epoch as a training loop would: its length is not known.
    count: d.count ?? 0,
    lengthKnown: d.count !== null,
    sampleShape: d.sampleShape,
    sampleBytes: d.sampleBytes,
    diskBytes: 0,
  };
  return { dataset, count: d.count ?? Number.POSITIVE_INFINITY, files: 0 };
}

export interface TorchConsumerChoice {
  kind: "sim" | "cuda";
  selection: NonNullable<ConsumerInfo["selection"]>;
  /** auto: may fall back to sim if the GPU cannot be opened. */
  fallback: boolean;
}

/** The torch loader's consumer: cuda when torch sees a GPU (auto, or asked for), sim otherwise. */
export function torchConsumerChoice(requested: ConsumerRequest, ready: Ready, device: number | null): TorchConsumerChoice {
  const gpus = ready.torch?.cuda ?? [];
  if (requested === "webgpu") {
    throw new UsageError(
      "--consumer webgpu drives the harness's batches; the torch loader's consumer is cuda (a CUDA GPU through torch) or sim: use --consumer auto, or --loader harness",
    );
  }
  if (requested === "sim")
    return { kind: "sim", selection: { requested, reason: "--consumer sim: the device is modelled" }, fallback: false };
  const index = device ?? 0;
  const gpu = gpus.find((g) => g.index === index);
  if (requested === "cuda") {
    if (gpus.length === 0) {
      throw new EnvironmentError(
        `--consumer cuda: torch in ${ready.python.executable} sees no CUDA GPU (torch.cuda.is_available() is False); use --consumer sim, or a Python whose torch has CUDA: --python /path/to/venv/bin/python`,
      );
    }
    if (!gpu) throw new UsageError(`--device ${index}: torch sees CUDA devices ${gpus.map((g) => g.index).join(", ")}; pick one of them`);
    return { kind: "cuda", selection: { requested, reason: `drives '${gpu.name}' (cuda:${index}) through torch` }, fallback: false };
  }
  if (gpus.length === 0) {
    return { kind: "sim", selection: { requested, reason: "torch sees no CUDA GPU; the device is modelled" }, fallback: false };
  }
  if (!gpu) throw new UsageError(`--device ${index}: torch sees CUDA devices ${gpus.map((g) => g.index).join(", ")}; pick one of them`);
  return {
    kind: "cuda",
    selection: { requested, reason: `torch sees '${gpu.name}' (cuda:${index}): real copies and a calibrated load on it` },
    fallback: true,
  };
}

/** Opens the torch consumer in Python; auto's cuda that fails to open falls back to sim and says why. */
export async function openTorchConsumer(
  torch: TorchLoader,
  choice: TorchConsumerChoice,
  options: { stepModel: StepModel; h2dGBPerS: number; device: number | null; settings: TrialSettings },
  say: (line: string) => void,
): Promise<ConsumerInfo> {
  const request = (kind: "sim" | "cuda", selection: TorchConsumerChoice["selection"]): TorchConsumerRequest => ({
    kind,
    stepModel: options.stepModel,
    h2dGBPerS: options.h2dGBPerS,
    device: options.device,
    batch: options.settings.batch,
    selection,
  });
  try {
    const info = await torch.openConsumer(request(choice.kind, choice.selection));
    if (info.kind === "cuda") {
      const c = info.calibration;
      say(
        `torch GPU load: ${c.matmulsPerBatch} multiplies of ${c.matrixN}x${c.matrixN} a batch take ${c.achievedMsPerBatch.toFixed(1)} ms (target ${c.targetMsPerBatch.toFixed(1)} ms, ${c.tflopsPerS} TFLOP/s); device time by CUDA events`,
      );
    }
    return info;
  } catch (err) {
    if (!choice.fallback || !(err instanceof EnvironmentError)) throw err;
    const reason = `${err.message}; the device is modelled`;
    say(`torch consumer: sim (${reason})`);
    return torch.openConsumer(request("sim", { requested: choice.selection.requested, reason }));
  }
}

/** One trial of the torch loader, --cold's eviction first (as the harness's runTrial does). */
export async function runTorchTrial(
  torch: TorchLoader,
  spec: TrialSpec,
  ctx: {
    dataset: DatasetDescriptor;
    settings: TrialSettings;
    decoder: "pil" | "torchvision";
    signal: AbortSignal;
    evictor: PageCacheEvictor | undefined;
  },
): Promise<TrialMeasurement> {
  if (ctx.settings.cold && ctx.evictor) await ctx.evictor.evict(datasetFiles(ctx.dataset));
  const measured = await torch.runTrial(spec, ctx.settings, torchDataset(ctx.dataset, ctx.decoder), ctx.signal);
  const storage = (measured.metrics.processes ?? []).reduce((s, p) => s + (p.reads?.storageBytes ?? 0), 0);
  if (ctx.settings.cold && storage === 0) {
    measured.notes.push(
      "--cold: no reads reached storage; the page cache eviction had no effect here (a filesystem that ignores posix_fadvise?)",
    );
  }
  return measured;
}

type Versions = Pick<Extract<FromPython, { type: "ready" }>, "numpy" | "h5py" | "pil" | "torchvision">;

/** results.json's loader block: what was asked, why these loaders, and the interpreter with its versions. */
export function loaderInfo(
  options: LoaderOptions,
  loaders: LoaderChoice,
  torchConsumer: ConsumerInfo | null,
  dataset: DatasetDescriptor,
): LoaderInfo {
  const torch = loaders.torch;
  const ready = torch?.ready;
  const versions: Versions | undefined = ready;
  return {
    requested: options.requested,
    reason: loaders.reason,
    torch:
      torch && ready && torchConsumer
        ? {
            interpreter: ready.python.executable,
            pythonVersion: ready.python.version,
            torchVersion: ready.torch?.version ?? "unknown",
            numpyVersion: versions?.numpy ?? null,
            h5pyVersion: versions?.h5py ?? null,
            pilVersion: versions?.pil ?? null,
            torchvisionVersion: versions?.torchvision ?? null,
            decoder: dataset.kind === "image-files" ? options.decoder : null,
            consumer: torchConsumer,
          }
        : null,
  };
}
