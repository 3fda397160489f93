import type { ChalkInstance } from "chalk";
import { message } from "../messages/catalogue.js";
import type { InfoResult } from "../store/info-schema.js";
import { bytes, mib } from "../util/format.js";

/** `gpuprof info` for a terminal. */
export function renderInfo(result: InfoResult, c: ChalkInstance): string {
  const h = result.host;
  const lines: string[] = [];
  const label = (text: string): string => c.bold(text.padEnd(8));
  lines.push(
    `${label(message("report.info.label.host"))}${message("report.info.host", { hostname: h.hostname, distro: h.os.distro, kernel: h.os.kernel, arch: h.os.arch })}`,
  );
  const limit = h.cpu.usable.limitedBy === "cgroup-quota" ? message("report.info.cpu.quota") : "";
  lines.push(
    `${label(message("report.info.label.cpu"))}${message("report.info.cpu", {
      model: h.cpu.model,
      physical: String(h.cpu.physicalCores),
      logical: String(h.cpu.logicalCores),
      usable: String(h.cpu.usable.count),
      limit,
    })}`,
  );
  lines.push(
    `${label(message("report.info.label.memory"))}${message("report.info.memory", {
      total: mib(h.memory.totalMiB),
      available: mib(h.memory.availableMiB),
      cache: mib(h.memory.pageCacheMiB),
    })}`,
  );
  for (const d of h.disks) {
    const kind =
      d.rotational === null ? "" : d.rotational ? message("report.info.disk.rotational") : message("report.info.disk.solid-state");
    const model = d.model ? message("report.info.disk.model", { model: d.model }) : "";
    lines.push(
      `${label(message("report.info.label.disk"))}${message("report.info.disk", { name: d.name, size: bytes(d.sizeBytes), kind, model })}`,
    );
  }
  for (const f of h.filesystems) {
    lines.push(
      `${label(message("report.info.label.mount"))}${message("report.info.mount", {
        mount: f.mount,
        type: f.type,
        fs: f.fs,
        free: bytes(f.availableBytes),
        size: bytes(f.sizeBytes),
      })}`,
    );
  }
  if (h.gpus.length === 0)
    lines.push(`${label(message("report.info.label.gpu"))}${c.yellow(h.gpuProblem ?? message("report.info.gpu.none"))}`);
  for (const g of h.gpus) {
    const link =
      g.pcieGenCurrent !== null
        ? message("report.info.gpu.link", {
            gen: String(g.pcieGenCurrent),
            width: String(g.pcieWidthCurrent ?? "?"),
            maxGen: String(g.pcieGenMax ?? "?"),
            maxWidth: String(g.pcieWidthMax ?? "?"),
          })
        : "";
    lines.push(
      `${label(message("report.info.label.gpu-index", { index: String(g.index) }))}${message("report.info.gpu", {
        name: g.name ?? message("report.info.gpu.unknown"),
        memory: mib(g.memoryTotalMiB),
        driver: g.driverVersion ?? "?",
        link,
        bus: g.busId ?? "?",
      })}`,
    );
  }
  lines.push("");
  lines.push(c.bold(message("report.info.loader")));
  lines.push(`  ${message("report.info.loader.workers", { n: String(result.loader.workerCeiling) })}`);
  lines.push(
    `  ${message("report.info.loader.page-cache", { cache: mib(result.loader.pageCacheMiB), available: mib(result.loader.availableMiB) })}`,
  );
  return lines.join("\n") + "\n";
}
