import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

export interface UsableCores {
  count: number;
  /** What limits the count: the CPU affinity mask or a cgroup CPU quota. */
  limitedBy: "affinity" | "cgroup-quota";
}

/** CPUs a cgroup v2 (cpu.max) or v1 (cfs quota) limit allows, rounded up; null when unlimited. */
export function cgroupCpuLimit(readText: (path: string) => string | null = tryRead): number | null {
  const v2 = readText("/sys/fs/cgroup/cpu.max");
  if (v2 !== null) {
    const [quota, period] = v2.trim().split(/\s+/);
    if (quota === "max" || quota === undefined || period === undefined) return null;
    const q = Number(quota);
    const p = Number(period);
    return q > 0 && p > 0 ? Math.ceil(q / p) : null;
  }
  const q = Number(readText("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")?.trim());
  const p = Number(readText("/sys/fs/cgroup/cpu/cpu.cfs_period_us")?.trim());
  return q > 0 && p > 0 ? Math.ceil(q / p) : null;
}

function tryRead(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** The cores this process can really use: the ceiling for loader worker counts. */
export function usableCores(): UsableCores {
  const affinity = availableParallelism();
  const quota = cgroupCpuLimit();
  return quota !== null && quota < affinity ? { count: quota, limitedBy: "cgroup-quota" } : { count: affinity, limitedBy: "affinity" };
}
