import { describe, expect, it } from "vitest";
import { TreeIoAccumulator } from "../../src/telemetry/tree-io.js";

const io = (rchar: number, readBytes: number) => ({ rchar, readBytes });

describe("reads of a changing process tree", () => {
  it("adds the increases of every live process", () => {
    const acc = new TreeIoAccumulator();
    acc.update(new Map([[1, { io: io(100, 10), parent: null }]]));
    const delta = acc.update(
      new Map([
        [1, { io: io(150, 10), parent: null }],
        [2, { io: io(30, 20), parent: 1 }],
      ]),
    );
    expect(delta).toEqual(io(80, 20));
  });

  it("does not count a reaped child twice when its totals move into the parent", () => {
    const acc = new TreeIoAccumulator();
    acc.update(
      new Map([
        [1, { io: io(100, 0), parent: null }],
        [2, { io: io(500, 400), parent: 1 }],
      ]),
    );
    // Child 2 read 50 more, exited and was reaped: the parent's counters now hold 550 / 400 more.
    const delta = acc.update(new Map([[1, { io: io(100 + 550, 400), parent: null }]]));
    // Only the child's last-seen 500/400 are known to be double; its final 50 shows up once.
    expect(delta).toEqual(io(50, 0));
  });

  it("never reports a negative amount", () => {
    const acc = new TreeIoAccumulator();
    acc.update(new Map([[1, { io: io(100, 100), parent: null }]]));
    expect(acc.update(new Map([[1, { io: io(90, 50), parent: null }]]))).toEqual(io(0, 0));
  });
});
