import { message } from "../../messages/catalogue.js";
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
  const base = { id: "dtype", title: message("dtype.title"), basis: "measured" as const };
  const trials = realTrials(results);
  const against32 = pairsDifferingIn(trials, "dtype", "uint8", "float32");
  const wide = against32.length > 0 ? "float32" : "float16";
  const pairs = against32.length > 0 ? against32 : pairsDifferingIn(trials, "dtype", "uint8", "float16");
  const Wide = wide === "float32" ? "Float32" : "Float16";
  if (pairs.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: insufficientSummary(results),
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
      ? message("dtype.where.best", {
          workers: message(best!.spec.workers === 1 ? "dtype.where.best.workers.one" : "dtype.where.best.workers.many", {
            workers: String(best!.spec.workers),
          }),
          // PyTorch's DataLoader has no --transport: its trials all say "none".
          transport:
            best!.spec.workers > 0 && best!.spec.loader !== "torch"
              ? message("dtype.where.best.transport", { transport: best!.spec.transport })
              : "",
          echo: best!.spec.echo > 1 ? message("dtype.where.best.echo", { echo: String(best!.spec.echo) }) : "",
          all:
            pairs.length > atBest.length
              ? message("dtype.where.best.all", { ratio: allRatio.toFixed(2), pairs: String(pairs.length) })
              : "",
        })
      : message(pairs.length === 1 ? "dtype.where.pairs.one" : "dtype.where.pairs.many", { pairs: String(pairs.length) });
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
      ? message("dtype.clause.slower", {
          where: message(results.consumer.kind === "webgpu" ? "dtype.normalise.device" : "dtype.normalise.model"),
          software: softwareDevice ? message("dtype.clause.software") : "",
        })
      : message("dtype.clause.tie", { fewer: (1 / bytes).toFixed(0) });
  return {
    ...base,
    verdict: gain ? "issue" : "none",
    summary: message("dtype.summary", { bytes: bytes.toFixed(2), wide, ratio: ratio.toFixed(2), where, verdict: verdictText }),
    evidence,
    trials: pairs.flat().map((x) => x.spec.id),
    recommend:
      ratio >= 1 - t.tie
        ? [
            {
              template: "advice.uint8",
              values: { ratio: `${ratio.toFixed(2)}x`, bytes: `${bytes.toFixed(2)}x`, wide },
              knob: message("dtype.advice.knob"),
              value: message("dtype.advice.value"),
              // Inside the tie the advice stands on the bytes alone: no throughput gain is claimed.
              gain: message(gain ? "dtype.advice.gain" : "dtype.advice.gain.tie", {
                ratio: ratio.toFixed(2),
                bytes: bytes.toFixed(2),
                wide,
              }),
            },
          ]
        : [],
  };
}

/** Bytes per value of the dtypes a Dataset may return, as torch names them. */
const DTYPE_BYTES: Record<string, number> = { float64: 8, float32: 4, float16: 2, bfloat16: 2, uint8: 1, int8: 1 };

/** Without a matched pair: what to sweep, or, for the user's own Dataset (which picks its dtype), what it returns. */
function insufficientSummary(results: RunResults): string {
  const dtype = results.dataset.sampleDtype;
  const width = dtype === undefined ? undefined : DTYPE_BYTES[dtype];
  if (results.dataset.kind !== "python" || dtype === undefined || width === undefined) return message("dtype.summary.insufficient");
  if (width === 1) return message("dtype.summary.user-dataset.narrow", { dtype });
  return message("dtype.summary.user-dataset", { dtype, ratio: (1 / width).toFixed(2) });
}
