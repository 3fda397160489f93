import { describe, expect, it } from "vitest";
import { codeSpan } from "../../src/report/watch-markdown.js";

describe("the watched command in summary.md", () => {
  it("is a code span shown literally: no HTML escapes inside, fences longer than its own backticks", () => {
    expect(codeSpan("python3 -c 'while t<2: pass'")).toBe("`python3 -c 'while t<2: pass'`");
    expect(codeSpan("echo `date` | tee log")).toBe("``echo `date` | tee log``");
    expect(codeSpan("`start")).toBe("`` `start ``");
    expect(codeSpan("python -c 'import x\nx.run()'")).toBe("`python -c 'import x x.run()'`");
  });
});
