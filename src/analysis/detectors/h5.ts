import { message } from "../../messages/catalogue.js";
import { warmPhrase } from "../../messages/warm-phrase.js";
import type { H5ConfigResult, H5FileInfo, H5Results } from "../../store/h5-results-schema.js";
import type { Finding } from "../types.js";

/** The smallest prime at or above n: HDF5 wants nslots prime. */
export function primeAtLeast(n: number): number {
  const isPrime = (k: number): boolean => {
    if (k < 2) return false;
    for (let d = 2; d * d <= k; d++) if (k % d === 0) return false;
    return true;
  };
  let k = Math.max(2, Math.ceil(n));
  while (!isPrime(k)) k++;
  return k;
}

/** Configurations within this many points of the best warm hit rate count as just as good. */
const HIT_TIE = 0.05;
/**
 * Each configuration is measured once, and on page-cached data one run of a few seconds can move
 * by 10-20% from the next: a faster configuration with fewer hits is only taken as evidence that
 * caching does not pay when it is at least this much faster; below 5% it is a tie.
 */
const CLEAR_GAP = 1.25;
const TIE_GAP = 1.05;

type Simulated = H5ConfigResult & { simulated: NonNullable<H5ConfigResult["simulated"]> };
type Measured = H5ConfigResult & { live: NonNullable<H5ConfigResult["live"]> };

const warm = (c: Simulated): number => c.simulated.epochs[c.simulated.epochs.length - 1]!.hitRate;

/** Chunks a cache holds, never more than the file has: a 1 GiB cache over 10 chunks holds 10. */
export function chunksThatFit(file: H5FileInfo, nbytes: number): number {
  if (!file.chunkBytes) return 1;
  const fit = Math.max(1, Math.floor(nbytes / file.chunkBytes));
  return file.chunkCount ? Math.min(fit, file.chunkCount) : fit;
}

/** How sure the study is that a configuration with fewer hits reads faster than the pick. */
type Pays = { kind: "yes" } | { kind: "no" | "unclear"; fastest: Measured; gap: number };

function fastestOf(configs: H5ConfigResult[]): Measured | null {
  const measured = configs.filter((c): c is Measured => c.live !== null);
  return measured.reduce<Measured | null>((a, b) => (a === null || b.live.samplesPerS > a.live.samplesPerS ? b : a), null);
}

function cachingPays(best: Simulated, fastest: Measured | null): Pays {
  if (!fastest || fastest.id === best.id || !best.live || best.live.samplesPerS <= 0) return { kind: "yes" };
  const gap = fastest.live.samplesPerS / best.live.samplesPerS;
  if (gap < TIE_GAP) return { kind: "yes" };
  return { kind: gap >= CLEAR_GAP ? "no" : "unclear", fastest, gap };
}

/**
 * HDF5 chunk caching: which configuration reaches the best warm hit rate, what it costs, and whether
 * caching pays on this storage at all (on page-cached, uncompressed data big chunks can be slower
 * than no cache because every miss reads a whole chunk). The terminal's Pick line, summary.md and
 * the HTML report all show this finding: there is no second choice made elsewhere.
 */
