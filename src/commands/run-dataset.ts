import { cachedSyntheticDataset, ensureSyntheticDataset, syntheticSpecProblem, type SyntheticSpec } from "../harness/dataset/synthetic.js";
import { datasetFiles, type DatasetDescriptor } from "../harness/dataset/descriptor.js";
import { openUserData, type DataLayout, type H5Options } from "../harness/dataset/open-user-data.js";
import { message } from "../messages/catalogue.js";
import { UsageError } from "../util/errors.js";
import { bytes } from "../util/format.js";

export interface DatasetChoice {
  /** --data, or null for the built-in synthetic dataset. */
  data: string | null;
  synthetic: SyntheticSpec;
  cacheDir: string;
  /** --dataset and the chunk-cache settings, for HDF5 data; `given` names the flags the user set. */
  h5: H5Options & { given: string[] };
  /** --layout: how a .npy array's samples are laid out. */
  layout: DataLayout;
}

async function openChosen(choice: DatasetChoice): Promise<DatasetDescriptor> {
  const dataset = await openUserData(choice.data!, choice.h5, choice.layout);
  if (dataset.kind !== "h5" && choice.h5.given.length > 0) {
    throw new UsageError(
      `${choice.h5.given.join(", ")} appl${choice.h5.given.length === 1 ? "ies" : "y"} to HDF5 data only; drop ${choice.h5.given.length === 1 ? "it" : "them"} or pass an .h5 file with --data`,
    );
  }
  return dataset;
}

/**
 * The dataset a dry run describes: the user's (header only) or the synthetic one, generated or not,
 * with the number of files it spans (what --cold evicts before each trial).
 */
export async function peekDataset(choice: DatasetChoice): Promise<{ dataset: DatasetDescriptor | null; count: number; files: number }> {
  if (choice.data === null && choice.h5.given.length > 0) {
    throw new UsageError(
      `${choice.h5.given.join(", ")} appl${choice.h5.given.length === 1 ? "ies" : "y"} to HDF5 data only; pass an .h5 file with --data`,
    );
  }
  if (choice.data === null && choice.layout !== "nchw") throw new UsageError(message("data.layout.not-npy", { layout: choice.layout }));
  if (choice.data !== null) {
    const dataset = await openChosen(choice);
    return { dataset, count: dataset.count, files: datasetFiles(dataset).length };
  }
  const problem = syntheticSpecProblem(choice.synthetic);
  if (problem !== null) throw new UsageError(problem);
  const { synthetic } = choice;
  return {
    dataset: cachedSyntheticDataset(synthetic, choice.cacheDir),
    count: synthetic.count,
    files: synthetic.format === "npy" ? 1 : synthetic.count,
  };
}

/** Opens the user's data or makes sure the synthetic dataset exists, telling the user when it is generated. */
export async function prepareDataset(
  choice: DatasetChoice,
  say: (line: string) => void,
  signal: AbortSignal,
): Promise<{ dataset: DatasetDescriptor; generated: boolean }> {
  if (choice.data !== null) return { dataset: await openChosen(choice), generated: false };
  const spec = choice.synthetic;
  const cached = cachedSyntheticDataset(spec, choice.cacheDir);
  if (cached) return { dataset: cached, generated: false };
  const rawBytes = spec.count * spec.shape.reduce((a, b) => a * b, 1);
  say(
    `generating the synthetic ${spec.format} dataset (${spec.count} samples of ${spec.shape.join("x")}, ${bytes(rawBytes)} raw) in ${choice.cacheDir}; later runs reuse it`,
  );
  const started = performance.now();
  const made = await ensureSyntheticDataset(spec, choice.cacheDir, undefined, signal);
  say(`dataset ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${bytes(made.dataset.diskBytes)} on disk)`);
  return made;
}
