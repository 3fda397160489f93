import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["test/**/*.test.ts"],
    environment: "node",
    setupFiles: ["./test/setup.ts"],
    reporters: ["default", "./test/closing-line-reporter.ts"],
    testTimeout: 20000,
    // End-to-end tests measure this machine's CPU: running them all at once on 2 cores would skew them.
    fileParallelism: false,
  },
});
