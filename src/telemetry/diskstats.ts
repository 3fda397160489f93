/** Sectors in /proc/diskstats are always 512 bytes, whatever the device's own sector size. */
const DISKSTATS_SECTOR_BYTES = 512;

/** Bytes read so far per block device name, from /proc/diskstats. */
export function parseDiskstats(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const parts = line.trim().split(/\s+/);
    // major minor name reads merged sectors_read ...
    if (parts.length < 6) continue;
    const sectors = Number(parts[5]);
    if (Number.isFinite(sectors)) out.set(parts[2]!, sectors * DISKSTATS_SECTOR_BYTES);
  }
  return out;
}

/** Sum of bytes read over the devices given; devices missing from the reading are skipped. */
export function totalReadBytes(readBytesByDevice: Map<string, number>, devices: readonly string[]): number {
  let sum = 0;
  for (const name of devices) sum += readBytesByDevice.get(name) ?? 0;
  return sum;
}
