/** What went wrong with nvidia-smi, told in one line a user can act on. */
export interface NvidiaSmiFailure {
  kind: "no-gpu" | "driver-mismatch" | "no-driver" | "device-lost" | "nvml-error" | "unknown-field" | "dmon-unsupported";
  message: string;
  /** For unknown-field: the field this nvidia-smi does not know. */
  field?: string;
}

/** Recognises the failure messages nvidia-smi prints (to stdout or stderr) and its exit codes. */
export function classifyNvidiaSmiOutput(text: string, exitCode: number | null): NvidiaSmiFailure | null {
  if (/Driver\/library version mismatch/i.test(text)) {
    return {
      kind: "driver-mismatch",
      message:
        "nvidia-smi: the NVIDIA driver and its library versions do not match (NVML: Driver/library version mismatch); reboot or reload the nvidia kernel module",
    };
  }
  if (/couldn't communicate with the NVIDIA driver/i.test(text) || exitCode === 9) {
    return {
      kind: "no-driver",
      message: "nvidia-smi cannot communicate with the NVIDIA driver; check that the driver is installed and loaded (lsmod | grep nvidia)",
    };
  }
  const lost = /Unable to determine the device handle for GPU\s*([0-9A-Fa-f:.]+):\s+(.+)/i.exec(text);
  if (lost) {
    return {
      kind: "device-lost",
      message: `nvidia-smi lost GPU ${lost[1]!.trim()} (${lost[2]!.trim()}); it may have fallen off the bus: look for Xid errors in dmesg`,
    };
  }
  const nvml = /Failed to initialize NVML:\s*(.+)/i.exec(text);
  if (nvml) {
    return { kind: "nvml-error", message: `nvidia-smi could not initialize NVML (${nvml[1]!.trim()}); check the driver installation` };
  }
  if (/No devices were found/i.test(text)) {
    return { kind: "no-gpu", message: "no NVIDIA GPU found (nvidia-smi sees no devices)" };
  }
  const field = /Field "([^"]+)" is not a valid field to query/i.exec(text);
  if (field) {
    return {
      kind: "unknown-field",
      field: field[1]!,
      message: `this nvidia-smi does not know the field ${field[1]!}`,
    };
  }
  if (/Not supported on the device/i.test(text)) {
    return { kind: "dmon-unsupported", message: "PCIe throughput unavailable: nvidia-smi dmon is not supported on this GPU" };
  }
  return null;
}

/** The message for an nvidia-smi that cannot be started at all; what happens next is the caller's to add. */
export function spawnFailure(executable: string, code: string | undefined): NvidiaSmiFailure {
  if (code === "ENOENT") {
    return { kind: "no-gpu", message: `no NVIDIA GPU found (${executable} is not installed)` };
  }
  return { kind: "no-gpu", message: `no NVIDIA GPU information: ${executable} could not be started (${code ?? "unknown error"})` };
}

/** The executable to run; GPUPROF_NVIDIA_SMI lets tests and unusual installs point elsewhere. */
export function nvidiaSmiExecutable(env: NodeJS.ProcessEnv = process.env): string {
  const override = env["GPUPROF_NVIDIA_SMI"];
  return override && override.trim() !== "" ? override : "nvidia-smi";
}
