/**
 * Advice: what to change, in Markdown, one entry per template. The detectors fill them through
 * `advice()`, whose types require exactly the placeholders each template has.
 */
export const ADVICE_MESSAGES = {
  "advice.cold":
    "**Measure the disk too** (see the Page cache finding): run again with `gpuprof run --cold` (drops the files from the page cache before each trial), or with a dataset larger than RAM, before sizing a cluster's storage.",
  "advice.cpu-bound":
    "**The loader is CPU-bound** (see its finding for the measure behind this; the whole host: user {{user}}, system + iowait {{kernel}}; {{storage}} of reads from storage). Move work off the host: decode fewer bytes (smaller images, pre-resized data), keep batches as uint8 and normalise on the GPU, or add workers up to the usable cores.",
  "advice.echo-serial":
    "**Loading runs on the main thread, in series with the step** ({{load}} ms of loading before each {{step}} ms of device time): the device waits through every load. Prefetch workers overlap the two (PyTorch `num_workers`, see the workers finding); where they cannot, batch echoing with a factor of {{e}} spreads each load over {{e}} uses of the batch, reshuffled into new sub-batches: {{gain}}. It trades randomness for speed: each sample is seen {{e}} times per load, which can cost accuracy per epoch.",
  "advice.echo":
    "**Consider batch echoing with a factor up to {{e}}** (loading takes R = {{r}} times the step): reuse each loaded batch e times, reshuffled into new sub-batches. It trades randomness for speed: each sample is seen e times per load, which can cost accuracy per epoch; never go beyond R.",
  "advice.h5":
    '**Open the file with this chunk cache:** `h5py.File(path, "r", rdcc_nbytes={{nbytes}}, rdcc_nslots={{slots}}, rdcc_w0={{w0}})`, the dataset chunked as `chunks={{chunks}}` and read in {{access}} order ({{hits}} chunk hits {{warm}}, simulated; nslots is a prime about 100 times the {{fit}} chunks that fit). Give each DataLoader worker its own `h5py.File`, opened inside the worker (in `worker_init_fn` or on the first `__getitem__`), so that each worker holds this cache. {{pays}}',
  "advice.input-bound":
    "**Feed the device faster.** The best configuration reached AU {{au}} against a target of {{target}}. Work down the levers this report measures below: workers, uint8 transfer, zero-copy transport, then batch echoing.",
  "advice.io-bound":
    "**The loader waits on storage** (system + iowait {{kernel}} against user {{user}}; {{storage}} of reads from storage). {{levers}}",
  "advice.measure-torch":
    "**These numbers come from gpuprof's own loader, not from PyTorch**: its worker threads stand in for your `DataLoader`'s worker processes, whose decoding, per-sample Python and copies between processes may cost more. Measure your `DataLoader` itself with `gpuprof run --loader torch` (your other options as before), or `--loader harness,torch` for both side by side.",
  "advice.periodic-stalls":
    "**The GPU stalls every {{period}}** ({{dips}} times in this run): the loader delivers in bursts and its prefetch queue runs dry in between. Raise `prefetch_factor` (batches in flight per worker) and `num_workers` until the queue outlasts a burst, and set `persistent_workers=True` so workers are not started again at every epoch (a stall at each epoch boundary is that restart). Keep an eye on memory: each batch in flight is held in RAM.",
  "advice.uint8":
    "**Keep batches as uint8 until they are on the GPU** and normalise there: `x = batch.cuda(non_blocking=True).float().div_(255).sub_(mean).div_(std)`. Measured here: {{ratio}} the samples/s of {{wide}} with {{bytes}} the bytes per batch.",
  "advice.workers":
    "**Use `num_workers={{workers}}`** in your `DataLoader` ({{gain}}). {{beyond}}; keep it at or below the {{usable}} usable cores, since the training process needs CPU too. Keep `prefetch_factor=2` unless the wait per step stays high{{pin}}.",
  "advice.zero-copy":
    "**Avoid copying batches between processes.** Copies (as pickling does) cost {{lost}} of throughput here. In PyTorch, return tensors (shared memory) rather than Python objects or NumPy arrays from `__getitem__`, and avoid large per-sample Python structures.",
} as const;
