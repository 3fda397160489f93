#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/, built by `npm install` (prepare) or `npm run build`.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(`gpuprof: not built yet; run 'npm install' (or 'npm run build') in ${fileURLToPath(new URL("..", import.meta.url))}\n`);
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
