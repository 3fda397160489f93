import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deviceReadBytes } from "../../src/telemetry/diskstats.js";
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
  it("does not mistake SwapCached for Cached", () => {
    expect(parseMeminfo("MemTotal: 2048 kB\nSwapCached: 1024 kB\n").pageCacheMiB).toBeNull();
  });
  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string(), (t) => void parseMeminfo(t)));
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

describe("/sys/block/<dev>/stat", () => {
  it("gives the bytes a device has read, in 512-byte sectors", () => {
    const text = fixture("proc", "sys_block_vda_stat.txt");
    const sectors = Number(text.trim().split(/\s+/)[2]);
    expect(deviceReadBytes(text)).toBe(sectors * 512);
  });
  it("agrees with the same device's line in /proc/diskstats", () => {
    // The diskstats fixtures hold vda's line: sectors read is the 6th field there, the 3rd in /sys/block.
    const line = fixture("proc", "diskstats_vm_after_read.txt")
      .split("\n")
      .find((l) => / vda /.test(l))!;
    const afterName = line.trim().split(/\s+/).slice(3).join(" ");
    expect(deviceReadBytes(afterName)).toBe(990634 * 512);
  });
  it("is null for text without the field, and never throws", () => {
    expect(deviceReadBytes("")).toBeNull();
    fc.assert(fc.property(fc.string(), (t) => void deviceReadBytes(t)));
  });
});

describe("/proc/<pid>/stat", () => {
  it("finds the parent even when the command name holds spaces and parentheses", () => {
    expect(parentPidFromStat("1234 (my (odd) name) S 99 1234 1234 0 -1")).toBe(99);
  });
});
