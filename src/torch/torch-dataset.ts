import type { DatasetDescriptor } from "../harness/dataset/descriptor.js";
import type { TorchDataset } from "./protocol.js";

/** How the torch loader reads each kind of data, the way PyTorch users read it (the same files the harness reads). */
export function torchDataset(dataset: DatasetDescriptor, decoder: "pil" | "torchvision"): TorchDataset {
  switch (dataset.kind) {
    case "npy":
      return { kind: "npy", path: dataset.path, count: dataset.count, sampleShape: dataset.sampleShape, layout: dataset.layout ?? "nchw" };
    case "raw-files":
      return { kind: "raw-files", files: dataset.files, sampleShape: dataset.sampleShape };
    case "image-files":
      return { kind: "image-files", files: dataset.files, sampleShape: dataset.sampleShape, decoder };
    case "h5":
      return {
        kind: "h5",
        path: dataset.path,
        dataset: dataset.dataset,
        count: dataset.count,
        sampleShape: dataset.sampleShape,
        cache: dataset.cache,
      };
    case "python":
      return { kind: "factory", file: dataset.file, function: dataset.function };
  }
}
