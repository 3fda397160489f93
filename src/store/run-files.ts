import { appendFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const PARTIAL_SAMPLES_FILE = "samples.partial.jsonl";

/**
 * Writes the files of one run folder. Samples stream into a JSON-lines file while the run goes on,
 * so that even a killed gpuprof leaves what it measured; the finished files replace it at the end.
 */
export class RunFiles {
  constructor(readonly dir: string) {}

  path(name: string): string {
    return join(this.dir, name);
  }

  appendSamples(samples: readonly unknown[]): void {
    if (samples.length === 0) return;
    appendFileSync(this.path(PARTIAL_SAMPLES_FILE), samples.map((s) => JSON.stringify(s)).join("\n") + "\n");
  }

  /** Writes through a temporary name and a rename, so a reader never sees half a file. */
  writeText(name: string, text: string): string {
    const target = this.path(name);
    const temporary = `${target}.tmp-${process.pid}`;
    writeFileSync(temporary, text);
    renameSync(temporary, target);
    return target;
  }

  writeBytes(name: string, bytes: Uint8Array): string {
    const target = this.path(name);
    const temporary = `${target}.tmp-${process.pid}`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, target);
    return target;
  }

  writeJson(name: string, value: unknown): string {
    return this.writeText(name, JSON.stringify(value, null, 2) + "\n");
  }

  discardPartialSamples(): void {
    rmSync(this.path(PARTIAL_SAMPLES_FILE), { force: true });
  }
}
