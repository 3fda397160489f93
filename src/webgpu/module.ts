/// <reference types="@webgpu/types" />
import { createRequire } from "node:module";

/** The `webgpu` package (Dawn's Node bindings): an optional dependency, loaded only when a GPU consumer is asked for. */
export interface WebgpuModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

export const WEBGPU_PACKAGE = "webgpu";

/** Tests point this at a module that does not exist, to see what a user without the package sees. */
export function webgpuSpecifier(env: NodeJS.ProcessEnv): string {
  return env.GPUPROF_WEBGPU_MODULE || WEBGPU_PACKAGE;
}

export const INSTALL_HINT =
  "npm install webgpu (about 130 MB: Dawn's Node bindings; beside gpuprof, or npm install -g webgpu for a global install)";

/** Whether the package can be found, without loading its 20 MB native binary. */
export function webgpuInstalled(env: NodeJS.ProcessEnv): boolean {
  try {
    createRequire(import.meta.url).resolve(webgpuSpecifier(env));
    return true;
  } catch {
    return false;
  }
}

export type WebgpuImport = { ok: true; module: WebgpuModule } | { ok: false; problem: string };

/** Loads the package and installs its globals (GPUBufferUsage and friends), as its README says to. */
export async function importWebgpu(env: NodeJS.ProcessEnv): Promise<WebgpuImport> {
  const specifier = webgpuSpecifier(env);
  let module: WebgpuModule;
  try {
    module = (await import(specifier)) as WebgpuModule;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      return { ok: false, problem: `the webgpu consumer needs the optional package webgpu, which is not installed: ${INSTALL_HINT}` };
    }
    const first = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    return {
      ok: false,
      problem: `the webgpu package could not load its native binary (${first}); it ships for linux-x64, linux-arm64, macOS and Windows`,
    };
  }
  Object.assign(globalThis, module.globals);
  return { ok: true, module };
}
