// A loader worker that starts normally and then dies on its first batch, as a native crash or an
// out-of-memory kill would end a real worker: the loader must fail the trial, not hang.
import { parentPort } from "node:worker_threads";
parentPort.postMessage({ type: "ready" });
parentPort.on("message", () => process.exit(3));
