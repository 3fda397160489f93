import { classifyNvidiaSmiOutput, spawnFailure } from "./failures.js";
import { LineChild } from "./line-child.js";
import { QueryFieldList } from "./query-fields.js";
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

/** The GPUs in rows of `fields` (the inventory fields less any this nvidia-smi rejected; those read null). */
export function inventoryFromLines(lines: readonly string[], fields: readonly string[] = INVENTORY_FIELDS): GpuInventoryEntry[] {
  const gpus: GpuInventoryEntry[] = [];
  for (const line of lines) {
    const parsed = parseQueryRow(line, fields);
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

function exitProblem(code: number | null, signal: NodeJS.Signals | null, output: string): string {
  const failure = classifyNvidiaSmiOutput(output, code);
  if (failure) return failure.message;
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const firstLine = output.trim().split("\n")[0] ?? "";
  return `nvidia-smi ${how} without listing any GPU${firstLine ? `: ${firstLine}` : ""}`;
}

/**
 * One nvidia-smi query of the static facts of every GPU, asked again without any field this
 * nvidia-smi does not know (that field then reads null), all within one timeout that never waits
 * on a hung child.
 */
export function readGpuInventory(executable: string, timeoutMs = 10000, env?: NodeJS.ProcessEnv): Promise<GpuInventory> {
  return new Promise((resolve) => {
    const fields = new QueryFieldList(INVENTORY_FIELDS);
    const watchdog = { firstLineMs: timeoutMs, gapMs: timeoutMs };
    let child: LineChild | null = null;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: GpuInventory): void => {
      clearTimeout(timer);
      resolve(result);
    };
    const ask = (): void => {
      const lines: string[] = [];
      const args = [`--query-gpu=${fields.fields.join(",")}`, "--format=csv,noheader,nounits"];
      child = new LineChild(
        { executable, args, env, watchdog },
        {
          onLine: (line) => lines.push(line),
          onSpawnError: (code) => finish({ ok: false, message: spawnFailure(executable, code).message }),
          onExit: (code, signal, output) => {
            const gpus = inventoryFromLines(lines, fields.fields);
            if (code === 0 && gpus.length > 0) return finish({ ok: true, gpus });
            if (fields.dropUnknown(classifyNvidiaSmiOutput(output, code))) return ask();
            finish({ ok: false, message: exitProblem(code, signal, output) });
          },
          onHang: () => undefined,
        },
      );
      child.start();
    };
    ask();
    // A one-shot query is never polled; a plain timer bounds it, and a hung child is killed and left behind, not awaited.
    timer = setTimeout(() => {
      child?.stop();
      finish({ ok: false, message: `nvidia-smi did not answer within ${(timeoutMs / 1000).toFixed(1)} s; killed it` });
    }, timeoutMs);
  });
}
