/**
 * Runs in a child process: loads webgpu, chooses the adapter, prints the choice as one JSON line.
 * Dawn and the Vulkan loader write their complaints straight to this process's stderr; the parent
 * reads them from there and turns them into one line (a GPU probe must never spray a user's terminal).
 */
import { chooseAdapter, type AdapterChoice } from "./adapters.js";
import { NO_ADAPTER_MARK } from "./dawn-messages.js";
import { importWebgpu } from "./module.js";

async function probe(device: number | null): Promise<AdapterChoice> {
  const imported = await importWebgpu(process.env);
  if (!imported.ok) return { ok: false, problem: imported.problem };
  return chooseAdapter(imported.module, device, () => NO_ADAPTER_MARK);
}

const raw = process.argv[2];
const device = raw === undefined || raw === "" ? null : Number(raw);
probe(device)
  .catch((err: unknown): AdapterChoice => ({ ok: false, problem: `WebGPU failed: ${err instanceof Error ? err.message : String(err)}` }))
  .then((choice) => {
    // Dawn's instances keep the event loop alive: leave as soon as the answer is out.
    process.stdout.write(JSON.stringify(choice) + "\n", () => process.exit(0));
  });
