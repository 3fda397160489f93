import { describe, expect, it } from "vitest";
import { dawnWarnings, diagnoseNoAdapter, parseAdapterList } from "../../src/webgpu/dawn-messages.js";
import { fixture } from "../helpers.js";

// Real output of dawn.node 0.6.2 (webgpu on npm) on this project's CI machine: see fixtures/SOURCES.md.
describe("Dawn's messages", () => {
  it("reads the adapter list Dawn prints for an adapter name that does not exist", () => {
    expect(parseAdapterList(fixture("webgpu", "adapter-list-lavapipe.stdout.txt"))).toEqual([
      { index: 0, backend: "vulkan", name: "llvmpipe (LLVM 15.0.6, 256 bits)" },
    ]);
  });

  it("numbers several adapters in Dawn's order, names with quotes and commas intact", () => {
    const text = [
      "no suitable backends found",
      "Available adapters:",
      " * backend: 'vulkan', name: 'NVIDIA H100 80GB HBM3'",
      " * backend: 'vulkan', name: 'NVIDIA H100 80GB HBM3'",
      " * backend: 'vulkan', name: 'llvmpipe (LLVM 15.0.6, 256 bits)'",
    ].join("\n");
    expect(parseAdapterList(text).map((a) => [a.index, a.name])).toEqual([
      [0, "NVIDIA H100 80GB HBM3"],
      [1, "NVIDIA H100 80GB HBM3"],
      [2, "llvmpipe (LLVM 15.0.6, 256 bits)"],
    ]);
    expect(parseAdapterList("no suitable backends found")).toEqual([]);
  });

  it("names the missing Vulkan loader and how to install it", () => {
    const line = diagnoseNoAdapter(fixture("webgpu", "no-vulkan-loader.stderr.txt"));
    expect(line).toMatch(
      /Vulkan loader \(libvulkan\.so\.1\) could not be loaded \(\/lib\/x86_64-linux-gnu\/libvulkan\.so\.1: file too short\)/,
    );
    expect(line).toContain("apt-get install libvulkan1");
    expect(line).not.toContain("\n");
  });

  it("names a missing Vulkan driver (ICD): NVIDIA's, or Mesa's for CPU tests", () => {
    const line = diagnoseNoAdapter(fixture("webgpu", "no-driver.stderr.txt"));
    expect(line).toMatch(/^Vulkan found no driver \(ICD\)/);
    expect(line).toContain("nvidia_icd.json");
    expect(line).toContain("mesa-vulkan-drivers");
  });

  it("falls back to a plain line when Dawn said nothing recognisable, and drops its limit chatter", () => {
    expect(diagnoseNoAdapter("")).toMatch(/found no GPU adapter/);
    expect(dawnWarnings(fixture("webgpu", "adapter-list-lavapipe.stderr.txt"))).toEqual([]);
    expect(dawnWarnings(fixture("webgpu", "no-driver.stderr.txt"))).toContain("Warning: vkCreateInstance: Found no drivers!");
  });
});
