/**
 * What a person reads when a run is partial (interrupted before its plan ended) and when its data is
 * probably not what they meant: the qualified verdict, findings that could not compare, the data
 * warnings in the run's notes, and batch-echo advice for a factor the sweep did not measure.
 */
export const DATA_PARTIAL_MESSAGES = {
  // A partial run: every verdict rests on the trials that finished, and says so.
  "partial.verdict": "partial: {{finished}} of {{planned}} trials; {{diagnosis}} among the trials that finished",
  "partial.finding.unmeasured":
    "Not measured: {{unmeasured}} (partial: {{finished}} of {{planned}} trials finished), so this finding compares nothing that did not run and draws no conclusion; run the whole sweep to judge it.",
  "partial.finding.among": "{{summary}} (partial: {{finished}} of {{planned}} trials; judged among the trials that finished.)",
  "partial.unmeasured.all": "{{axis}} {{values}}",

  // Data that is probably wrong: a warning with the fix, in the run's notes.
  "data.mixed-sizes":
    "{{distinct}} different image sizes among the {{looked}} images looked at in {{root}} (e.g. {{examples}}): every image was resized to the first image's {{width}}x{{height}} (stretched, aspect ratio ignored), so the samples and their decode cost may not be what you train on; resize or crop the images to your training size first, or pass a folder of images of one size",
  "data.channels-last":
    "--data {{path}} has shape ({{shape}}): its last dimension ({{last}}) looks like colour channels, so it is probably channels-last (N x H x W x C), yet it was read as {{count}} samples of {{chw}} (C x H x W); if it is NHWC, pass --layout nhwc to read each sample as {{fixed}}",
  "data.few-samples":
    "the dataset holds only {{samples}} samples, fewer than 8 batches of {{batch}} ({{needed}} samples): every epoch is {{batches}} batch(es), so each trial cycles over the same few batches, and epoch ends, the workers' start and the page cache weigh on every figure; these numbers are unreliable; use at least {{needed}} samples or a smaller --batch",
  "data.layout.not-npy": "--layout {{layout}} applies to .npy arrays only; drop it, or pass a .npy file with --data",
  "data.layout.shape":
    "--layout nhwc reads a .npy of shape (N, H, W, C) with C 1 or 3; --data {{path}} has shape ({{shape}}); drop --layout or save the array as (N, H, W, C)",

  // Batch echoing for a factor the sweep did not measure: never a gain, only the sweep that would measure it.
  "echo.summary.unmeasured":
    "{{timing}}: echoing might keep the device busier, but this run measured echo factors only up to {{swept}}: a factor of {{e}} was not measured, so no gain is claimed; sweep --echo {{sweep}} to measure it.",
  "echo.advice.value.unmeasured": "not measured beyond {{swept}}: sweep --echo {{sweep}}",
  "advice.echo-unmeasured":
    "**Measure batch echoing before you use it**: loading takes R = {{r}} times the step, so an echo factor up to {{e}} might keep the device busy, but this run measured echo factors only up to {{swept}}, and a factor of {{e}} was not measured. Sweep it with `gpuprof run --echo {{sweep}}` (and your other options) and use the factor that sweep picks; echoing trades randomness for speed, each sample seen e times per load.",
} as const;
