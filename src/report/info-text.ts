import type { ChalkInstance } from "chalk";
import type { InfoResult } from "../store/info-schema.js";
import { bytes, mib } from "../util/format.js";

/** `gpuprof info` for a terminal. */
export function renderInfo(result: InfoResult, c: ChalkInstance): string {
  const h = result.host;
  const lines: string[] = [];
  const label = (text: string): string => c.bold(text.padEnd(8));
  lines.push(`${label("Host")}${h.hostname}  ${h.os.distro}, kernel ${h.os.kernel} (${h.os.arch})`);
  const limit = h.cpu.usable.limitedBy === "cgroup-quota" ? " (limited by a cgroup CPU quota)" : "";
  lines.push(
    `${label("CPU")}${h.cpu.model}: ${h.cpu.physicalCores} physical / ${h.cpu.logicalCores} logical cores, ${h.cpu.usable.count} usable${limit}`,
  );
  lines.push(
    `${label("Memory")}${mib(h.memory.totalMiB)} total, ${mib(h.memory.availableMiB)} available, page cache ${mib(h.memory.pageCacheMiB)}`,
  );
  for (const d of h.disks) {
    const kind = d.rotational === null ? "" : d.rotational ? ", rotational" : ", solid-state";
    lines.push(`${label("Disk")}${d.name} ${bytes(d.sizeBytes)}${kind}${d.model ? `, ${d.model}` : ""}`);
  }
  for (const f of h.filesystems) {
    lines.push(`${label("Mount")}${f.mount} (${f.type} on ${f.fs}): ${bytes(f.availableBytes)} free of ${bytes(f.sizeBytes)}`);
  }
  if (h.gpus.length === 0) lines.push(`${label("GPU")}${c.yellow(h.gpuProblem ?? "none found")}`);
  for (const g of h.gpus) {
    const link =
      g.pcieGenCurrent !== null
        ? `, PCIe gen ${g.pcieGenCurrent} x${g.pcieWidthCurrent ?? "?"} (max gen ${g.pcieGenMax ?? "?"} x${g.pcieWidthMax ?? "?"})`
        : "";
    lines.push(
      `${label(`GPU ${g.index}`)}${g.name ?? "unknown"}, ${mib(g.memoryTotalMiB)}, driver ${g.driverVersion ?? "?"}${link}, bus ${g.busId ?? "?"}`,
    );
  }
  lines.push("");
  lines.push(c.bold("For loader tuning"));
  lines.push(`  worker ceiling: ${result.loader.workerCeiling} (the usable cores; leave some for the training process itself)`);
  lines.push(
    `  page cache: ${mib(result.loader.pageCacheMiB)} now, ${mib(result.loader.availableMiB)} available: a dataset that fits here is read from RAM after its first epoch, not from disk`,
  );
  return lines.join("\n") + "\n";
}
