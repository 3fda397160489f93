import { message } from "../messages/catalogue.js";
import type { Sample } from "../telemetry/types.js";
import { mbPerS } from "../util/format.js";

/** The line is redrawn this often. */
export const LIVE_EVERY_MS = 1000;
/** CPU and read rates are averaged over the samples of this last stretch: steadier than one sample, still current. */
const WINDOW_MS = 1000;
/** Up to this many GPUs are shown one by one; more as their mean and the lowest (the line stays within 100 columns). */
const GPUS_ONE_BY_ONE = 3;

const percent = (v: number | null): string => (v === null ? message("watch.live.n-a") : `${v.toFixed(0)}%`);

/** 0:07, 12:34, 1:02:03: how tqdm shows elapsed time. */
export function elapsed(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** Time-weighted mean of a reading over samples, each standing for the time since the one before; null with no reading. */
function mean(samples: readonly Sample[], before: number, pick: (s: Sample) => number | null): number | null {
  let sum = 0;
  let weight = 0;
  let prev = before;
  for (const s of samples) {
    const w = Math.max(0, s.tMs - prev);
    prev = s.tMs;
    const v = pick(s);
    if (v === null || w === 0) continue;
    sum += v * w;
    weight += w;
  }
  return weight > 0 ? sum / weight : null;
}

function gpuPart(latest: Sample): string {
  const utils = latest.gpus.map((g) => g.utilPct);
  if (utils.length === 0) return message("watch.live.gpu.none");
  if (utils.length === 1) return message("watch.live.gpu.one", { util: percent(utils[0]!) });
  if (utils.length <= GPUS_ONE_BY_ONE) return message("watch.live.gpu.few", { utils: utils.map(percent).join(" ") });
  const known = utils.filter((u): u is number => u !== null);
  return message("watch.live.gpu.many", {
    n: String(utils.length),
    mean: percent(known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : null),
    min: percent(known.length > 0 ? Math.min(...known) : null),
  });
}

function memPart(latest: Sample): string {
  const { totalMiB, availableMiB } = latest.mem;
  if (totalMiB === null || availableMiB === null) return message("watch.live.n-a");
  const used = totalMiB - availableMiB;
  // A terabyte machine in TiB, so that the figures stay short.
  if (totalMiB >= 1024 ** 2) {
    const tib = (mib: number): string => (mib / 1024 ** 2).toFixed(1);
    return message("watch.live.mem.tib", { used: tib(used), total: tib(totalMiB) });
  }
  const gib = (mib: number): string => (mib / 1024).toFixed(1);
  return message("watch.live.mem", { used: gib(used), total: gib(totalMiB) });
}

function readPart(bytesPerS: number | null): string {
  if (bytesPerS === null) return message("watch.live.n-a");
  const mb = bytesPerS / 1e6;
  return mb >= 1000 ? message("watch.live.read.gb", { rate: (mb / 1000).toFixed(1) }) : mbPerS(mb);
}

/**
 * The live status line from the samples so far (pure: the same samples give the same line): elapsed
 * time, GPU utilisation (each GPU's, or the mean and the lowest of many; "no GPU" when none reports),
 * host CPU user / system / iowait and the command's read rate over the last second, and host memory
 * in use. At most `columns` - 1 characters, so that it never wraps (a wrapped line cannot be
 * rewritten in place); empty before the first sample.
 */
export function liveLine(samples: readonly Sample[], columns = 100): string {
  const latest = samples[samples.length - 1];
  if (!latest) return "";
  let first = samples.length - 1;
  while (first > 0 && samples[first - 1]!.tMs > latest.tMs - WINDOW_MS) first--;
  const window = samples.slice(first);
  const before = first > 0 ? samples[first - 1]!.tMs : 0;
  const avg = (pick: (s: Sample) => number | null): number | null => mean(window, before, pick);
  const line = message("watch.live.line", {
    elapsed: elapsed(latest.tMs),
    gpu: gpuPart(latest),
    us: percent(avg((s) => s.cpu.userPct + s.cpu.nicePct)),
    sy: percent(avg((s) => s.cpu.systemPct + s.cpu.irqPct + s.cpu.softirqPct)),
    wa: percent(avg((s) => s.cpu.iowaitPct)),
    read: readPart(avg((s) => s.io.procReadBytesPerS)),
    mem: memPart(latest),
  });
  return line.length < columns ? line : line.slice(0, Math.max(0, columns - 1));
}

/** Whether to show the live line: on a terminal that can rewrite a line (not TERM=dumb), unless --no-live. */
export function liveLineWanted(stream: { isTTY?: boolean }, live: boolean, env: NodeJS.ProcessEnv): boolean {
  return live && stream.isTTY === true && env["TERM"] !== "dumb";
}

const CLEAR_LINE = "\r\x1b[2K";

export interface LiveStatus {
  /** Redraws the line from the samples so far. */
  show(samples: readonly Sample[]): void;
  /** Writes a line of gpuprof's own above the live line: the live line is cleared first, redrawn at the next show. */
  log(line: string): void;
  /** Clears the line for good (the command has ended). */
  clear(): void;
}

/**
 * The live line on a terminal it shares with the watched command: each show clears the terminal's
 * current line and writes the status there, with no newline. A line the command prints meanwhile
 * starts after it; the next show draws the status on the line below.
 */
export function liveStatus(stream: NodeJS.WritableStream & { columns?: number }): LiveStatus {
  let shown = false;
  const clearIfShown = (): void => {
    if (shown) stream.write(CLEAR_LINE);
    shown = false;
  };
  let cleared = false;
  return {
    show: (samples) => {
      if (cleared) return;
      // A terminal that does not tell its width (0, as under `script`) gets the line at 100 columns.
      const line = liveLine(samples, stream.columns !== undefined && stream.columns > 0 ? stream.columns : 100);
      if (line === "") return;
      stream.write(CLEAR_LINE + line);
      shown = true;
    },
    log: (line) => {
      clearIfShown();
      stream.write(line + "\n");
    },
    clear: () => {
      clearIfShown();
      cleared = true;
    },
  };
}
