// Run by test/system-packages.test.ts in a vitest of its own: a suite that needs a package no machine has.
import { expect, it } from "vitest";
import { describeNeeding } from "../system-packages.js";

describeNeeding({ what: "the frobnicator (frob-utils)", install: "apt-get install -y frob-utils", present: false }, "frobnicating", () => {
  it("frobnicates", () => {
    expect(1 + 1).toBe(2);
  });
});
