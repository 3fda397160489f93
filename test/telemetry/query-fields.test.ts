import { describe, expect, it } from "vitest";
import { classifyNvidiaSmiOutput } from "../../src/telemetry/nvidia-smi/failures.js";
import { QueryFieldList } from "../../src/telemetry/nvidia-smi/query-fields.js";
import { fixture } from "../helpers.js";

const rejected = (field: string) => classifyNvidiaSmiOutput(fixture("nvidia-smi", "h100_bad_field.txt").replace("bogus.field", field), 2);

describe("the --query-gpu field list an nvidia-smi accepts", () => {
  it("drops a field nvidia-smi rejects (recorded message) and asks for the rest", () => {
    const list = new QueryFieldList(["index", "name", "bogus.field"]);
    expect(list.dropUnknown(classifyNvidiaSmiOutput(fixture("nvidia-smi", "h100_bad_field.txt"), 2))).toBe(true);
    expect(list.fields).toEqual(["index", "name"]);
    expect(list.dropped).toEqual(["bogus.field"]);
  });

  it("does not ask again for other failures, or for a field it never asked for (that would fail the same way)", () => {
    const list = new QueryFieldList(["index", "name"]);
    expect(list.dropUnknown(classifyNvidiaSmiOutput("Failed to initialize NVML: Unknown Error", 255))).toBe(false);
    expect(list.dropUnknown(null)).toBe(false);
    expect(list.dropUnknown(rejected("pstate"))).toBe(false);
    expect(list.fields).toEqual(["index", "name"]);
  });

  it("gives up after five dropped fields", () => {
    const fields = ["a", "b", "c", "d", "e", "f", "index"];
    const list = new QueryFieldList(fields);
    expect(fields.slice(0, 6).map((f) => list.dropUnknown(rejected(f)))).toEqual([true, true, true, true, true, false]);
    expect(list.fields).toEqual(["f", "index"]);
  });
});
