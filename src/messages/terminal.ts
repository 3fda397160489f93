/**
 * The words of gpuprof's terminal layout: the short lines that stand for what --verbose and the
 * reports show in full, and the one-line consumer notes.
 */
export const TERMINAL_MESSAGES = {
  "terminal.findings": "Findings (! issue, ok no issue, ? not enough data): {{list}}",
  "terminal.findings.heading": "Findings:",
  "terminal.more.run": "More: --verbose for each finding in full, the comparisons and the notes; {{report}} for every column",
  "terminal.more.h5": "More: --verbose for the files, the smallest caches and the notes; {{report}} for every column",
  "terminal.more.watch": "More: --verbose for what to change; {{report}} for the advice and the charts",
  "terminal.more.report-cli": "gpuprof report {{dir}}",
  "terminal.watch.advice": "What to change",
  "terminal.consumer.no-gpu": "no GPU: the device step is modelled (sim); --verbose says why",
  "terminal.consumer.no-package":
    "the device step is modelled (sim): the webgpu package, which drives a GPU, is not installed (npm install webgpu)",
} as const;
