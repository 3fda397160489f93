/**
 * Older results.json files, brought up to the current schema so `report` and `compare` read every
 * run gpuprof ever wrote. Each step is the smallest rewrite that says the same thing in the new shape.
 */

type Json = Record<string, unknown>;

/** 1 -> 2: every run was simulated, so the device times under `modelled` become `device` with basis "modelled". */
function fromV1(data: Json): Json {
  const consumer = (data.consumer ?? {}) as Json;
  const h2dGBPerS = typeof consumer.h2dGBPerS === "number" ? consumer.h2dGBPerS : 0;
  // Anything not shaped as expected is left as it is, for the schema check to refuse with its own words.
  if (!Array.isArray(data.trials)) return { ...data, schemaVersion: 2 };
  return {
    ...data,
    schemaVersion: 2,
    trials: (data.trials as Json[]).map((trial) => {
      const metrics = trial?.metrics as Json | undefined;
      if (!metrics || typeof metrics.modelled !== "object" || metrics.modelled === null) return trial;
      const { modelled, ...rest } = metrics;
      const transport = (metrics.transport ?? {}) as Json;
      return {
        ...trial,
        metrics: {
          ...rest,
          device: {
            basis: "modelled",
            ...(modelled as Json),
            h2dBytes: typeof transport.bytesDelivered === "number" ? transport.bytesDelivered : 0,
            h2dGBPerS,
          },
        },
      };
    }),
  };
}

/** Returns the data in the current schema's shape; files of an unknown or newer version pass through untouched. */
export function migrateResults(data: unknown): unknown {
  const header = data as Json | null;
  if (header?.kind !== "gpuprof.run" || header.schemaVersion !== 1) return data;
  return fromV1(header);
}
