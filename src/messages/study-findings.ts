/**
 * Findings' summaries and their clauses, by detector: the HDF5 study (h5.) and the watched run
 * (watch.). Values come formatted, units included ("95.0%", "4.0 s", "2.00x"); a message ending in an
 * optional clause has a placeholder for it, filled with that clause's own message or "".
 */
export const STUDY_FINDING_MESSAGES = {
  // What the hit rates shown are: the last epoch's, once warm, or the one cold epoch's.
  "h5.warm.once": "once warm",
  "h5.warm.cold-epoch": "in the one (cold) epoch",

  // The artifact's verdict, and the state the terminal's Verdict line names.
  "h5.verdict.none": "chunk cache settings found",
  "h5.verdict.issue": "caching needs a choice",
  "h5.verdict.insufficient-data": "not enough to judge",
  "h5.state.none": "settled",
  "h5.state.issue": "needs a choice",
  "h5.state.insufficient-data": "not enough to judge",

  "h5.title": "HDF5 chunk cache",
  "h5.summary.no-chunked": "No chunked configuration was studied (contiguous data has no chunk cache).",
  "h5.summary.reaches.one":
    "Configuration {{config}} ({{access}} order) reaches {{hits}} chunk hits {{warm}} with 1 chunk cached per worker.",
  "h5.summary.reaches.many":
    "Configuration {{config}} ({{access}} order) reaches {{hits}} chunk hits {{warm}} with {{held}} chunks cached per worker.",
  "h5.summary.settings": "h5py settings: {{settings}}.",
  "h5.settings": "chunks={{chunks}}, rdcc_nbytes={{nbytes}}, rdcc_nslots={{slots}}, rdcc_w0={{w0}}",

  // Whether the studied caches reached the hit-rate target, and which size the advice takes instead.
  "h5.target.unreachable":
    "No cache studied reaches the {{target}} target, and none would in this order (chunks too large for any cache, or read once each): change the chunk shape or the access order rather than the cache.",
  "h5.target.searched":
    "No cache studied reaches the {{target}} target; the smallest that does in this order, by the smallest-cache search, is {{nbytes}} bytes, and the h5py settings in this advice use it.",
  "h5.target.smaller":
    "A smaller cache, {{nbytes}} bytes, already reaches the {{target}} target in this order (the smallest-cache search): the h5py settings in this advice use it.",

  // Whether caching pays here, with how sure one run per configuration can be.
  "h5.pays.numbers": "{{faster}} against {{pick}} samples/s, {{gap}}",
  "h5.pays.same-hits":
    "Configuration {{config}}, with the same hits, was faster here ({{numbers}}; one run each): the difference is not the cache's; the pick stands for its order and cache size.",
  "h5.pays.unclear":
    "Configuration {{config}}, with fewer hits, was faster here ({{numbers}}), but by less than the {{clear}} that one run each can tell from noise: not evidence against caching; re-run both to settle it.",
  "h5.pays.no":
    "But configuration {{config}} was faster here ({{numbers}}; one run each, a gap beyond the {{clear}} taken as noise){{pageCached}}.",
  "h5.clause.page-cached":
    ": the file is page-cached, so whole-chunk misses cost more than hits save; keep the cache for cold or network storage, where the hits decide",

  // What sequential order costs for training.
  "h5.sequential.no-shuffle":
    "Sequential order does not shuffle: every epoch sees the samples in the same order, which changes how the model trains.",
  "h5.sequential.train-with": "Train with chunk-shuffle: configuration {{config}} reaches {{hits}} hits with it.",
  "h5.sequential.study-shuffle": "To train, study --access chunk-shuffle, which shuffles and keeps most hits.",

  // The advice's knob and expected gain.
  "h5.advice.knob": "h5py chunk cache (rdcc_nbytes, rdcc_nslots, rdcc_w0) and chunks",
  "h5.advice.hits-at-least": "{{target}} or more",
  "h5.advice.gain": "{{hits}} chunk hits {{warm}} (simulated)",
  "h5.advice.gain-measured": "{{hits}} chunk hits {{warm}} (simulated), {{samplesPerS}} samples/s measured",

  // The renderers' lines around the finding.
  "h5.pick": "Pick: [{{config}}] {{file}}, cache {{cache}}, {{access}} order; h5py {{settings}}: {{gain}}",
  "h5.verdict-line": "Verdict ({{state}}): {{summary}}",
  "h5.no-advice": "Nothing: no chunked configuration was studied.",

  // The h5 study's reports: the terminal, summary.md, report.html and summary.png.
  "h5.report.title": "gpuprof h5: {{verdict}}",
  "h5.report.summary-alt": "gpuprof h5 summary",
  "h5.report.card.headline": "h5: {{verdict}}",
  "h5.report.card.subtitle": "{{configs}} configurations over {{files}}, {{epochs}}; hit rates simulated, speeds measured",
  "h5.report.html.subtitle": "{{configs}} configurations, {{epochs}}, batch {{batch}}, {{started}}",
  "h5.report.files.one": "{{n}} file",
  "h5.report.files.many": "{{n}} files",
  "h5.report.epochs.one": "{{n}} epoch",
  "h5.report.epochs.many": "{{n}} epochs",
  "h5.report.heading.what-to-set": "What to set",
  "h5.report.heading.configurations": "Configurations",
  "h5.report.heading.files": "Files",
  "h5.report.heading.smallest": "Smallest cache per worker reaching {{target}} hits {{warm}} (simulated)",
  "h5.report.col.file": "file",
  "h5.report.col.cache-slots": "cache / slots",
  "h5.report.col.access": "access",
  "h5.report.col.workers": "workers",
  "h5.report.col.hit-rate": "hit rate by epoch",
  "h5.report.col.read-amp": "read amp. by epoch",
  "h5.report.col.samples-measured": "samples/s (measured)",
  "h5.report.col.bytes-vs-model": "bytes measured vs model",
  "h5.report.col.mb-per-s": "MB/s",
  "h5.report.col.bytes-read-vs-model": "bytes read: measured vs model",
  "h5.report.col.from-storage": "from storage",
  "h5.report.col.cache-held": "cache held",
  "h5.report.bytes-vs-model": "{{measured}} vs {{simulated}} ({{difference}}{{disagrees}})",
  "h5.report.bytes-vs-model.disagrees": ", disagrees",
  "h5.report.md.disagrees": " (disagrees)",
  "h5.report.file": "{{label}}: {{path}} {{shape}} uint8, {{layout}}, {{size}} on disk, {{ram}}",
  "h5.report.file.chunks": "{{count}} chunks of {{size}}",
  "h5.report.file.chunks-stored": "{{count}} chunks of {{size}} ({{stored}} stored)",
  "h5.report.file.contiguous-no-chunks": "contiguous (no chunks)",
  "h5.report.file.fits-page-cached": "fits in RAM (page-cached after the first read)",
  "h5.report.smallest.item": "{{file}}, {{access}}, {{workers}}: {{size}}",
  "h5.report.smallest.none-reaches": "none reaches it",
  "h5.report.smallest.none": "none",
  "h5.report.smallest.whole": "{{size}} (the whole dataset)",
  "h5.report.smallest.contiguous": "contiguous dataset: no chunk cache applies",
  "h5.report.smallest.none-even-whole":
    "none: even a cache of the whole dataset does not reach it (chunks larger than any cache bypass it)",
  "h5.report.smallest.terminal":
    "Smallest cache per worker reaching {{target}} chunk hits {{warm}} (simulated, doubling from 1 MiB, a slot for every chunk):",
  "h5.report.smallest.md": "Smallest cache per worker reaching {{target}} chunk hits {{warm}} (simulated):",
  "h5.report.line.hits": "hits {{rates}}",
  "h5.report.line.no-cache": "no chunk cache",
  "h5.report.line.live": ", {{rate}} samples/s live",
  "h5.report.line.live-failed": ", live failed: {{error}}",
  "h5.report.line": "[{{id}}] {{file}}, cache {{cache}}/{{slots}} slots, {{access}}, {{workers}}: {{hits}}{{live}}",
  "h5.report.bytes-agree":
    "Measured bytes (per thread, /proc/thread-self/io) agree with the HDF5 chunk-cache model within 1% for every configuration.",
  "h5.report.bytes-differ": "Measured bytes differ from the model by more than 1% in {{n}} configuration(s) (marked !); see the notes.",
  "h5.report.note.config": "Note [{{id}}]: {{note}}",
  "h5.report.note": "Note: {{note}}",
  "h5.report.method.terminal.live":
    "Hit rates and read amplification are simulated (HDF5's chunk-cache rules); samples/s, MB/s, the bytes read and CPU time are measured on this machine.",
  "h5.report.method.terminal.no-live":
    "Hit rates and read amplification are simulated (HDF5's chunk-cache rules); nothing was read (--no-live), so there are no measured speeds or bytes.",
  "h5.report.method.md":
    "Hit rates and read amplification are simulated with HDF5's chunk-cache rules; samples/s and bytes are measured on this machine through h5wasm with the cache emulated.",
  "h5.report.method.html":
    "Hit rates, read amplification and cache held are simulated with HDF5's raw-data chunk-cache rules (slots, the list, two-cursor pruning with w0, the bypass). Samples/s, MB/s, bytes read (per thread, /proc/thread-self/io) and CPU are measured on this machine, reading through h5wasm with that cache emulated.",
  "h5.report.interrupted": "Interrupted: {{configs}} configurations finished and were saved.",
  "h5.report.saved": "Saved {{dir}}/ ({{files}})",
  "h5.report.verdict": "Verdict: {{verdict}}",

  // The artifact's verdict: what held the GPU back, in a few words, one per kind of finding.
  "watch.verdict.compute-bound": "compute-bound, the input pipeline keeps up",
  "watch.verdict.cpu-bound": "the input pipeline is CPU-bound",
  "watch.verdict.io-bound": "the input pipeline waits on storage",
  "watch.verdict.periodic-stalls": "periodic stalls",
  "watch.verdict.gpu-underused": "the GPU is underused",
  "watch.verdict.gpu-not-used": "the command did not use the GPU",
  "watch.verdict.no-gpu-utilisation": "no GPU utilisation to judge by",
  "watch.verdict.no-gpu": "no GPU readings",

  "watch.title": "Training run",
  "watch.summary.no-gpu":
    "No GPU readings (no NVIDIA GPU, or nvidia-smi failed), and the run is too short ({{duration}}, under {{min}}) to judge the host's CPU and I/O alone.",
  "watch.summary.no-utilisation":
    "nvidia-smi lists GPU {{gpu}} but reports no utilisation for it (N/A: MIG mode, or a GPU that does not support the field), so whether it waited cannot be judged from here.",
  "watch.summary.sparse-readings":
    "GPU readings cover only {{coverage}} of the run (nvidia-smi stopped answering or started late: see the notes), too little to judge the GPU by.",
  "watch.summary.gpu-not-used":
    "The GPU stayed idle with {{memory}} MiB of its memory in use: the command did not use it, so there is no training step for the input pipeline to keep busy.",
  "watch.summary.few-cpu-samples": "Too few CPU samples to judge (a very short run?).",
  "watch.summary.compute-bound":
    "The GPU is busy {{gpu}} of the time (p5 {{p5}}): compute-bound, the input pipeline keeps up{{dipClause}}.",
  "watch.summary.io-bound":
    "The GPU is busy only {{gpu}} of the time while the host spends {{kernel}} in system + iowait against {{user}} user: the input pipeline waits on storage{{dipClause}}.",
  "watch.summary.cpu-bound":
    "The GPU is busy only {{gpu}} of the time while the host's CPU user time (every process on it, the command's among them) is {{user}}: the input pipeline is CPU-bound, unless other work on this host takes that CPU{{dipClause}}.",
  "watch.summary.periodic-stalls":
    "The GPU is busy {{gpu}} of the time and falls from busy to idle every {{period}} ({{dips}} times): periodic stalls, the loader refilling in bursts, while the host is neither CPU-bound (user {{user}}) nor waiting on storage (system + iowait {{kernel}}).",
  "watch.summary.gpu-underused":
    "The GPU is busy {{gpu}} of the time with the host neither CPU-bound (user {{user}}) nor waiting on storage (system + iowait {{kernel}}): look at the step itself (small batches, synchronisation, a single-threaded loader){{dipClause}}.",

  // The optional clause on dips from busy to idle (always three or more, so always plural).
  "watch.clause.dips-periodic":
    "; utilisation fell from busy to idle {{dips}} times, every {{period}}: periodic stalls, e.g. a loader that cannot refill its prefetch queue between bursts",
  "watch.clause.dips-irregular": "; utilisation fell from busy to idle {{dips}} times at irregular intervals",

  // What to change about storage when all that is known is that the job waits on it (watch sees no dataset).
  "watch.levers.storage":
    "Read larger contiguous pieces: pack many small files into one (`.npy`, or HDF5 with chunks of many samples and a chunk cache: `gpuprof h5` sizes them), use faster storage, or give the page cache room for the dataset; more DataLoader workers overlap the waits meanwhile.",

  // The advice's knobs, values and expected gains.
  "watch.advice.io-bound.knob": "storage layout",
  "watch.advice.io-bound.value": "larger contiguous reads (packed files, HDF5 chunks with a cache)",
  "watch.advice.cpu-bound.knob": "host work per sample",
  "watch.advice.cpu-bound.value": "less decoding and transforming on the host; more DataLoader workers",
  "watch.advice.periodic-stalls.knob": "prefetch_factor, num_workers, persistent_workers",
  "watch.advice.periodic-stalls.value": "more batches in flight; persistent_workers=True",
  "watch.advice.periodic-stalls.gain": "up to the {{idle}} of the time the GPU is idle (measured)",

  // What the advice list says when it is empty: nothing to change only when nothing is wrong.
  "watch.no-advice.none": "Nothing: nothing was found holding the input pipeline back.",
  "watch.no-advice.issue": "No single setting to change: the verdict above says where to look.",
  "watch.no-advice.insufficient-data": "Nothing to advise: there was not enough to judge.",

  // The watched run's reports: summary.md, report.html and summary.png.
  "watch.report.title": "gpuprof watch: {{verdict}}",
  "watch.report.summary-alt": "gpuprof watch summary",
  "watch.report.card.headline": "watch: {{verdict}}",
  "watch.report.run": "{{command}}: {{duration}} s, exit {{code}}",
  "watch.report.md.run": "{{command}}, {{duration}} s, exit {{code}}.",
  "watch.report.html.subtitle": "{{command}}: {{duration}} s, exit {{code}}, {{started}}",
  "watch.report.heading.measured": "Measured",
  "watch.report.col.series": "series",
  "watch.report.col.mean": "mean",
  "watch.report.col.p5": "p5",
  "watch.report.col.p95": "p95",
  "watch.report.n-a": "n/a",
  "watch.report.series.gpu": "GPU {{index}} util % ({{name}})",
  "watch.report.series.gpu.unknown": "unknown",
  "watch.report.series.user": "CPU user %",
  "watch.report.series.system": "CPU system %",
  "watch.report.series.iowait": "CPU iowait %",
  "watch.report.series.read": "read MB/s (the command)",
  "watch.report.series.storage": "storage read MB/s (the command)",
  "watch.report.chart": "Chart: {{links}}",
  "watch.report.method":
    "Sampled every {{interval}} ms for the command's whole life: CPU from /proc/stat, the command's reads from {{procIo}} (its whole process tree), GPU utilisation from one long-running nvidia-smi. Means are time-weighted.",
} as const;
