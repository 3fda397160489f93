/**
 * `gpuprof watch`'s live status line (watch.live.) and its verdict when there is no GPU to compare
 * with (watch.host.): judged from the host's CPU and I/O alone. Values come formatted, units included.
 */
export const WATCH_LIVE_MESSAGES = {
  // The live line, rewritten in place about once a second on a terminal.
  "watch.live.line": "gpuprof {{elapsed}}  {{gpu}}  CPU us {{us}} sy {{sy}} wa {{wa}}  read {{read}}  mem {{mem}}",
  "watch.live.gpu.none": "no GPU",
  "watch.live.gpu.one": "GPU {{util}}",
  "watch.live.gpu.few": "GPU {{utils}}",
  // The mean over the GPUs, and the lowest.
  "watch.live.gpu.many": "{{n}} GPUs {{mean}} min {{min}}",
  "watch.live.mem": "{{used}}/{{total}} GiB",
  "watch.live.mem.tib": "{{used}}/{{total}} TiB",
  "watch.live.read.gb": "{{rate}} GB/s",
  "watch.live.n-a": "n/a",

  // The artifact's verdict without a GPU: what the host shows, in a few words, marked host-only.
  "watch.verdict.host-cpu-bound": "host only (no GPU): CPU-bound",
  "watch.verdict.host-io-bound": "host only (no GPU): waiting on storage",
  "watch.verdict.host-neither": "host only (no GPU): neither CPU-bound nor waiting on storage",

  "watch.host.summary.cpu-bound":
    "No GPU to compare with: judged from the host's CPU and I/O alone. The host's CPU user time (every process on it, the command's among them) is {{user}} of its cores against {{kernel}} system + iowait: the command is CPU-bound, unless other work on this host takes that CPU.",
  "watch.host.summary.io-bound":
    "No GPU to compare with: judged from the host's CPU and I/O alone. The host spends {{kernel}} in system + iowait against {{user}} user while the command reads {{rate}} from storage ({{storage}} of its reads): it waits on storage.",
  "watch.host.summary.neither":
    "No GPU to compare with: judged from the host's CPU and I/O alone. The host is neither CPU-bound (user {{user}}) nor waiting on storage (system + iowait {{kernel}}, {{storage}} of reads from storage): the input pipeline has room on this host; whether it would keep a GPU busy takes a run with one.",
} as const;
