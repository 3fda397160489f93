import { describe, expect, it } from "vitest";
import { renderedMessageIds } from "../../src/messages/catalogue.js";
import { WATCH_LIVE_MESSAGES } from "../../src/messages/watch-live.js";
import { elapsed, liveLine, liveLineWanted, liveStatus } from "../../src/report/watch-live.js";
import { MISSING_READING } from "../../src/telemetry/nvidia-smi/query-format.js";
import type { Sample } from "../../src/telemetry/types.js";

const gpu = (index: number, utilPct: number | null) => ({
  index,
  ageMs: 10,
  ...MISSING_READING,
  utilPct,
  pcieRxMBPerS: null,
  pcieTxMBPerS: null,
});

function sample(tMs: number, v: { user: number; sys: number; wa: number; readMB: number | null; gpus?: (number | null)[] }): Sample {
  return {
    tMs,
    cpu: {
      userPct: v.user,
      nicePct: 0,
      systemPct: v.sys,
      iowaitPct: v.wa,
      irqPct: 0,
      softirqPct: 0,
      stealPct: 0,
      idlePct: 100 - v.user - v.sys - v.wa,
    },
    cores: [],
    mem: { totalMiB: 64 * 1024, availableMiB: 40 * 1024, pageCacheMiB: null },
    io: { procReadBytesPerS: v.readMB === null ? null : v.readMB * 1e6, procStorageReadBytesPerS: 0, diskReadBytesPerS: null },
    gpus: (v.gpus ?? []).map((u, i) => gpu(i, u)),
  };
}

/** Samples every 100 ms up to `untilMs`, each from `f`. */
const run = (untilMs: number, f: (tMs: number) => Parameters<typeof sample>[1]): Sample[] =>
  Array.from({ length: untilMs / 100 }, (_, i) => sample((i + 1) * 100, f((i + 1) * 100)));

describe("the live line", () => {
  it("shows elapsed time, the GPU, CPU us/sy/wa and read rate over the last second, and memory", () => {
    // The first 4 s idle, the last second busy: the line shows the last second, not the run's mean.
    const samples = run(5000, (t) =>
      t <= 4000 ? { user: 5, sys: 1, wa: 0, readMB: 0, gpus: [0] } : { user: 80, sys: 6, wa: 2, readMB: 310, gpus: [87] },
    );
    const line = liveLine(samples);
    expect(line).toBe("gpuprof 0:05  GPU 87%  CPU us 80% sy 6% wa 2%  read 310 MB/s  mem 24.0/64.0 GiB");
  });

  it('says "no GPU" when no GPU reports, and n/a for readings it does not have', () => {
    const samples = run(2000, () => ({ user: 12, sys: 3, wa: 40, readMB: null }));
    samples[samples.length - 1]!.mem = { totalMiB: null, availableMiB: null, pageCacheMiB: null };
    expect(liveLine(samples)).toBe("gpuprof 0:02  no GPU  CPU us 12% sy 3% wa 40%  read n/a  mem n/a");
  });

  it("shows up to three GPUs one by one, more as their mean and the lowest", () => {
    const few = run(1000, () => ({ user: 50, sys: 5, wa: 0, readMB: 12.5, gpus: [100, null, 7] }));
    expect(liveLine(few)).toBe("gpuprof 0:01  GPU 100% n/a 7%  CPU us 50% sy 5% wa 0%  read 12.5 MB/s  mem 24.0/64.0 GiB");
    const many = run(1000, () => ({ user: 50, sys: 5, wa: 0, readMB: 12.5, gpus: [100, 90, 80, 70, 60, 50, 40, 12] }));
    expect(liveLine(many)).toContain("  8 GPUs 63% min 12%  ");
    const unread = run(1000, () => ({ user: 50, sys: 5, wa: 0, readMB: 12.5, gpus: [null, null, null, null, null] }));
    expect(liveLine(unread)).toContain("  5 GPUs n/a min n/a  ");
  });

  it("fits 100 columns at its widest, and a narrower terminal's width less one", () => {
    // Nearly 100 hours in, every figure at its widest: 3 and 16 GPUs all busy, user CPU at 100%, a
    // read rate of 99 GB/s (from the page cache), 4 TiB of memory.
    const at = (gpus: number[], user: number, sys: number): Sample[] =>
      run(2000, () => ({ user, sys, wa: 100 - user - sys, readMB: 99_000, gpus })).map((s) => ({
        ...s,
        tMs: s.tMs + 359_898_000,
        mem: { totalMiB: 4096 * 1024, availableMiB: 10, pageCacheMiB: null },
      }));
    const three = liveLine(at([100, 100, 100], 100, 0));
    expect(three).toBe("gpuprof 99:58:20  GPU 100% 100% 100%  CPU us 100% sy 0% wa 0%  read 99.0 GB/s  mem 4.0/4.0 TiB");
    const sixteen = liveLine(at(Array<number>(16).fill(100), 34, 33));
    expect(sixteen).toBe("gpuprof 99:58:20  16 GPUs 100% min 100%  CPU us 34% sy 33% wa 33%  read 99.0 GB/s  mem 4.0/4.0 TiB");
    for (const line of [three, sixteen]) expect(line.length).toBeLessThan(100);
    expect(liveLine(at([100], 100, 0), 40)).toHaveLength(39);
    expect(liveLine(at([100], 100, 0), 40)).not.toMatch(/[\r\n]/);
  });

  it("is empty before the first sample", () => {
    expect(liveLine([])).toBe("");
  });

  it("words elapsed time as tqdm does", () => {
    expect([0, 7400, 754_000, 3_723_000].map(elapsed)).toEqual(["0:00", "0:07", "12:34", "1:02:03"]);
  });
});

