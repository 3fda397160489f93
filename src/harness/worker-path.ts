/**
 * The script of a worker thread. Node runs only JavaScript in a worker, so when this module itself
 * runs from TypeScript source (the test runner), the compiled script in dist/ is used.
 * `path` is relative to src/ (e.g. "harness/worker-entry.js").
 */
export function compiledWorkerUrl(path: string): URL {
  if (import.meta.url.endsWith(".ts")) return new URL(`../../dist/${path}`, import.meta.url);
  return new URL(`../${path}`, import.meta.url);
}

export function defaultWorkerUrl(): URL {
  return compiledWorkerUrl("harness/worker-entry.js");
}
