import type { RunResults } from "../../store/results-schema.js";
import { bestTrial } from "../../harness/best.js";
import { mean, realTrials, type OkTrial } from "../trials.js";
import type { Finding, Thresholds } from "../types.js";
import { pairsDifferingIn } from "./pairs.js";

/** uint8 against float32 at otherwise equal settings: bytes moved and the measured throughput difference. */
export function detectDtype(results: RunResults, t: Thresholds): Finding {
  const base = { id: "dtype", title: "Transfer dtype", basis: "measured" as const };
  const pairs = pairsDifferingIn(realTrials(results), "dtype", "uint8", "float32");
  if (pairs.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: "uint8 and float32 were not both measured at the same settings; sweep --dtype uint8,float32.",
      evidence: {},
      trials: [],
      recommend: [],
    };
  }
  const ratioOf = (ps: [OkTrial, OkTrial][]): number => mean(ps.map(([u, f]) => u.metrics.samplesPerS / f.metrics.samplesPerS));
  // The gain that matters is at the configuration a user would pick; a mean over all pairs mixes
  // in starved configurations where any byte saved shows.
  const best = bestTrial(results.trials);
  const sameAsBest = (x: OkTrial): boolean =>
    best !== null &&
    JSON.stringify({ ...x.spec, id: 0, dtype: null, repeat: 0 }) === JSON.stringify({ ...best.spec, id: 0, dtype: null, repeat: 0 });
  const atBest = pairs.filter(([u]) => sameAsBest(u));
  const allRatio = ratioOf(pairs);
  const ratio = atBest.length > 0 ? ratioOf(atBest) : allRatio;
  const where =
    atBest.length > 0
      ? ` at the best configuration's settings (${best!.spec.workers} worker${best!.spec.workers === 1 ? "" : "s"}${best!.spec.workers > 0 ? `, ${best!.spec.transport}` : ""}${best!.spec.echo > 1 ? `, echo ${best!.spec.echo}` : ""})${pairs.length > atBest.length ? `; ${allRatio.toFixed(2)}x over all ${pairs.length} matched pairs` : ""}`
      : ` over ${pairs.length} matched pair${pairs.length === 1 ? "" : "s"}`;
  const bytes = mean(
    pairs.map(
      ([u, f]) => u.metrics.transport.bytesDelivered / u.metrics.batches / (f.metrics.transport.bytesDelivered / f.metrics.batches),
    ),
  );
  const stallSaved = mean(pairs.map(([u, f]) => f.metrics.stallFraction - u.metrics.stallFraction));
  const evidence = {
    uint8OverFloat32SamplesPerS: Math.round(ratio * 1000) / 1000,
    uint8BytesPerFloat32Byte: Math.round(bytes * 1000) / 1000,
    stallPointsSaved: Math.round(stallSaved * 1000) / 1000,
    pairs: pairs.length,
    uint8OverFloat32AllPairs: Math.round(allRatio * 1000) / 1000,
    judgedAtBest: atBest.length > 0 ? "yes" : "no",
  };
  const gain = ratio >= 1 + t.tie;
  return {
    ...base,
    verdict: gain ? "issue" : "none",
    summary: `uint8 batches carry ${bytes.toFixed(2)}x the bytes of float32 and give ${ratio.toFixed(2)}x the samples/s${where}${gain ? "" : " (no measurable throughput gain here, but 4x fewer bytes over IPC and PCIe)"}.`,
    evidence,
    trials: pairs.flat().map((x) => x.spec.id),
    recommend:
      ratio >= 1 - t.tie
        ? [
            {
              template: "uint8",
              values: { ratio: `${ratio.toFixed(2)}x`, bytes: `${bytes.toFixed(2)}x` },
              knob: "transfer dtype",
              value: "uint8, normalised on the GPU",
              gain: `${ratio.toFixed(2)}x samples/s and ${bytes.toFixed(2)}x the bytes per batch against float32 (measured)`,
            },
          ]
        : [],
  };
}
