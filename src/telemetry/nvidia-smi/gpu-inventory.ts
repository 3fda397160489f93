import { classifyNvidiaSmiOutput, spawnFailure } from "./failures.js";
import { LineChild } from "./line-child.js";
import { identityFromValues, numberValue, parseQueryRow } from "./query-format.js";

export const INVENTORY_FIELDS = [
  "index",
  "name",
  "uuid",
  "pci.bus_id",
  "driver_version",
  "memory.total",
  "pcie.link.gen.current",
  "pcie.link.gen.max",
  "pcie.link.width.current",
  "pcie.link.width.max",
] as const;

export interface GpuInventoryEntry {
  index: number;
  name: string | null;
  uuid: string | null;
  busId: string | null;
  driverVersion: string | null;
  memoryTotalMiB: number | null;
  pcieGenCurrent: number | null;
  pcieGenMax: number | null;
  pcieWidthCurrent: number | null;
  pcieWidthMax: number | null;
}

export type GpuInventory = { ok: true; gpus: GpuInventoryEntry[] } | { ok: false; message: string };

export function inventoryFromLines(lines: readonly string[]): GpuInventoryEntry[] {
  const gpus: GpuInventoryEntry[] = [];
  for (const line of lines) {
    const parsed = parseQueryRow(line, INVENTORY_FIELDS);
    if (!parsed.ok) continue;
    const id = identityFromValues(parsed.values);
    if (!id) continue;
    const v = parsed.values;
    gpus.push({
      ...id,
      driverVersion: v["driver_version"] ?? null,
      memoryTotalMiB: numberValue(v["memory.total"]),
      pcieGenCurrent: numberValue(v["pcie.link.gen.current"]),
      pcieGenMax: numberValue(v["pcie.link.gen.max"]),
      pcieWidthCurrent: numberValue(v["pcie.link.width.current"]),
      pcieWidthMax: numberValue(v["pcie.link.width.max"]),
    });
  }
  return gpus;
}

/** One nvidia-smi query of the static facts of every GPU, bounded by a timeout that never waits on a hung child. */
export function readGpuInventory(executable: string, timeoutMs = 10000, env?: NodeJS.ProcessEnv): Promise<GpuInventory> {
  return new Promise((resolve) => {
    const lines: string[] = [];
    const args = [`--query-gpu=${INVENTORY_FIELDS.join(",")}`, "--format=csv,noheader,nounits"];
    const watchdog = { firstLineMs: timeoutMs, gapMs: timeoutMs };
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: GpuInventory): void => {
      clearTimeout(timer);
      resolve(result);
    };
    const child = new LineChild(
      { executable, args, env, watchdog },
      {
        onLine: (line) => lines.push(line),
        onSpawnError: (code) => finish({ ok: false, message: spawnFailure(executable, code).message }),
        onExit: (code, signal, output) => {
          const gpus = inventoryFromLines(lines);
          if (code === 0 && gpus.length > 0) return finish({ ok: true, gpus });
          const failure = classifyNvidiaSmiOutput(output, code);
          const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
          finish({ ok: false, message: failure?.message ?? `nvidia-smi ${how}: ${output.trim().split("\n")[0] ?? ""}` });
        },
        onHang: () => undefined,
      },
    );
    child.start();
    // A one-shot query is never polled; a plain timer bounds it, and a hung child is left behind, not awaited.
    timer = setTimeout(() => {
      child.stop("SIGKILL");
      finish({ ok: false, message: `nvidia-smi did not answer within ${(timeoutMs / 1000).toFixed(1)} s; killed it` });
    }, timeoutMs);
  });
}
