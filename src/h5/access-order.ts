import { seededPermutation } from "../harness/index-order.js";

export const ACCESS_ORDERS = ["random", "sequential", "chunk-shuffle"] as const;
export type AccessOrder = (typeof ACCESS_ORDERS)[number];

/**
 * The sample order of one epoch.
 * - random: a seeded shuffle of all samples, new every epoch (PyTorch's shuffle=True);
 * - sequential: 0..n-1;
 * - chunk-shuffle: the chunks (along the sample axis) in shuffled order, then the samples of each
 *   window of `windowChunks` consecutive chunks shuffled among themselves: nearly as random for
 *   training, and each chunk is read while it is still cached.
 */
export function epochOrder(
  order: AccessOrder,
  count: number,
  samplesPerChunk: number,
  epoch: number,
  seed: number,
  windowChunks: number,
): number[] {
  if (order === "sequential") return Array.from({ length: count }, (_, i) => i);
  if (order === "random") return Array.from(seededPermutation(count, seed * 7919 + epoch));
  const chunks = Math.ceil(count / samplesPerChunk);
  const chunkOrder = seededPermutation(chunks, seed * 7919 + epoch);
  const out: number[] = [];
  for (let w = 0; w < chunks; w += windowChunks) {
    const window: number[] = [];
    for (let k = w; k < Math.min(w + windowChunks, chunks); k++) {
      const c = chunkOrder[k]!;
      for (let i = c * samplesPerChunk; i < Math.min((c + 1) * samplesPerChunk, count); i++) window.push(i);
    }
    const mix = seededPermutation(window.length, seed * 104729 + epoch * 131 + w);
    for (const j of mix) out.push(window[j]!);
  }
  return out;
}

/** DataLoader's split of an epoch among workers: batch b goes to worker b mod workers. */
export function workerTraces(order: readonly number[], batch: number, workers: number): number[][] {
  const traces: number[][] = Array.from({ length: Math.max(1, workers) }, () => []);
  for (let b = 0; b * batch < order.length; b++) {
    const trace = traces[b % traces.length]!;
    for (let i = b * batch; i < Math.min((b + 1) * batch, order.length); i++) trace.push(order[i]!);
  }
  return traces;
}
