import { readFileSync } from "node:fs";
import { cpus, hostname } from "node:os";
import si from "systeminformation";
import { parseMeminfo } from "./meminfo.js";
import { readGpuInventory, type GpuInventoryEntry } from "./nvidia-smi/gpu-inventory.js";
import { usableCores, type UsableCores } from "./usable-cores.js";

export interface HostInfo {
  hostname: string;
  os: { distro: string; release: string; kernel: string; arch: string };
  cpu: { model: string; physicalCores: number; logicalCores: number; usable: UsableCores };
  memory: { totalMiB: number | null; availableMiB: number | null; pageCacheMiB: number | null };
  disks: { name: string; sizeBytes: number; rotational: boolean | null; model: string }[];
  filesystems: { mount: string; fs: string; type: string; sizeBytes: number; availableBytes: number }[];
  gpus: GpuInventoryEntry[];
  /** Why no GPU is listed, when none is. */
  gpuProblem: string | null;
}

function rotational(name: string): boolean | null {
  try {
    return readFileSync(`/sys/block/${name}/queue/rotational`, "utf8").trim() === "1";
  } catch {
    return null;
  }
}

/** Static inventory of this machine: systeminformation for hardware facts, /proc and nvidia-smi for the rest. */
export async function readHostInfo(nvidiaSmi: string, env: NodeJS.ProcessEnv = process.env): Promise<HostInfo> {
  const [cpu, os, blocks, fsSizes, gpuInventory] = await Promise.all([
    si.cpu(),
    si.osInfo(),
    si.blockDevices(),
    si.fsSize(),
    readGpuInventory(nvidiaSmi, 10000, env),
  ]);
  const mem = parseMeminfo(readFileSync("/proc/meminfo", "latin1"));
  return {
    hostname: hostname(),
    os: { distro: `${os.distro} ${os.release}`.trim(), release: os.release, kernel: os.kernel, arch: os.arch },
    cpu: {
      model: `${cpu.manufacturer} ${cpu.brand}`.trim() || (cpus()[0]?.model ?? "unknown"),
      physicalCores: cpu.physicalCores,
      logicalCores: cpu.cores,
      usable: usableCores(),
    },
    memory: mem,
    disks: blocks
      .filter((b) => b.type === "disk" && b.size > 0)
      .map((b) => ({ name: b.name, sizeBytes: b.size, rotational: rotational(b.name), model: b.model.trim() })),
    filesystems: fsSizes
      .filter((f) => f.size > 0)
      .map((f) => ({ mount: f.mount, fs: f.fs, type: f.type, sizeBytes: f.size, availableBytes: f.available })),
    gpus: gpuInventory.ok ? gpuInventory.gpus : [],
    gpuProblem: gpuInventory.ok ? null : gpuInventory.message,
  };
}
