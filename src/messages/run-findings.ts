/**
 * Findings' summaries and their clauses, by detector. A frame such as "workers.summary" takes its
 * clauses as parameters, each one a message of its own or "" when it does not apply; singular and
 * plural are separate messages. Each finding's advice (knob, value, expected gain) is here too.
 */
export const RUN_FINDING_MESSAGES = {
  // cpu-or-io: is the host busy computing or waiting on storage in the stalled trials?
  "cpu-or-io.title": "CPU-bound or I/O-bound",
  "cpu-or-io.summary.no-trials": "No trial finished, so there is no stall to classify.",
  "cpu-or-io.summary.no-stall": "No configuration stalled the device, so there is no input bottleneck to classify.",
  "cpu-or-io.summary.no-telemetry": "The stalled trials have no CPU telemetry (windows too short for the sampler?).",
  "cpu-or-io.summary.best-fine.one":
    "The best configuration does not stall; the {{count}} configuration that did was {{what}}: {{why}}; user {{user}}% of the host, system + iowait {{kernel}}%, {{storage}} of reads from storage.",
  "cpu-or-io.summary.best-fine.many":
    "The best configuration does not stall; the {{count}} configurations that did were {{what}}: {{why}}; user {{user}}% of the host, system + iowait {{kernel}}%, {{storage}} of reads from storage.",
  "cpu-or-io.what.io": "waiting on storage",
  "cpu-or-io.what.cpu": "CPU-bound",
  "cpu-or-io.what.latency": "neither CPU- nor I/O-bound",
  "cpu-or-io.summary.latency":
    "The stalled trials' loading threads are mostly idle: {{busy}}, {{cpuPerLoad}} s of user CPU per second spent loading, system + iowait {{kernel}}% with {{storage}} of reads from storage. Neither CPU nor disk throughput is the limit: loading waits (latency per read, or too few loads in flight); more workers or a deeper --prefetch overlap the waits.",
  "cpu-or-io.summary.io":
    "The stalled trials wait on storage: system + iowait {{kernel}}% against user {{user}}%, and {{storage}} of the bytes read came from storage.",
  "cpu-or-io.summary.cpu":
    "The stalled trials are CPU-bound: {{why}}; user {{user}}% of the host against system + iowait {{kernel}}%, and {{storage}} of the bytes read came from storage (the rest from the page cache).",
  "cpu-or-io.busy.process": "{{cores}} cores busy in user mode in gpuprof's own threads for {{threads}}",
  "cpu-or-io.busy.torch": "{{cores}} cores busy in user mode in the DataLoader's processes for {{threads}}",
  "cpu-or-io.busy.host": "{{cores}} cores busy in user mode on the host for {{threads}}",
  "cpu-or-io.threads.one": "{{n}} loading thread",
  "cpu-or-io.threads.many": "{{n}} loading threads",
  "cpu-or-io.threads.average": "{{n}} loading threads on average",
  "cpu-or-io.why.process":
    "user CPU for {{share}}% of the time spent loading (gpuprof's own threads; {{cores}} cores busy on average, loading taking only part of the window)",
  "cpu-or-io.why.torch":
    "user CPU for {{share}}% of the time spent loading (the DataLoader's processes; {{cores}} cores busy on average, loading taking only part of the window)",
  "cpu-or-io.why.host":
    "user CPU for {{share}}% of the time spent loading (host CPU; {{cores}} cores busy on average, loading taking only part of the window)",
  "cpu-or-io.levers.h5": "HDF5 with chunks of many samples and a chunk cache (`gpuprof h5` sizes them)",
  "cpu-or-io.levers.files":
    "Read larger contiguous pieces: pack the samples into one file (`.npy`, {{h5}}), use faster storage, or make the dataset fit in the page cache.",
  "cpu-or-io.levers.cold":
    "The data is already one file and fits in RAM: these trials read it from storage only because --cold dropped it from the page cache before each. In training it stays cached after the first epoch, so this limit holds for the first epoch, or for a dataset larger than RAM: there, faster storage or {{h5}}.",
  "cpu-or-io.levers.one-file": "The data is already one file: use faster storage, larger reads ({{h5}}), or more RAM for the page cache.",
  "cpu-or-io.advice.io.knob": "storage layout",
  "cpu-or-io.advice.io.value": "larger contiguous reads or faster storage",
  "cpu-or-io.advice.cpu.knob": "host work per sample",
  "cpu-or-io.advice.cpu.value": "less decoding and transforming on the host",

  // workers: the smallest worker count within the tie of the best throughput.
  "workers.title": "Prefetch workers",
  "workers.summary.insufficient":
    "Fewer than two worker counts were measured at the same settings; sweep --workers (e.g. 0,2,4) to size num_workers.",
  "workers.summary": "{{reach}}{{gain}}{{falls}}{{ceiling}}.",
  "workers.clause.reach.one": "{{workers}} worker reaches {{rate}} samples/s, within {{tie}}% of the best ({{top}})",
  "workers.clause.reach.many": "{{workers}} workers reach {{rate}} samples/s, within {{tie}}% of the best ({{top}})",
  "workers.clause.best.one": "{{workers}} worker reaches {{rate}} samples/s, the most of any count tried",
  "workers.clause.best.many": "{{workers}} workers reach {{rate}} samples/s, the most of any count tried",
  "workers.clause.gain": ": {{gain}}x loading on the training thread",
  "workers.clause.falls": "; throughput falls from {{workers}} workers on ({{why}})",
  "workers.falls.cores": "more workers than the {{usable}} usable cores compete for them",
  "workers.falls.contention": "the workers compete for CPU, memory bandwidth or the disk",
  "workers.clause.ceiling":
    "; the largest count tried is still the best and the device still waits, so try more, up to the {{usable}} usable cores",
  "workers.beyond.rss": " (about {{mib}} MiB of resident memory each)",
  "workers.beyond.tried": "More workers than that, up to the {{largest}} tried, added memory{{rss}} without throughput",
  "workers.beyond.untried":
    "No count above {{largest}} was tried, so whether more would help is not measured here; each worker costs memory{{rss}}",
  "workers.advice.knob": "num_workers",
  "workers.advice.gain": "{{gain}}x samples/s against num_workers=0 (measured)",
  "workers.advice.against-zero": "{{gain}}x the samples/s of num_workers=0",
  "workers.pin.untried":
    ", and try `pin_memory=True` for faster host-to-device copies (not measured here; --pin-memory false,true measures it)",
  "workers.pin.untried.harness":
    ", and try `pin_memory=True` for faster host-to-device copies (not measured: the harness does not pin memory; the torch loader's --pin-memory false,true measures it)",
  "workers.pin.measured": "; `pin_memory=True` measured {{ratio}}x the samples/s of `pin_memory=False` here, so {{keep}}",
  "workers.pin.measured.modelled":
    "; `pin_memory=True` measured {{ratio}}x the samples/s of `pin_memory=False` here, the cost of pinning alone: the faster copy it buys on a GPU was modelled, not measured (--consumer cuda measures it)",
  "workers.pin.keep.on": "set it",
  "workers.pin.keep.off": "leave it off",
  "workers.pin.keep.either": "either will do",
  "workers.advice.not-against-zero": "not measured against 0 workers",

  // dtype: uint8 against a wider dtype at otherwise equal settings.
  "dtype.title": "Transfer dtype",
  "dtype.summary.insufficient":
    "uint8 and a wider dtype (float32 or float16) were not both measured at the same settings; sweep --dtype uint8,float32.",
  "dtype.summary": "uint8 batches carry {{bytes}}x the bytes of {{wide}} and give {{ratio}}x the samples/s{{where}}{{verdict}}.",
  "dtype.summary.user-dataset":
    "Your Dataset returns {{dtype}} samples: it picks its own dtype, so --dtype cannot sweep uint8 against it. If they are images, return uint8 from __getitem__ and normalise on the GPU ({{ratio}}x the bytes a batch carries), then run again to measure what that gives.",
  "dtype.summary.user-dataset.narrow":
    "Your Dataset returns {{dtype}} samples, already the narrowest a pixel needs: nothing to gain from the dtype.",
  "dtype.where.best": " at the best configuration's settings ({{workers}}{{transport}}{{echo}}){{all}}",
  "dtype.where.best.workers.one": "{{workers}} worker",
  "dtype.where.best.workers.many": "{{workers}} workers",
  "dtype.where.best.transport": ", {{transport}}",
  "dtype.where.best.echo": ", echo {{echo}}",
  "dtype.where.best.all": "; {{ratio}}x over all {{pairs}} matched pairs",
  "dtype.where.pairs.one": " over {{pairs}} matched pair",
  "dtype.where.pairs.many": " over {{pairs}} matched pairs",
  "dtype.clause.slower": ": uint8 is slower here, normalising {{where}} costing more than the bytes it saves{{software}}",
  "dtype.normalise.device": "on the device",
  "dtype.normalise.model": "in the device model",
  "dtype.clause.software": " (the device is a CPU Vulkan driver, so its normalisation runs on this machine's CPU)",
  "dtype.clause.tie": " (no measurable throughput gain here, but {{fewer}}x fewer bytes over IPC and PCIe)",
  "dtype.advice.knob": "transfer dtype",
  "dtype.advice.value": "uint8, normalised on the GPU",
  "dtype.advice.gain": "{{ratio}}x samples/s and {{bytes}}x the bytes per batch against {{wide}} (measured)",
  "dtype.advice.gain.tie":
    "no measurable change in samples/s here ({{ratio}}x); {{bytes}}x the bytes per batch against {{wide}} (measured)",

  // echo: batch echoing against R, loading time over device time per batch.
  "echo.title": "Batch echoing",
  "echo.summary.insufficient": "No finished trial to estimate loading against step time.",
  "echo.timing": "Loading a batch takes {{load}} ms against {{device}} ms of device time (R = {{r}})",
  "echo.summary.keeps-up": "{{timing}}: loading keeps up, so echoing would only repeat samples.",
  "echo.summary.within":
    "{{timing}}: the best configuration already echoes each batch {{echo}} times, within R, so the echoes fill time the device would spend waiting; more than R would only repeat samples.",
  "echo.summary.beyond":
    "{{timing}}: the best configuration echoes {{echo}} times, beyond R; echoes past {{e}} repeat samples without keeping the device any busier.",
  "echo.summary.no-wait":
    "{{timing}} on one worker's share, yet the device hardly waits (stall {{stall}}%): prefetching keeps up, so echoing would only repeat samples.",
  "echo.summary.raise": "{{timing}}: an echo factor up to {{e}} keeps the device busy; beyond R it buys nothing.",
  "echo.summary.serial":
    "With no workers, loading ({{load}} ms a batch) runs in series with {{device}} ms of device time, so the device waits through every load (stall {{stall}}%): workers overlap the two; an echo factor of {{e}} would spread each load over {{e}} steps, {{gain}}x the steps/s (modelled from the two times).",
  "echo.advice.knob": "batch echo factor",
  "echo.advice.gain.raise": "up to {{gain}}x steps per loaded batch while loading is the limit (from R)",
  "echo.advice.gain.lower": "the same device utilisation with fewer repeats of each sample (from R)",
  "echo.advice.serial.gain": "{{gain}}x the steps/s (modelled)",
  "echo.advice.serial.expected":
    "{{gain}}x steps/s with workers 0 (modelled: {{e}}(L + S)/(L + {{e}}S) from the measured load and device times)",

  // input-bound: does the best configuration reach the AU target?
  "input-bound.title": "Input-bound",
  "input-bound.summary.insufficient": "No trial finished, so there is nothing to judge.",
  "input-bound.per-trial": "per configuration: {{high}} highly, {{moderate}} moderately and {{low}} not input-bound",
  "input-bound.summary.overhead":
    "The best configuration keeps the device busy {{au}} of the time (target {{target}}), but it waited for batches only {{stall}} of the time: the rest, {{overhead}}, is the consumer's own host overhead (submitting work and waiting for results), not the input pipeline; {{perTrial}}.",
  "input-bound.summary.issue":
    "Even the best configuration keeps the device busy only {{au}} of the time (target {{target}}): the input pipeline is the bottleneck, {{level}}; {{perTrial}}.",
  "input-bound.level.high": "highly so",
  "input-bound.level.moderate": "moderately so",
  "input-bound.level.low": "if only slightly (stall under 5%)",
  "input-bound.summary.met": "The best configuration reaches AU {{au}} (target {{target}}){{others}}; {{perTrial}}.",
  "input-bound.others.none": "; none of the {{judged}} configurations falls below it, the lowest at {{worst}}",
  "input-bound.others.one": "; {{below}} of {{judged}} configurations falls below it, the worst at {{worst}}",
  "input-bound.others.many": "; {{below}} of {{judged}} configurations fall below it, the worst at {{worst}}",
  "input-bound.advice.knob": "input pipeline throughput",
  "input-bound.advice.value": "AU of {{target}} or more",
  "input-bound.advice.gain": "up to {{gain}}x steps/s at the target AU (from the measured AU of {{au}})",

  // page-cache: was the dataset read from memory rather than from disk?
  "page-cache.title": "Page cache",
  "page-cache.summary.no-trials": "No trial finished, so no reads were measured.",
  "page-cache.summary.no-memory": "Free memory was unknown, so whether the dataset fits in RAM cannot be said.",
  "page-cache.summary.cold-no-effect":
    "--cold dropped the dataset from the page cache before each trial, yet none of the {{read}} read came from storage: the eviction had no effect here (a filesystem that ignores posix_fadvise, such as tmpfs), so these numbers still describe memory.",
  "page-cache.summary.cold": "{{share}} of the bytes read came from storage (--cold).",
  "page-cache.summary.larger": "{{share}} of the bytes read came from storage (the dataset is larger than free RAM).",
  "page-cache.summary.user-dataset":
    "Your Dataset reads its own data, which gpuprof does not see, so whether it fits in RAM cannot be said (nor can --cold drop it from the page cache): {{share}} of the {{read}} its processes read came from storage.",
  "page-cache.summary.in-ram":
    "The dataset ({{size}}) fits in RAM, so only {{share}} of the {{read}} read came from storage: the sweep measured memory, not the disk a bigger dataset would be read from.",
  "page-cache.advice.knob": "gpuprof run --cold",
  "page-cache.advice.value": "run the sweep again",

  // transport: the throughput lost to copying batches against zero-copy transports.
  "transport.title": "Transport",
  "transport.summary.one-transport":
    "Only one transport was swept, so copies were not compared with zero-copy; sweep --transport transfer,shared,clone.",
  "transport.summary.unpaired":
    "clone was not measured beside a zero-copy transport at the same settings; sweep --transport transfer,shared,clone.",
  "transport.summary":
    "Copying batches (clone) loses {{lost}} of the samples/s of a zero-copy transport; a batch takes {{copyMs}} ms to arrive copied against {{zeroMs}} ms without copies.",
  "transport.advice.knob": "batch transport",
  "transport.advice.value": "zero-copy (tensors in shared memory)",
  "transport.advice.gain": "the {{lost}} of samples/s that copies cost (measured)",

  // au-vs-smi: gpuprof's measured kernel time against nvidia-smi's utilisation.
  "au-vs-smi.title": "AU against nvidia-smi",
  "au-vs-smi.summary.sim":
    "The device step was modelled (sim consumer), so the GPU did none of gpuprof's work and nvidia-smi's utilisation says nothing about this loader; --consumer webgpu drives the GPU for real.",
  "au-vs-smi.summary.few-readings":
    "nvidia-smi gave too few utilisation readings for GPU {{gpu}} inside the trial windows to compare with the measured device time; lengthen --duration.",
  "au-vs-smi.summary.software": "The adapter '{{adapter}}' runs on the CPU, so nvidia-smi has no GPU of it to report.",
  "au-vs-smi.summary.unmatched":
    "The WebGPU adapter '{{adapter}}' could not be matched to an nvidia-smi GPU (no nvidia-smi, several GPUs of that name, or none whose utilisation rose during calibration).",
  "au-vs-smi.summary.agree":
    "nvidia-smi's utilisation of GPU {{gpu}} agrees with the measured kernel time within {{tolerance}} points in all {{compared}} trials (mean difference {{meanDiff}} points): AU here is what the GPU saw.",
  "au-vs-smi.summary.disagree":
    "In {{disagree}} of {{compared}} trials nvidia-smi's utilisation of GPU {{gpu}} differs from the measured kernel time by more than {{tolerance}} points (worst: trial {{trial}}, smi {{smi}}% against kernels {{kernels}}%, AU {{au}}%). {{why}}",
  "au-vs-smi.why.busier":
    "nvidia-smi shows the GPU busier than gpuprof's kernels kept it: utilization.gpu counts a period as busy if any kernel ran in it, so gaps shorter than its 1/6-1 s period vanish, and another process on the GPU counts too. Trust AU for input stalls.",
  "au-vs-smi.why.idler":
    "nvidia-smi shows the GPU idler than the measured kernel time: its periods are coarse against short trials, or the driver reports utilisation late; lengthen --duration before trusting either.",

  // loader: PyTorch's DataLoader against gpuprof's own loader at the settings both measured.
  "loader.title": "PyTorch against gpuprof's loader",
  "loader.summary.harness-only":
    "Only gpuprof's own loader ran ({{trials}}), not your PyTorch DataLoader, so nothing in this run was measured on PyTorch{{why}}.",
  "loader.trials.one": "{{n}} trial",
  "loader.trials.many": "{{n}} trials",
  "loader.why": " (--loader {{requested}}: {{reason}})",
  "loader.summary.unpaired":
    "Both loaders ran, but at no setting in common (the same workers, dtype and echo), so PyTorch was not compared with gpuprof's loader; sweep both at the same --workers and --dtype.",
  "loader.summary": "{{at}}{{verdict}}{{detail}}.{{others}}",
  "loader.at":
    "At {{label}}{{best}}, PyTorch's DataLoader reaches {{share}} of the samples/s of gpuprof's loader at the same settings ({{torch}} against {{harness}}, trial {{harnessId}}{{transport}})",
  "loader.at.best": " (the best PyTorch configuration)",
  "loader.at.transport": ", {{transport}}",
  "loader.verdict.load":
    ": most of the difference is the loading in the workers, {{ratio}}x the harness's time per sample (decoding and PyTorch's per-sample Python overhead)",
  "loader.verdict.transport":
    ": most of the difference is moving batches from the workers to the main process (the copy into shared memory and the unpickling)",
  "loader.verdict.main":
    ": neither the workers' loading nor the transport explains the difference, so the time goes in the main process between batches (collating, pinning, the Python loop)",
  "loader.verdict.same": ": as fast, within {{tie}}",
  "loader.verdict.faster":
    ": PyTorch is faster than the harness here, so the harness is no ceiling at these settings; its figures understate what this machine can load",
  "loader.detail":
    "; per sample the load takes {{loadT}} against {{loadH}}, the transport {{transT}} against {{transH}} ms a batch, and the main process waits {{waitT}} against {{waitH}} ms before each step",
  "loader.others":
    " Over all {{n}} PyTorch configurations measured beside gpuprof's loader at their settings, PyTorch reaches {{min}} to {{max}} of it{{faster}}.",
  "loader.others.faster": "; at {{count}} of them PyTorch is faster, and there the harness is no ceiling",
  "loader.advice.knob": "gpuprof run --loader",
  "loader.advice.value": "torch (or harness,torch for both side by side)",

  // transport in a run judged on PyTorch: the transport axis is the harness's.
  "transport.summary.torch":
    "PyTorch's DataLoader moves batches its own way (tensors in shared memory, the rest pickled through a queue), so --transport, an axis of gpuprof's loader, does not apply to its trials; the time it takes is the transport column of the sweep table.",
} as const;
