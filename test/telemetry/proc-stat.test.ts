import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { corePercents, cpuPercents, parseProcStat } from "../../src/telemetry/proc-stat.js";
import { fixture } from "../helpers.js";

const a = parseProcStat(fixture("proc", "stat_vm_2core_a.txt"))!;
const b = parseProcStat(fixture("proc", "stat_vm_2core_b.txt"))!;

describe("/proc/stat", () => {
  it("reads the aggregate line and every core", () => {
    expect(a.total).toEqual({ user: 4407, nice: 0, system: 1729, idle: 1487389, iowait: 151, irq: 0, softirq: 93, steal: 305 });
    expect([...a.cores.keys()]).toEqual([0, 1]);
  });

  it("shows the 1 s busy loop as user time on the core that ran it", () => {
    const cores = corePercents(a, b);
    // cpu1: user +111, system +2, idle +0 of 113 ticks
    expect(cores[1]!.userPct).toBeCloseTo((100 * 111) / 113, 2);
    expect(cores[1]!.idlePct).toBe(0);
    expect(cores[0]!.idlePct).toBeGreaterThan(99);
    const total = cpuPercents(a.total, b.total);
    expect(total.userPct).toBeCloseTo((100 * 111) / 226, 2);
  });

  it("counts a backwards iowait step as zero instead of a negative share", () => {
    const back = parseProcStat(fixture("proc", "stat_iowait_backwards_b.txt"))!;
    const total = cpuPercents(a.total, back.total);
    expect(total.iowaitPct).toBe(0);
    const core1 = corePercents(a, back)[1]!;
    expect(core1.iowaitPct).toBe(0);
    expect(core1.userPct + core1.systemPct + core1.idlePct).toBeCloseTo(100, 1);
  });

  it("does not add guest time, which user already contains", () => {
    const prev = parseProcStat("cpu  100 0 0 100 0 0 0 0 50 0\n")!;
    const cur = parseProcStat("cpu  200 0 0 200 0 0 0 0 150 0\n")!;
    expect(cpuPercents(prev.total, cur.total).userPct).toBe(50);
  });

  it("reports an idle machine with no ticks elapsed as idle", () => {
    expect(cpuPercents(a.total, a.total).idlePct).toBe(100);
  });

  it("never throws on arbitrary text, and its shares always add up to 100", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(() => parseProcStat(text)).not.toThrow();
      }),
    );
    const ticks = fc.array(fc.nat(1e9), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(ticks, ticks, (x, y) => {
        const prev = parseProcStat(`cpu ${x.join(" ")}\n`)!;
        const cur = parseProcStat(`cpu ${y.join(" ")}\n`)!;
        const p = cpuPercents(prev.total, cur.total);
        const sum = p.userPct + p.nicePct + p.systemPct + p.iowaitPct + p.irqPct + p.softirqPct + p.stealPct + p.idlePct;
        // Each share is rounded to 0.01, so eight of them add up to 100 within 0.04.
        expect(Math.abs(sum - 100)).toBeLessThanOrEqual(0.04 + 1e-9);
        for (const v of Object.values(p)) expect(v).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
