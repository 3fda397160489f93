import { bytes } from "../../util/format.js";
import type { RunResults } from "../../store/results-schema.js";
import { pct, realTrials } from "../trials.js";
import type { Finding } from "../types.js";

/** A dataset that fits in RAM was measured from memory, not from disk: say so, and how to measure the disk. */
export function detectPageCache(results: RunResults): Finding {
  const base = { id: "page-cache", title: "Page cache", basis: "measured" as const };
  const d = results.dataset;
  const trials = realTrials(results);
  const all = trials.reduce((s, x) => s + (x.metrics.reads?.allBytes ?? 0), 0);
  const storage = trials.reduce((s, x) => s + (x.metrics.reads?.storageBytes ?? 0), 0);
  const evidence = {
    datasetBytes: d.diskBytes,
    memAvailableMiB: d.memAvailableMiB,
    fitsInPageCache: d.fitsInPageCache === null ? null : String(d.fitsInPageCache),
    readBytes: all,
    storageBytes: storage,
  };
  if (d.fitsInPageCache === null || trials.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary:
        trials.length === 0
          ? "No trial finished, so no reads were measured."
          : "Free memory was unknown, so whether the dataset fits in RAM cannot be said.",
      evidence,
      trials: [],
      recommend: [],
    };
  }
  if (results.settings.cold && all > 0 && storage === 0) {
    return {
      ...base,
      verdict: "issue",
      summary: `--cold dropped the dataset from the page cache before each trial, yet none of the ${bytes(all)} read came from storage: the eviction had no effect here (a filesystem that ignores posix_fadvise, such as tmpfs), so these numbers still describe memory.`,
      evidence,
      trials: trials.map((x) => x.spec.id),
      recommend: [],
    };
  }
  if (results.settings.cold || !d.fitsInPageCache) {
    return {
      ...base,
      verdict: "none",
      summary: `${pct(all > 0 ? storage / all : 0)} of the bytes read came from storage${results.settings.cold ? " (--cold)" : " (the dataset is larger than free RAM)"}.`,
      evidence,
      trials: trials.map((x) => x.spec.id),
      recommend: [],
    };
  }
  return {
    ...base,
    verdict: "issue",
    summary: `The dataset (${bytes(d.diskBytes)}) fits in RAM, so only ${pct(all > 0 ? storage / all : 0)} of the ${bytes(all)} read came from storage: the sweep measured memory, not the disk a bigger dataset would be read from.`,
    evidence,
    trials: trials.map((x) => x.spec.id),
    recommend: [
      {
        template: "advice.cold",
        values: { size: bytes(d.diskBytes) },
        knob: "gpuprof run --cold",
        value: "run the sweep again",
        gain: null,
      },
    ],
  };
}
