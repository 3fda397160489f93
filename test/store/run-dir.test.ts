import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimRunDir, runDirLabel } from "../../src/store/run-dir.js";
import { UsageError } from "../../src/util/errors.js";
import { tempDir } from "../helpers.js";

describe("run folders", () => {
  it("are named by local time and the command's base name", () => {
    expect(runDirLabel(new Date(2026, 10, 23, 9, 5, 7), "/usr/bin/python3")).toBe("20261123-090507-python3");
    expect(runDirLabel(new Date(2026, 0, 2, 3, 4, 5), "./my train.sh")).toBe("20260102-030405-my_train.sh");
  });

  it("never reuse an earlier run's folder", () => {
    const reports = join(tempDir(), "reports");
    const first = claimRunDir({ reportsDir: reports, label: "x", force: false });
    writeFileSync(join(first, "timeline.json"), "{}");
    const second = claimRunDir({ reportsDir: reports, label: "x", force: false });
    const third = claimRunDir({ reportsDir: reports, label: "x", force: false });
    expect([first, second, third].map((p) => p.slice(reports.length + 1))).toEqual(["x", "x-2", "x-3"]);
    expect(readdirSync(first)).toEqual(["timeline.json"]);
  });

  it("refuse a non-empty --out folder unless forced", () => {
    const out = join(tempDir(), "mine");
    mkdirSync(out);
    writeFileSync(join(out, "old.json"), "{}");
    expect(() => claimRunDir({ out, reportsDir: "unused", label: "x", force: false })).toThrow(UsageError);
    expect(() => claimRunDir({ out, reportsDir: "unused", label: "x", force: false })).toThrow(/add --force/);
    expect(claimRunDir({ out, reportsDir: "unused", label: "x", force: true })).toBe(out);
  });

  it("accept an empty or new --out folder", () => {
    const out = join(tempDir(), "new", "deeper");
    expect(claimRunDir({ out, reportsDir: "unused", label: "x", force: false })).toBe(out);
  });
});
