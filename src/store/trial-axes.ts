/** The values a trial's dtype and transport take: the results schema checks them, the harness and the CLI use them. */

export const DTYPES = ["uint8", "float16", "float32"] as const;
export type Dtype = (typeof DTYPES)[number];

export const TRANSPORTS = ["transfer", "clone", "shared"] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** "dataset": a trial of the user's own Dataset, whose dtype is its own (--dataset-factory). */
export const TRIAL_DTYPES = [...DTYPES, "dataset"] as const;
export type TrialDtype = (typeof TRIAL_DTYPES)[number];

/** Who makes the batches: gpuprof's worker_threads loader, or the user's PyTorch DataLoader. */
export const LOADERS = ["harness", "torch"] as const;
export type Loader = (typeof LOADERS)[number];