describe("when the live line is shown, and how it is drawn", () => {
  it("is on only on a terminal that can rewrite a line, and off with --no-live", () => {
    const env = { TERM: "xterm-256color" };
    expect(liveLineWanted({ isTTY: true }, true, env)).toBe(true);
    expect(liveLineWanted({ isTTY: true }, false, env)).toBe(false);
    expect(liveLineWanted({ isTTY: false }, true, env)).toBe(false);
    expect(liveLineWanted({}, true, env)).toBe(false);
    expect(liveLineWanted({ isTTY: true }, true, { TERM: "dumb" })).toBe(false);
  });

  it("rewrites the line in place, clears it before a line of gpuprof's own, and clears it for good at the end", () => {
    let written = "";
    const stream = { write: (s: string) => ((written += s), true), columns: 0 } as unknown as NodeJS.WritableStream & { columns: number };
    const status = liveStatus(stream);
    status.show([]);
    expect(written).toBe("");
    const samples = run(1000, () => ({ user: 50, sys: 5, wa: 0, readMB: 1, gpus: [] }));
    status.show(samples);
    status.show(samples);
    const line = liveLine(samples);
    expect(written).toBe(`\r\x1b[2K${line}\r\x1b[2K${line}`);
    written = "";
    status.log("gpuprof: a note");
    status.log("gpuprof: another");
    expect(written).toBe("\r\x1b[2Kgpuprof: a note\ngpuprof: another\n");
    written = "";
    status.show(samples);
    status.clear();
    status.show(samples);
    expect(written).toBe(`\r\x1b[2K${line}\r\x1b[2K`);
  });

  // Last: the cases above render every message of the line between them.
  it("renders every watch.live. message", () => {
    const rendered = renderedMessageIds();
    const missing = Object.keys(WATCH_LIVE_MESSAGES).filter(
      (id) => id.startsWith("watch.live.") && !rendered.has(id as keyof typeof WATCH_LIVE_MESSAGES),
    );
    expect(missing, `never rendered: ${missing.join(", ")}`).toEqual([]);
  });
});
