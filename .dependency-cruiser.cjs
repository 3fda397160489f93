/**
 * The layers of src/, checked by test/layering.test.ts (and by `npx depcruise src`).
 * Type-only imports count: an `import type` cycle is still a cycle.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No module of src/ may reach itself again through its imports.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "report-formats-artifacts-only",
      severity: "error",
      comment:
        "report/ only formats artifacts (store/) with the catalogue's words (messages/): it judges nothing, so it imports neither analysis/ nor the commands or the CLI that drive it.",
      from: { path: "^src/report/" },
      to: { path: "^src/(analysis|commands|cli)/" },
    },
    {
      name: "store-is-a-leaf-of-the-domain",
      severity: "error",
      comment: "store/ holds the artifacts' schemas and types; it imports nothing from the layers that use them.",
      from: { path: "^src/store/" },
      to: { path: "^src/(harness|analysis|report|commands|cli)/" },
    },
    {
      name: "analysis-not-to-report-commands-or-cli",
      severity: "error",
      comment: "analysis/ computes findings; formatting lives in util/, rendering in report/.",
      from: { path: "^src/analysis/" },
      to: { path: "^src/(report|commands|cli)/" },
    },
    {
      name: "messages-are-words-only",
      severity: "error",
      comment: "messages/ is the catalogue of sentences; every layer may use it, so it uses none of them.",
      from: { path: "^src/messages/" },
      to: { path: "^src/", pathNot: "^src/messages/" },
    },
    {
      name: "util-is-a-leaf",
      severity: "error",
      comment: "util/ imports nothing from any other folder of src/.",
      from: { path: "^src/util/" },
      to: { path: "^src/", pathNot: "^src/util/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    // Read the TypeScript itself rather than its JavaScript output, so that `import type` is seen too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
