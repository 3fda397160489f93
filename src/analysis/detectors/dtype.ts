import type { RunResults } from "../../store/results-schema.js";
import { bestTrial, configKey } from "../best.js";
import { mean, realTrials, type OkTrial } from "../trials.js";
import type { Finding } from "../types.js";
import type { Thresholds } from "../types.js";
import { pairsDifferingIn } from "./pairs.js";

/**
 * uint8 against float32 (float16 when float32 was not swept) at otherwise equal settings: bytes
 * moved and the measured throughput difference.
 */
export function detectDtype(results: RunResults, t: Thresholds): Finding {
  const base = { id: "dtype", title: "Transfer dtype", basis: "measured" as const };
  const trials = realTrials(results);
  const against32 = pairsDifferingIn(trials, "dtype", "uint8", "float32");
  const wide = against32.length > 0 ? "float32" : "float16";
  const pairs = against32.length > 0 ? against32 : pairsDifferingIn(trials, "dtype", "uint8", "float16");
  const Wide = wide === "float32" ? "Float32" : "Float16";
  if (pairs.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: "uint8 and a wider dtype (float32 or float16) were not both measured at the same settings; sweep --dtype uint8,float32.",
      evidence: {},
      trials: [],
      recommend: [],
    };
  }
  const ratioOf = (ps: [OkTrial, OkTrial][]): number => mean(ps.map(([u, f]) => u.metrics.samplesPerS / f.metrics.samplesPerS));
  // The gain that matters is at the configuration a user would pick; a mean over all pairs mixes
  // in starved configurations where any byte saved shows.
  const best = bestTrial(results.trials, t.tie);
  const bestKey = best ? configKey(best.spec) : null;
  const sameAsBest = (x: OkTrial): boolean => best !== null && configKey({ ...x.spec, dtype: best.spec.dtype }) === bestKey;
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
    [`uint8Over${Wide}SamplesPerS`]: Math.round(ratio * 1000) / 1000,
    [`uint8BytesPer${Wide}Byte`]: Math.round(bytes * 1000) / 1000,
    stallPointsSaved: Math.round(stallSaved * 1000) / 1000,
    pairs: pairs.length,
    [`uint8Over${Wide}AllPairs`]: Math.round(allRatio * 1000) / 1000,
    against: wide,
    judgedAtBest: atBest.length > 0 ? "yes" : "no",
  };
  const gain = ratio >= 1 + t.tie;
  const loss = ratio < 1 - t.tie;
  const softwareDevice = results.consumer.kind === "webgpu" && results.consumer.adapter.software;
  const verdictText = gain
    ? ""
    : loss
      ? `: uint8 is slower here, normalising ${results.consumer.kind === "webgpu" ? "on the device" : "in the device model"} costing more than the bytes it saves${softwareDevice ? " (the device is a CPU Vulkan driver, so its normalisation runs on this machine's CPU)" : ""}`
      : ` (no measurable throughput gain here, but ${(1 / bytes).toFixed(0)}x fewer bytes over IPC and PCIe)`;
  return {
    ...base,
    verdict: gain ? "issue" : "none",
    summary: `uint8 batches carry ${bytes.toFixed(2)}x the bytes of ${wide} and give ${ratio.toFixed(2)}x the samples/s${where}${verdictText}.`,
    evidence,
    trials: pairs.flat().map((x) => x.spec.id),
    recommend:
      ratio >= 1 - t.tie
        ? [
            {
              template: "advice.uint8",
              values: { ratio: `${ratio.toFixed(2)}x`, bytes: `${bytes.toFixed(2)}x`, wide },
              knob: "transfer dtype",
              value: "uint8, normalised on the GPU",
              // Inside the tie the advice stands on the bytes alone: no throughput gain is claimed.
              gain: gain
                ? `${ratio.toFixed(2)}x samples/s and ${bytes.toFixed(2)}x the bytes per batch against ${wide} (measured)`
                : `no measurable change in samples/s here (${ratio.toFixed(2)}x); ${bytes.toFixed(2)}x the bytes per batch against ${wide} (measured)`,
            },
          ]
        : [],
  };
}
