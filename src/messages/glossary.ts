/**
 * The glossary: every abbreviation a report uses, spelled out where a format first uses it (the
 * terminal, summary.md, report.html, the summary card), the words for a finding's state, and the
 * headline of a verdict that rests on a modelled device.
 */
export const GLOSSARY_MESSAGES = {
  // Abbreviations, one definition each.
  "glossary.au": "AU: accelerator utilisation, the share of wall time the device was busy (as DLIO and MLPerf Storage define it)",
  "glossary.stall": "stall: the share of wall time the device waited for a batch",
  "glossary.p95": "p50/p95/p99: the median, 95th and 99th percentile",
  "glossary.us-sy-wa": "us/sy/wa: CPU time in user mode, in the kernel (system) and waiting for I/O (iowait)",
  "glossary.p5": "p5/p95: the 5th and 95th percentile",
  "glossary.rss": "RSS: resident set size, the memory the process held",
  "glossary.h2d": "H2D: host-to-device copy",
  "glossary.smi": "GPU util (smi): nvidia-smi's utilization.gpu",
  "glossary.rdcc": "rdcc_nbytes/rdcc_nslots/rdcc_w0: h5py's chunk-cache size, hash slots and preemption weight",
  // The line (terminal) or paragraph (summary.md, report.html) that holds them.
  "glossary.line": "Key: {{terms}}.",
  "glossary.card": "AU = accelerator utilisation, the share of wall time the device was busy",

  // A finding's state in words, in every format.
  "finding.state.issue": "issue",
  "finding.state.none": "no issue",
  "finding.state.insufficient-data": "not enough data",
  "finding.state.line": "{{state}}, {{basis}}",

  // A verdict that rests on a modelled device says so where it is the headline.
  "headline.modelled.preset": "{{verdict}} (modelled device: {{name}})",
  "headline.modelled.fixed": "{{verdict}} (modelled device: {{ms}} ms per batch of {{batch}})",
} as const;
