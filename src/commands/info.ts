import { INFO_SCHEMA_VERSION, type InfoResult } from "../store/info-schema.js";
import { readHostInfo } from "../telemetry/host-info.js";
import { nvidiaSmiExecutable } from "../telemetry/nvidia-smi/failures.js";
import { toolInfo } from "../util/tool-version.js";

/** Host inventory plus the facts a loader tuning needs. */
export async function info(env: NodeJS.ProcessEnv): Promise<InfoResult> {
  const host = await readHostInfo(nvidiaSmiExecutable(env), env);
  return {
    schemaVersion: INFO_SCHEMA_VERSION,
    kind: "gpuprof.info",
    tool: toolInfo(),
    host,
    loader: {
      workerCeiling: host.cpu.usable.count,
      pageCacheMiB: host.memory.pageCacheMiB,
      availableMiB: host.memory.availableMiB,
    },
  };
}
