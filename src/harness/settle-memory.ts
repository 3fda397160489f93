import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type FullGc = () => void;
let found: FullGc | null | undefined;

/**
 * A way to run a full garbage collection. `node --expose-gc` provides globalThis.gc; without the
 * flag, set it at run time and take gc from a fresh context, as jest's leak detector does. Looked up
 * once: the answer cannot change within a process. Null when neither works.
 */
function fullGc(): FullGc | null {
  if (found !== undefined) return found;
  const exposed: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") return (found = exposed as FullGc);
  try {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("gc");
    found = typeof gc === "function" ? (gc as FullGc) : null;
  } catch {
    found = null;
  }
  return found;
}

/**
 * Collects what earlier work left behind (a clone trial's copied batches, closed workers' buffers)
 * so that resident memory measured next belongs to what runs next. Without it, garbage from one
 * trial stays resident until V8 happens to collect, and the next trial's peak includes it.
 * Returns false when no collection could be forced.
 */
export async function settleMemory(): Promise<boolean> {
  const gc = fullGc();
  if (!gc) return false;
  gc();
  // V8 frees ArrayBuffer memory in a sweep that runs after the collection; a second collection
  // finishes that sweep before returning, so the memory is back with the allocator when this resolves.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return true;
}
