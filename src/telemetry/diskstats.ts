/** Sectors in /proc/diskstats and /sys/block/<dev>/stat are always 512 bytes, whatever the device's own sector size. */
const SECTOR_BYTES = 512;

/**
 * Bytes read so far by one device, from /sys/block/<dev>/stat (the fields of /proc/diskstats after
 * the name). One small file per disk costs far less to read than /proc/diskstats, which the kernel
 * builds from every block device, loop and zram included, on each read.
 */
export function deviceReadBytes(statText: string): number | null {
  const fields = statText.trim().split(/\s+/);
  // read I/Os, read merges, read sectors, ...
  const sectors = Number(fields[2]);
  return fields.length >= 3 && Number.isFinite(sectors) ? sectors * SECTOR_BYTES : null;
}
