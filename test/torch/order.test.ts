import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { BatchPlan, seededPermutation } from "../../src/harness/index-order.js";
import { echoSteps } from "../../src/harness/echo.js";
import { root } from "../helpers.js";
import { DEBIAN_PYTHON, PYTHON_TORCH, describeNeeding } from "../system-packages.js";

/** Runs Python code against gpuprof's Python package and returns what it printed as JSON. */
function python(code: string): unknown {
  const run = spawnSync(DEBIAN_PYTHON, ["-c", code], { encoding: "utf8", env: { ...process.env, PYTHONPATH: join(root, "python") } });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

describeNeeding(PYTHON_TORCH, "the torch loader's sample order", () => {
  it("is the harness's: the same seeded permutations, batches and echoed steps, so both loaders read the same samples", () => {
    const cases: [number, number][] = [
      [10, 7919],
      [1000, 0],
      [257, -5],
      [64, 2 ** 31 + 7],
      [33, 7919 * 1e8 + 3],
    ];
    const fromPython = python(
      `import json; from gpuprof_torch.order import seeded_permutation as p; print(json.dumps([p(n, s) for n, s in ${JSON.stringify(cases)}]))`,
    );
    expect(fromPython).toEqual(cases.map(([n, seed]) => Array.from(seededPermutation(n, seed))));

    const plan = new BatchPlan({ count: 50, batch: 8, dropLast: true, order: "shuffle", seed: 3 });
    const batches = python(
      `import json; from gpuprof_torch.order import BatchPlan; b = BatchPlan(50, 8, True, "shuffle", 3); print(json.dumps([b.indices(g) for g in range(14)]))`,
    );
    expect(batches).toEqual(Array.from({ length: 14 }, (_, g) => plan.indices(g)));

    const steps = python(
      `import json; from gpuprof_torch.order import echo_steps; print(json.dumps(echo_steps(list(range(10, 20)), 2, 3, 5)))`,
    );
    expect(steps).toEqual(
      echoSteps(
        Array.from({ length: 10 }, (_, i) => 10 + i),
        2,
        3,
        5,
      ),
    );
  });
});
