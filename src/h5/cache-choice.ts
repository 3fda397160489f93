import { UsageError } from "../util/errors.js";
import { parseSizeShown } from "../util/sizes.js";
import { CACHE_PRESETS, type CacheParams } from "./chunk-cache.js";

/**
 * One --cache entry: a size, whose slot counts come from --slots, or the name of an HDF5 default
 * (hdf5-1, hdf5-2), which is a size and a slot count together: HDF5 2.0's 8 MiB cache with 1.x's
 * 521 slots is a cache no HDF5 version has.
 */
export interface CacheChoice {
  nbytes: number;
  /** The preset's slots; null for a plain size. */
  nslots: number | null;
  /** As the user wrote it: "1.5 MiB", "hdf5-2". */
  shown: string;
  preset: string | null;
}

/** A --cache value, or null when it is neither a size nor a preset's name. */
export function parseCacheChoice(raw: string): CacheChoice | null {
  const name = raw.trim().toLowerCase();
  const preset = CACHE_PRESETS[name];
  if (preset) return { nbytes: preset.nbytes, nslots: preset.nslots, shown: name, preset: name };
  const size = parseSizeShown(raw);
  return size ? { nbytes: size.bytes, nslots: null, shown: size.shown, preset: null } : null;
}

/** "1.5 MiB (1,572,864 bytes)", "hdf5-2 (8 MiB, 8191 slots)": the echo of a choice in the user's own units. */
export function describeCacheChoice(choice: CacheChoice): string {
  if (choice.preset) return `${choice.preset} (${presetSize(choice)}, ${choice.nslots} slots)`;
  return choice.shown.endsWith(" B")
    ? `${choice.nbytes.toLocaleString("en-US")} bytes`
    : `${choice.shown} (${choice.nbytes.toLocaleString("en-US")} bytes)`;
}

/** HDF5's defaults are whole MiB. */
function presetSize(choice: CacheChoice): string {
  return `${choice.nbytes / 1024 ** 2} MiB`;
}

/**
 * The cache settings to study: each size with each of `slots`, each preset with its own slots.
 * --slots given together with a preset is refused: the preset already says how many slots.
 */
export function cacheSettings(choices: readonly CacheChoice[], slots: readonly number[], slotsGiven: boolean, w0: number): CacheParams[] {
  const preset = choices.find((c) => c.preset !== null);
  if (preset && slotsGiven) {
    throw new UsageError(
      `--cache ${preset.preset} is HDF5's default size and slot count together (${presetSize(preset)}, ${preset.nslots} slots); drop --slots, or give the size (--cache ${presetSize(preset).replace(" ", "")}) to try other slot counts`,
    );
  }
  const out: CacheParams[] = [];
  for (const choice of choices)
    for (const nslots of choice.nslots !== null ? [choice.nslots] : slots)
      if (!out.some((p) => p.nbytes === choice.nbytes && p.nslots === nslots)) out.push({ nbytes: choice.nbytes, nslots, w0 });
  return out;
}
