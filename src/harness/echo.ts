import { seededPermutation } from "./index-order.js";

/**
 * Batch echoing: one loaded batch is used `echo` times; each use reshuffles the batch and splits
 * it into `split` sub-batches, one step each (512 -> two 256s, reshuffle, two more 256s). Without
 * echo the batch is only split, in sampler order.
 * Returns the sample indices of each step, in order.
 */
function splitInOrder(indices: readonly number[], split: number): number[][] {
  const size = Math.ceil(indices.length / split);
  const steps: number[][] = [];
  for (let k = 0; k < indices.length; k += size) steps.push(indices.slice(k, k + size));
  return steps;
}

export function echoSteps(indices: readonly number[], echo: number, split: number, seed: number): number[][] {
  if (echo === 1) return splitInOrder(indices, split);
  const steps: number[][] = [];
  for (let use = 0; use < echo; use++) {
    const order = seededPermutation(indices.length, seed * 31 + use);
    steps.push(
      ...splitInOrder(
        Array.from(order, (i) => indices[i]!),
        split,
      ),
    );
  }
  return steps;
}
