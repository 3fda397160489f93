import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Names of block devices backed by hardware: those in /sys/block with a `device` link. Partitions, loop,
 * dm-*, md* and zram are left out because their reads are also counted on the disk below them.
 */
export function physicalBlockDevices(sysBlock = "/sys/block"): string[] {
  let names: string[];
  try {
    names = readdirSync(sysBlock);
  } catch {
    return [];
  }
  return names.filter((name) => existsSync(join(sysBlock, name, "device"))).sort();
}
