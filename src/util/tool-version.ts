import { readFileSync } from "node:fs";

let cached: string | null = null;

/** gpuprof's own version, from the package.json two folders above the compiled module. */
export function toolVersion(): string {
  if (cached === null) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
      cached = pkg.version ?? "unknown";
    } catch {
      cached = "unknown";
    }
  }
  return cached;
}

export function toolInfo(): { name: "gpuprof"; version: string } {
  return { name: "gpuprof", version: toolVersion() };
}