export function detectH5(results: H5Results): Finding {
  const base = { id: "h5", title: message("h5.title"), basis: "measured and modelled" as const, trials: [] as number[] };
  const simulated = results.configs.filter((c): c is Simulated => c.simulated !== null && c.error === null);
  if (simulated.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: message("h5.summary.no-chunked"),
      evidence: {},
      recommend: [],
    };
  }
  // Among configurations within 5 points of the best warm hit rate, the fastest measured one;
  // without live runs, the one holding the least cache.
  const top = Math.max(...simulated.map(warm));
  const near = simulated.filter((c) => warm(c) >= top - HIT_TIE);
  const nearMeasured = near.filter((c) => c.live);
  const leanest = near.reduce((a, b) =>
    b.simulated.peakCacheBytes < a.simulated.peakCacheBytes ||
    (b.simulated.peakCacheBytes === a.simulated.peakCacheBytes && b.cache.nbytes < a.cache.nbytes)
      ? b
      : a,
  );
  const quickest = nearMeasured.length > 0 ? nearMeasured.reduce((a, b) => (b.live!.samplesPerS > a.live!.samplesPerS ? b : a)) : null;
  // One run each: a faster reading only beats holding less cache when the gap is clearly beyond noise.
  const best = quickest && (!leanest.live || quickest.live!.samplesPerS >= leanest.live.samplesPerS * CLEAR_GAP) ? quickest : leanest;
  const file = results.files[best.file]!;
  const target = results.settings.targetHitRate;
  const smallest = results.smallestCache.find((s) => s.file === best.file && s.access === best.access && s.workers === best.workers);
  // The cache to set: the smallest that reaches the target in this order, where the sweep found one smaller than (or beyond) what it tried.
  const nbytes =
    smallest?.nbytes != null && (warm(best) < target || smallest.nbytes < best.cache.nbytes) ? smallest.nbytes : best.cache.nbytes;
  const fromSearch = nbytes !== best.cache.nbytes;
  const fit = chunksThatFit(file, nbytes);
  const slots = primeAtLeast(100 * fit);
  const fastest = fastestOf(results.configs);
  const pays = cachingPays(best, fastest);
  const amplification = best.simulated.epochs[best.simulated.epochs.length - 1]!.readAmplification;
  const trainable = best.access === "sequential" ? trainableAlternative(simulated) : null;
  const evidence = {
    bestConfig: best.id,
    warmHitRate: warm(best),
    cacheBytes: nbytes,
    cacheBytesStudied: best.cache.nbytes,
    targetHitRate: target,
    chunksThatFit: fit,
    suggestedSlots: slots,
    readAmplification: amplification,
    fastestMeasuredConfig: fastest?.id ?? null,
    cachingPays: pays.kind,
    speedGap: pays.kind === "yes" ? null : Math.round(pays.gap * 100) / 100,
    fileFitsInRam: file.fitsInPageCache === null ? null : String(file.fitsInPageCache),
    trainableConfig: trainable?.id ?? null,
  };
  const chunks = file.chunks ? `(${file.chunks.join(", ")})` : "None";
  const settings = message("h5.settings", { chunks, nbytes: String(nbytes), slots: String(slots), w0: String(best.cache.w0) });
  const targetText = targetSentence(warm(best), target, nbytes, fromSearch, smallest?.nbytes ?? null);
  const paysText = paysSentence(pays, best, file);
  const sequentialText = best.access === "sequential" ? sequentialCaveat(trainable) : "";
  const held = chunksThatFit(file, best.cache.nbytes);
  const reaches = {
    config: String(best.id),
    access: best.access,
    hits: `${(warm(best) * 100).toFixed(1)}%`,
    warm: warmPhrase(results.settings.epochs),
  };
  const summary = [
    held === 1 ? message("h5.summary.reaches.one", reaches) : message("h5.summary.reaches.many", { ...reaches, held: String(held) }),
    targetText,
    message("h5.summary.settings", { settings }),
    paysText,
    sequentialText,
  ]
    .filter((t) => t !== "")
    .join(" ");
  const hits = fromSearch
    ? message("h5.advice.hits-at-least", { target: `${(target * 100).toFixed(0)}%` })
    : `${(warm(best) * 100).toFixed(1)}%`;
  const gained = { hits, warm: warmPhrase(results.settings.epochs) };
  return {
    ...base,
    verdict: warm(best) < target || pays.kind === "no" ? "issue" : "none",
    summary,
    evidence,
    trials: [best.id, ...(pays.kind === "yes" ? [] : [pays.fastest.id])],
    recommend: [
      {
        template: "advice.h5",
        values: {
          nbytes: String(nbytes),
          slots: String(slots),
          w0: String(best.cache.w0),
          chunks,
          access: best.access,
          hits,
          fit: String(fit),
          warm: warmPhrase(results.settings.epochs),
          // Both caveats, where the advice is read: whether caching pays here, and what sequential order costs.
          pays: [targetText, paysText, sequentialText].filter((t) => t !== "").join(" "),
        },
        knob: message("h5.advice.knob"),
        value: settings,
        gain: best.live
          ? message("h5.advice.gain-measured", { ...gained, samplesPerS: Math.round(best.live.samplesPerS).toLocaleString("en-US") })
          : message("h5.advice.gain", gained),
      },
    ],
  };
}

/** Whether the studied caches reached the hit-rate target, and which size the advice takes instead. */
function targetSentence(hits: number, target: number, nbytes: number, fromSearch: boolean, smallest: number | null): string {
  const t = `${(target * 100).toFixed(0)}%`;
  if (hits < target) {
    return smallest === null
      ? message("h5.target.unreachable", { target: t })
      : message("h5.target.searched", { target: t, nbytes: String(nbytes) });
  }
  return fromSearch ? message("h5.target.smaller", { target: t, nbytes: String(nbytes) }) : "";
}

/** The sentence on whether caching pays here, with how sure one run per configuration can be. */
function paysSentence(pays: Pays, best: Simulated, file: H5FileInfo): string {
  if (pays.kind === "yes") return "";
  const f = pays.fastest;
  const numbers = message("h5.pays.numbers", {
    faster: String(Math.round(f.live.samplesPerS)),
    pick: String(Math.round(best.live?.samplesPerS ?? 0)),
    gap: `${pays.gap.toFixed(2)}x`,
  });
  const clear = `${CLEAR_GAP}x`;
  const theirs = f.simulated ? f.simulated.epochs[f.simulated.epochs.length - 1]!.hitRate : null;
  if (theirs !== null && Math.abs(theirs - warm(best)) < 0.001) {
    // Same hits, different speed: that is run-to-run noise or the order's own cost, not caching.
    return message("h5.pays.same-hits", { config: String(f.id), numbers });
  }
  if (pays.kind === "unclear") return message("h5.pays.unclear", { config: String(f.id), numbers, clear });
  return message("h5.pays.no", {
    config: String(f.id),
    numbers,
    clear,
    pageCached: file.fitsInPageCache ? message("h5.clause.page-cached") : "",
  });
}

/** The best chunk-shuffle configuration: the order that keeps hits and still shuffles for training. */
function trainableAlternative(simulated: Simulated[]): Simulated | null {
  const shuffled = simulated.filter((c) => c.access === "chunk-shuffle");
  if (shuffled.length === 0) return null;
  return shuffled.reduce((a, b) =>
    warm(b) > warm(a) || (warm(b) === warm(a) && (b.live?.samplesPerS ?? 0) > (a.live?.samplesPerS ?? 0)) ? b : a,
  );
}

function sequentialCaveat(trainable: Simulated | null): string {
  const then = trainable
    ? message("h5.sequential.train-with", { config: String(trainable.id), hits: `${(warm(trainable) * 100).toFixed(1)}%` })
    : message("h5.sequential.study-shuffle");
  return `${message("h5.sequential.no-shuffle")} ${then}`;
}
