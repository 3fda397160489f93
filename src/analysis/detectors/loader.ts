import { trialLabel } from "../../harness/plan.js";
import { message } from "../../messages/catalogue.js";
import type { LoaderPair } from "../../store/analysis-schema.js";
import type { RunResults } from "../../store/results-schema.js";
import { bestTrial } from "../best.js";
import { loadersOf } from "../loaders.js";
import { n0, pct } from "../trials.js";
import type { Finding, Thresholds } from "../types.js";

/** Sub-millisecond times keep two significant digits. */
const ms = (v: number): string => (v > 0 && v < 1 ? v.toPrecision(2) : v.toFixed(2));

/**
 * PyTorch's DataLoader against gpuprof's loader, side by side: present when the run has both (the
 * share of the harness's samples/s PyTorch reaches and where the rest goes), and for a harness-only
 * run, the one place that says its numbers are not PyTorch's and how to measure PyTorch. A torch-only
 * run has nothing to compare: null.
 * `results` is the whole run (repeats collapsed), `judged` its torch trials as the answer judges them.
 */
export function detectLoader(results: RunResults, judged: RunResults, pairs: LoaderPair[], t: Thresholds): Finding | null {
  const base = { id: "loader", title: message("loader.title"), basis: "measured" as const };
  const loaders = loadersOf(results);
  if (loaders.length === 1 && loaders[0] === "torch") return null;
  if (loaders.length === 1) {
    const n = results.trials.length;
    const requested = results.loader?.requested ?? ["harness"];
    const why =
      results.loader && results.loader.reason !== "" && requested.join(",") !== "harness"
        ? message("loader.why", { requested: requested.join(","), reason: results.loader.reason })
        : "";
    return {
      ...base,
      verdict: "insufficient-data",
      summary: message("loader.summary.harness-only", {
        trials: message(n === 1 ? "loader.trials.one" : "loader.trials.many", { n: String(n) }),
        why,
      }),
      evidence: { harnessTrials: n, torchTrials: 0 },
      trials: [],
      recommend: [
        {
          template: "advice.measure-torch",
          values: {},
          knob: message("loader.advice.knob"),
          value: message("loader.advice.value"),
          gain: null,
        },
      ],
    };
  }
  if (pairs.length === 0) {
    return {
      ...base,
      verdict: "insufficient-data",
      summary: message("loader.summary.unpaired"),
      evidence: { pairs: 0 },
      trials: [],
      recommend: [],
    };
  }
  // The setting the advice recommends, where both measured it; else PyTorch's fastest setting that both measured.
  const best = bestTrial(judged.trials, t.tie);
  const judgedPair =
    pairs.find((p) => p.torchTrialId === best?.spec.id) ?? pairs.reduce((a, b) => (b.torchSamplesPerS > a.torchSamplesPerS ? b : a));
  const spec = (id: number) => results.trials.find((x) => x.spec.id === id)!.spec;
  const harnessSpec = spec(judgedPair.harnessTrialId);
  const p = judgedPair;
  const verdictText =
    p.cause === "load"
      ? message("loader.verdict.load", {
          ratio: p.harnessLoadMsPerSample > 0 ? (p.torchLoadMsPerSample / p.harnessLoadMsPerSample).toFixed(2) : "n/a",
        })
      : p.cause === "same"
        ? message("loader.verdict.same", { tie: pct(t.tie) })
        : message(`loader.verdict.${p.cause}`);
  const shares = pairs.map((x) => x.share);
  const faster = pairs.filter((x) => x.cause === "faster");
  const summary = message("loader.summary", {
    at: message("loader.at", {
      label: trialLabel(spec(p.torchTrialId)),
      best: best?.spec.id === p.torchTrialId ? message("loader.at.best") : "",
      share: pct(p.share),
      torch: n0(p.torchSamplesPerS),
      harness: n0(p.harnessSamplesPerS),
      harnessId: String(p.harnessTrialId),
      transport: harnessSpec.transport === "none" ? "" : message("loader.at.transport", { transport: harnessSpec.transport }),
    }),
    verdict: verdictText,
    detail: message("loader.detail", {
      loadT: `${ms(p.torchLoadMsPerSample)} ms`,
      loadH: `${ms(p.harnessLoadMsPerSample)} ms`,
      transT: ms(p.torchTransportMs),
      transH: ms(p.harnessTransportMs),
      waitT: p.torchWaitMs.toFixed(1),
      waitH: p.harnessWaitMs.toFixed(1),
    }),
    others:
      pairs.length > 1
        ? message("loader.others", {
            n: String(pairs.length),
            min: pct(Math.min(...shares)),
            max: pct(Math.max(...shares)),
            faster: faster.length > 0 && p.cause !== "faster" ? message("loader.others.faster", { count: String(faster.length) }) : "",
          })
        : "",
  });
  const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;
  return {
    ...base,
    verdict: p.share < 1 - t.tie ? "issue" : "none",
    summary,
    evidence: {
      judgedTorchTrial: p.torchTrialId,
      judgedHarnessTrial: p.harnessTrialId,
      shareOfHarness: round(p.share, 3),
      torchLoadMsPerSample: round(p.torchLoadMsPerSample, 4),
      harnessLoadMsPerSample: round(p.harnessLoadMsPerSample, 4),
      torchTransportMsPerBatch: round(p.torchTransportMs, 3),
      harnessTransportMsPerBatch: round(p.harnessTransportMs, 3),
      torchWaitMs: round(p.torchWaitMs, 2),
      harnessWaitMs: round(p.harnessWaitMs, 2),
      cause: p.cause,
      pairs: pairs.length,
      minShare: round(Math.min(...shares), 3),
      maxShare: round(Math.max(...shares), 3),
      settingsWherePyTorchIsFaster: faster.length,
    },
    trials: pairs.flatMap((x) => [x.torchTrialId, x.harnessTrialId]).filter((id, i, all) => all.indexOf(id) === i),
    recommend: [],
  };
}
