import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

export type SampleOrder = "sequential" | "shuffle";

export interface BatchPlanOptions {
  count: number;
  batch: number;
  dropLast: boolean;
  order: SampleOrder;
  seed: number;
}

/**
 * The sampler and batch sampler: which sample indices make global batch g, epoch after epoch.
 * Shuffled epochs use a seeded Fisher-Yates permutation, reshuffled every epoch as PyTorch's
 * RandomSampler does, so every trial of a sweep sees the same sequence.
 */
export class BatchPlan {
  readonly batchesPerEpoch: number;
  private epoch = -1;
  private permutation: Uint32Array | null = null;

  constructor(readonly options: BatchPlanOptions) {
    const { count, batch, dropLast } = options;
    this.batchesPerEpoch = dropLast ? Math.floor(count / batch) : Math.ceil(count / batch);
    if (this.batchesPerEpoch < 1) throw new RangeError(`batch ${batch} is larger than the dataset (${count} samples)`);
  }

  /** Sample indices of global batch g (g counts across epochs). */
  indices(g: number): number[] {
    const epoch = Math.floor(g / this.batchesPerEpoch);
    const start = (g % this.batchesPerEpoch) * this.options.batch;
    const end = Math.min(start + this.options.batch, this.options.count);
    const order = this.epochOrder(epoch);
    const out: number[] = [];
    for (let i = start; i < end; i++) out.push(order ? order[i]! : i);
    return out;
  }

  private epochOrder(epoch: number): Uint32Array | null {
    if (this.options.order === "sequential") return null;
    if (epoch !== this.epoch) {
      this.permutation = seededPermutation(this.options.count, this.options.seed * 7919 + epoch);
      this.epoch = epoch;
    }
    return this.permutation;
  }
}

export function seededPermutation(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  const rng = xoroshiro128plus(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
