import { fileURLToPath } from "node:url";
import { cruise, type ICruiseResult, type IViolation } from "dependency-cruiser";
import extractDepcruiseConfig from "dependency-cruiser/config-utl/extract-depcruise-config";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The rules of .dependency-cruiser.cjs, each of which must be in force. */
const RULES = [
  "no-circular",
  "report-formats-artifacts-only",
  "store-is-a-leaf-of-the-domain",
  "analysis-not-to-report-commands-or-cli",
  "messages-are-words-only",
  "util-is-a-leaf",
];

function describeViolation(v: IViolation): string {
  const cycle = v.cycle ? ` (cycle: ${[v.from, ...v.cycle.map((c) => c.name)].join(" -> ")})` : "";
  return `${v.from} -> ${v.to} [${v.rule.name}]${cycle}`;
}

describe("layering of src/", () => {
  it("has no import cycle and no import against the layers of .dependency-cruiser.cjs", async () => {
    const config = await extractDepcruiseConfig(`${root}.dependency-cruiser.cjs`);
    expect((config.forbidden ?? []).map((r) => r.name)).toEqual(RULES);
    // Paths taken from the repository root, whatever folder vitest was started in.
    const tsConfig = `${root}tsconfig.json`;
    const options = { ...config.options, baseDir: root, tsConfig: { fileName: tsConfig }, validate: true, outputType: "json" as const };
    const reported = await cruise(
      ["src"],
      { ...options, ruleSet: { forbidden: config.forbidden ?? [] } },
      {},
      { tsConfig: extractTSConfig(tsConfig) },
    );
    const result = (typeof reported.output === "string" ? JSON.parse(reported.output) : reported.output) as ICruiseResult;
    // A config that matched nothing would pass too: make sure the whole of src/ was read.
    expect(result.summary.totalCruised).toBeGreaterThan(100);
    const violations = result.summary.violations.map(describeViolation);
    if (violations.length > 0) console.error(`layering violations:\n  ${violations.join("\n  ")}`);
    expect(violations).toEqual([]);
  });
});
