import { message } from "../../messages/catalogue.js";
import { bytes } from "../../util/format.js";
import type { RunResults } from "../../store/results-schema.js";
import { pct, realTrials } from "../trials.js";
import type { Finding } from "../types.js";

/** A dataset that fits in RAM was measured from memory, not from disk: say so, and how to measure the disk. */
export function detectPageCache(results: RunResults): Finding {
  const base = { id: "page-cache", title: message("page-cache.title"), basis: "measured" as const };
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
  if (d.kind === "python" && trials.length > 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: message("page-cache.summary.user-dataset", { share: pct(all > 0 ? storage / all : 0), read: bytes(all) }),
      evidence,
      trials: trials.map((x) => x.spec.id),
      recommend: [],
    };
  }
  if (d.fitsInPageCache === null || trials.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: message(trials.length === 0 ? "page-cache.summary.no-trials" : "page-cache.summary.no-memory"),
      evidence,
      trials: [],
      recommend: [],
    };
  }
  if (results.settings.cold && all > 0 && storage === 0) {
    return {
      ...base,
      verdict: "issue",
      summary: message("page-cache.summary.cold-no-effect", { read: bytes(all) }),
      evidence,
      trials: trials.map((x) => x.spec.id),
      recommend: [],
    };
  }
  if (results.settings.cold || !d.fitsInPageCache) {
    return {
      ...base,
      verdict: "none",
      summary: message(results.settings.cold ? "page-cache.summary.cold" : "page-cache.summary.larger", {
        share: pct(all > 0 ? storage / all : 0),
      }),
      evidence,
      trials: trials.map((x) => x.spec.id),
      recommend: [],
    };
  }
  return {
    ...base,
    verdict: "issue",
    summary: message("page-cache.summary.in-ram", { size: bytes(d.diskBytes), share: pct(all > 0 ? storage / all : 0), read: bytes(all) }),
    evidence,
    trials: trials.map((x) => x.spec.id),
    recommend: [
      {
        template: "advice.cold",
        values: {},
        knob: message("page-cache.advice.knob"),
        value: message("page-cache.advice.value"),
        gain: null,
      },
    ],
  };
}
