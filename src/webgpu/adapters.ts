import { parseAdapterList, type ListedAdapter } from "./dawn-messages.js";
import type { WebgpuModule } from "./module.js";

/** One WebGPU adapter as gpuprof reports it. */
export interface AdapterDescription {
  /** Position in Dawn's adapter list: what --device picks. */
  index: number;
  backend: string;
  /** The driver's device name, e.g. "NVIDIA H100 80GB HBM3" or "llvmpipe (LLVM 15.0.6, 256 bits)". */
  name: string;
  vendor: string;
  architecture: string;
  description: string;
  /** A CPU implementation (lavapipe/llvmpipe, SwiftShader): fine for tests, not a GPU. */
  software: boolean;
}

export type AdapterChoice =
  | { ok: true; adapters: AdapterDescription[]; chosen: AdapterDescription }
  /** `usage`: the problem is the --device the user gave, not the machine. */
  | { ok: false; problem: string; usage?: boolean };

/** Flags for an instance that requests exactly this adapter, with timestamps at full resolution. */
export function instanceFlags(adapterName: string): string[] {
  // Dawn rounds timestamps to 100 us by default (a browser's defence against timing attacks); we want the real values.
  return [`adapter=${adapterName}`, "disable-dawn-features=timestamp_quantization"];
}

/** Dawn's whole adapter list, got by asking for an adapter that cannot exist. Empty when it has none at all. */
export async function listAdapters(webgpu: WebgpuModule): Promise<ListedAdapter[]> {
  try {
    // Dawn answers null, not its list, when it has no adapter at all.
    await webgpu.create(["adapter=\u0001gpuprof-list-adapters"]).requestAdapter();
    return [];
  } catch (err) {
    return parseAdapterList(err instanceof Error ? err.message : String(err));
  }
}

async function describe(webgpu: WebgpuModule, listed: ListedAdapter): Promise<AdapterDescription | null> {
  const adapter = await webgpu.create(instanceFlags(listed.name)).requestAdapter({ powerPreference: "high-performance" });
  if (adapter === null) return null;
  const info = adapter.info;
  return {
    ...listed,
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    software: info.isFallbackAdapter === true || info.architecture === "software",
  };
}

/**
 * The adapter a run will drive: --device N from Dawn's list, or the first real GPU (a software
 * adapter only when there is nothing else). Dawn selects adapters by name, so of several adapters
 * with the same name only the first can be reached.
 */
export async function chooseAdapter(webgpu: WebgpuModule, device: number | null, noAdapter: () => string): Promise<AdapterChoice> {
  const listed = await listAdapters(webgpu);
  if (listed.length === 0) return { ok: false, problem: noAdapter() };
  const byName = new Map<string, AdapterDescription | null>();
  for (const entry of listed) {
    if (!byName.has(entry.name)) byName.set(entry.name, await describe(webgpu, entry));
  }
  const adapters = listed.map((entry) => {
    const first = byName.get(entry.name);
    return first ? { ...first, index: entry.index, backend: entry.backend } : null;
  });
  const usable = adapters.filter((a): a is AdapterDescription => a !== null);
  const names = listed.map((a) => `${a.index} '${a.name}'`).join(", ");
  if (device !== null) {
    const wanted = adapters[device];
    if (device >= listed.length || !wanted) {
      return {
        ok: false,
        usage: true,
        problem: `--device ${device}: WebGPU has ${listed.length} adapter(s): ${names}; pick one of those numbers`,
      };
    }
    const first = listed.find((a) => a.name === wanted.name)!;
    if (first.index !== device) {
      return {
        ok: false,
        usage: true,
        problem:
          `--device ${device}: adapters ${listed
            .filter((a) => a.name === wanted.name)
            .map((a) => a.index)
            .join(", ")} are all '${wanted.name}' ` +
          `and WebGPU (Dawn) selects adapters by name, so only --device ${first.index} can be reached; to drive another GPU, make it the only one visible ` +
          "(containers: NVIDIA_VISIBLE_DEVICES=<n> or docker run --gpus device=<n>)",
      };
    }
    return { ok: true, adapters: usable, chosen: wanted };
  }
  const chosen = usable.find((a) => !a.software) ?? usable[0];
  if (!chosen) return { ok: false, problem: noAdapter() };
  return { ok: true, adapters: usable, chosen };
}
