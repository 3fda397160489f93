import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { EXIT, failureOf } from "../../src/cli/exit-codes.js";
import { EnvironmentError, Interrupted, UsageError } from "../../src/util/errors.js";

describe("the one mapping from error class to exit code", () => {
  it.each([
    ["UsageError", new UsageError("--batch 0 is too small"), 2],
    ["CommanderError", new CommanderError(1, "commander.unknownOption", "error: unknown option '--x'"), 2],
    ["EnvironmentError", new EnvironmentError("no GPU"), 1],
    ["Interrupted", new Interrupted("interrupted while generating the HDF5 file; nothing was measured"), 130],
  ])("%s exits %i with its own message", (_name, err, code) => {
    expect(failureOf(err)).toEqual({ code, message: err.message });
  });

  it("anything else is an internal error: exit 1, said as a bug to report", () => {
    for (const err of [new Error("boom"), new TypeError("boom"), "boom"]) {
      const failure = failureOf(err);
      expect(failure.code).toBe(1);
      expect(failure.message).toMatch(/^internal error: boom \(.*please report it\)$/);
    }
  });

  it("names the codes once: usage 2, failure 1, interrupted 130 (128 + SIGINT)", () => {
    expect(EXIT).toEqual({ ok: 0, failure: 1, usage: 2, interrupted: 130 });
  });
});
