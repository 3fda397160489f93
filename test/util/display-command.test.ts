import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { displayCommand } from "../../src/util/display-command.js";

describe("displayCommand", () => {
  it("leaves plain words bare and single-quotes the rest", () => {
    expect(displayCommand(["python", "train.py", "--lr", "0.1"])).toBe("python train.py --lr 0.1");
    expect(displayCommand(["echo", "it's here"])).toBe(`echo 'it'\\''s here'`);
  });

  it("keeps a multi-line script on one line, and bash reads back the very same arguments", () => {
    const args = ["python3", "-c", "import time\nfor i in range(3):\n\ttime.sleep(0.1) # it's \\ fine"];
    const shown = displayCommand(args);
    expect(shown).not.toContain("\n");
    const echoed = spawnSync("bash", ["-c", `printf '%s\\0' ${shown}`], { encoding: "utf8" });
    expect(echoed.stdout.split("\0").slice(0, -1)).toEqual(args);
  });
});
