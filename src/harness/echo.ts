import { seededPermutation } from "./index-order.js";

/**
 * Batch echoing: one loaded batch is used `echo` times; each use reshuffles the batch and splits
 * it into `split` sub-batches, one step each (512 -> two 256s, reshuffle, two more 256s).
 * Returns the sample indices of each step, in order.
 */
export function echoSteps(indices: readonly number[], echo: number, split: number, seed: number): number[][] {
  if (echo === 1 && split === 1) return [indices.slice()];
  const steps: number[][] = [];
  for (let use = 0; use < echo; use++) {
    const order = seededPermutation(indices.length, seed * 31 + use);
    const shuffled = Array.from(order, (i) => indices[i]!);
    const size = Math.ceil(shuffled.length / split);
    for (let k = 0; k < shuffled.length; k += size) steps.push(shuffled.slice(k, k + size));
  }
  return steps;
}
