/** The values a trial's dtype and transport take: the results schema checks them, the harness and the CLI use them. */

export const DTYPES = ["uint8", "float16", "float32"] as const;
export type Dtype = (typeof DTYPES)[number];

export const TRANSPORTS = ["transfer", "clone", "shared"] as const;
export type Transport = (typeof TRANSPORTS)[number];
