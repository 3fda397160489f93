import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDiskstats, totalReadBytes } from "../../src/telemetry/diskstats.js";
import { parseMeminfo } from "../../src/telemetry/meminfo.js";
import { parseProcessIo } from "../../src/telemetry/process-io.js";
import { parentPidFromStat } from "../../src/telemetry/process-tree.js";
import { fixture } from "../helpers.js";

describe("/proc/meminfo", () => {
  it("reads total, available and page cache in MiB", () => {
    const m = parseMeminfo(fixture("proc", "meminfo_vm.txt"));
    expect(m.totalMiB).toBeCloseTo(24683656 / 1024, 3);
    expect(m.availableMiB).toBeGreaterThan(0);
    expect(m.pageCacheMiB).toBeGreaterThan(0);
  });
  it("gives null for fields it cannot find", () => {
    expect(parseMeminfo("garbage")).toEqual({ totalMiB: null, availableMiB: null, pageCacheMiB: null });
  });
});

describe("/proc/<pid>/io", () => {
  it("tells a cold read (storage) from a page-cache read", () => {
    const cold = parseProcessIo(fixture("proc", "python_io_after_64MiB_read.txt"))!;
    const warm = parseProcessIo(fixture("proc", "python_io_after_64MiB_cached_read.txt"))!;
    expect(cold).toEqual({ rchar: 68794714, readBytes: 83275776 });
    expect(warm).toEqual({ rchar: 68794714, readBytes: 0 });
  });
  it("returns null when a counter is missing", () => {
    expect(parseProcessIo("rchar: 5\n")).toBeNull();
  });
  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string(), (t) => void parseProcessIo(t)));
  });
});

describe("/proc/diskstats", () => {
  it("measures the bytes a cold 64 MiB read fetched from the disk", () => {
    const before = parseDiskstats(fixture("proc", "diskstats_vm_before_read.txt"));
    const after = parseDiskstats(fixture("proc", "diskstats_vm_after_read.txt"));
    expect(totalReadBytes(after, ["vda"]) - totalReadBytes(before, ["vda"])).toBe(162656 * 512);
  });
  it("skips devices that are not in the reading", () => {
    expect(totalReadBytes(new Map([["vda", 10]]), ["vda", "nvme0n1"])).toBe(10);
  });
  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string(), (t) => void parseDiskstats(t)));
  });
});

describe("/proc/<pid>/stat", () => {
  it("finds the parent even when the command name holds spaces and parentheses", () => {
    expect(parentPidFromStat("1234 (my (odd) name) S 99 1234 1234 0 -1")).toBe(99);
  });
});
