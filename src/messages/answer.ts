/** The run's answer: the Best line and the comparisons beneath it, the dataset line, and the words for levels. */
export const ANSWER_MESSAGES = {
  "level.high": "highly input-bound",
  "level.moderate": "moderately input-bound",
  "level.low": "not input-bound",
  "answer.none-finished": "No configuration finished.",
  "answer.none-finished-failed": "No configuration finished: {{failed}} failed (reasons in the table).",
  "answer.best": "Best: {{label}}: {{rate}} samples/s{{mean}}, AU {{au}}, {{level}}",
  "answer.best.mean": " (mean of {{repeats}} repeats, which spread {{spread}})",
  "answer.best.limit.host-overhead":
    " (the device idles {{overhead}} of the time in the consumer's own host work, not waiting for batches; more loading capacity will not help)",
  "answer.best.limit.device": " (the {{basis}} device step is the limit; more loading capacity will not help)",
  "answer.best.limit.loading":
    " (loading is the limit: the levers are more workers, up to the {{usable}} usable cores; uint8 transfer with normalisation on the device; data in the page cache or on faster storage; batch echoing)",
  "answer.best.limit.loading-at-cores":
    " (loading is the limit, with the workers already at the {{usable}} usable cores: the levers are uint8 transfer with normalisation on the device; less decoding and transforming per sample; data in the page cache or on faster storage; batch echoing)",
  "answer.basis.modelled": "modelled",
  "answer.basis.measured": "measured",
  "answer.fastest":
    "fastest: {{label}}: {{rate}} samples/s, {{ratio}} the best; within {{tie}} of it the cheaper configuration is picked (fewer workers, smaller dtype, simpler transport, no echo)",
  "answer.vs-inline": "vs workers 0 (loading on the training thread): {{ratio}} samples/s, AU {{from}} -> {{to}}",
  "answer.dtype": "{{dtype}} vs {{other}} at the same settings: {{ratio}} samples/s, {{bytes}} bytes per batch",
  "answer.transport": "transport at workers {{workers}}, {{dtype}}: {{parts}}",
  "answer.transport.entry": "{{transport}} {{rate}}/s ({{ms}} ms, {{copied}} copied)",
  "answer.echo":
    "echo {{echo}} at {{label}}: steps/s {{steps}}, fresh samples/s {{samples}}, AU {{from}} -> {{to}}; each sample is seen {{echo}} times per load",
  "answer.worst": "worst: {{label}}: AU {{au}}, {{level}} (wait p95 {{wait}} ms per step)",
  "answer.ceiling":
    "harness ceiling (no reading, no transforms) at these settings: {{rate}} samples/s; the best configuration reaches {{share}} of it",
  "answer.ceiling.torch":
    "the DataLoader's ceiling (no reading, no transforms) at these settings: {{rate}} samples/s; the best configuration reaches {{share}} of it",
  "answer.ceiling.device": " (here the ceiling is the device step; --step-ms 0 shows the harness's own limit)",
  "answer.ratio.none": "n/a",
  "answer.dataset":
    "Dataset: {{label}}, {{count}} samples of {{shape}} uint8, {{size}} on disk; {{h5}}{{ram}}; reads in trials: {{all}}, of which from storage {{storage}}{{share}}{{cold}}",
  "answer.dataset.h5": "HDF5 {{layout}}, each worker's chunk cache {{nbytes}} / {{slots}} slots / w0 {{w0}} (gpuprof h5 studies these); ",
  "answer.dataset.h5.chunks": "chunks {{chunks}}",
  "answer.dataset.h5.chunks-compressed": "chunks {{chunks}} (compressed)",
  "answer.dataset.h5.contiguous": "contiguous",
  "answer.dataset.ram.unknown": "page cache size unknown",
  "answer.dataset.ram.fits": "fits in RAM (see the Page cache finding)",
  "answer.dataset.ram.larger": "larger than available RAM",
  "answer.dataset.share": " ({{share}})",
  "answer.dataset.cold":
    "; --cold dropped the page cache before each trial, and what a trial read again after that came from the page cache",
  "answer.interrupted": "Interrupted: {{finished}} of {{planned}} trials finished and were saved.",
  "answer.note": "Note: {{note}}",
  "answer.trial-note": "Note (trial {{ids}}): {{note}}",
  "answer.trials-note": "Note (trials {{ids}}): {{note}}",
  "answer.saved": "Saved {{dir}}/ ({{files}})",
  "analysis.diagnosis": "Diagnosis: {{verdict}}",
  "analysis.what-to-change": "What to change:",
  "analysis.advice-line": "{{knob}}: {{value}} (expected gain: {{gain}})",
  "analysis.gain-not-measured": "not measured by this run",
} as const;
