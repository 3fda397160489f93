/**
 * The worker thread's script. Node runs only JavaScript in a worker, so when this module itself
 * runs from TypeScript source (the test runner), the compiled worker in dist/ is used.
 */
export function defaultWorkerUrl(): URL {
  if (import.meta.url.endsWith(".ts")) return new URL("../../dist/harness/worker-entry.js", import.meta.url);
  return new URL("./worker-entry.js", import.meta.url);
}
