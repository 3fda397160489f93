/**
 * What Dawn (the `webgpu` package) prints when it cannot give us an adapter, turned into one line
 * that names what is missing and how to add it. Dawn writes these to stderr from native code, so
 * gpuprof asks for adapters in a child process and reads them from there (see probe.ts).
 */

/** What the probe child answers when Dawn has no adapter: the parent, which has the stderr, says why. */
export const NO_ADAPTER_MARK = "\u0000no-adapter";

export interface ListedAdapter {
  /** Position in Dawn's list: what --device picks. */
  index: number;
  backend: string;
  name: string;
}

/**
 * Dawn answers a request for an adapter name that does not exist with its whole list:
 * "no suitable backends found\nAvailable adapters:\n * backend: 'vulkan', name: 'llvmpipe (...)'".
 * That list is the only enumeration dawn.node offers.
 */
export function parseAdapterList(message: string): ListedAdapter[] {
  const adapters: ListedAdapter[] = [];
  for (const line of message.split("\n")) {
    const match = /^\s*\*\s*backend:\s*'([^']*)',\s*name:\s*'(.*)'\s*$/.exec(line);
    if (match) adapters.push({ index: adapters.length, backend: match[1]!, name: match[2]! });
  }
  return adapters;
}

/** Why no adapter came back, from Dawn's and the Vulkan loader's own words. */
export function diagnoseNoAdapter(stderr: string): string {
  const couldNotLoad = /Couldn't load Vulkan:\s*([^\n]*)/.exec(stderr);
  if (couldNotLoad) {
    return (
      `the Vulkan loader (libvulkan.so.1) could not be loaded (${couldNotLoad[1]!.trim()}); ` +
      "install it: apt-get install libvulkan1 (Debian/Ubuntu) or dnf install vulkan-loader (Fedora/RHEL)"
    );
  }
  if (/Found no drivers|VK_ERROR_INCOMPATIBLE_DRIVER/.test(stderr)) {
    return (
      "Vulkan found no driver (ICD): for an NVIDIA GPU, install the driver's Vulkan part (nvidia_icd.json; " +
      "in containers add graphics to NVIDIA_DRIVER_CAPABILITIES); for a CPU-only test driver, apt-get install mesa-vulkan-drivers"
    );
  }
  return "WebGPU (Dawn over Vulkan) found no GPU adapter on this machine; `vulkaninfo --summary` shows what Vulkan sees";
}

/** Dawn's stderr without its noise, for a --debug reader: the lines that say what went wrong. */
export function dawnWarnings(stderr: string): string[] {
  return stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("Warning:") && !l.includes("artificially reduced"));
}
