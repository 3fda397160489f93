import { migrateResults } from "../../src/store/results-migrate.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { analyseRun } from "../../src/analysis/analyse.js";
import { downsample, stallChart, throughputChart, timelineChart } from "../../src/report/chart-specs.js";
import { chartPng, runCard, summaryCardPng } from "../../src/report/png.js";
import { RunResultsSchema } from "../../src/store/results-schema.js";
import { root } from "../helpers.js";

// The fixture is a schema-1 file from a real run: read it the way gpuprof report does.
const results = RunResultsSchema.parse(
  migrateResults(JSON.parse(readFileSync(join(root, "fixtures", "results", "run-jpeg-2cores.json"), "utf8"))),
);

/** Decodes a PNG and counts its distinct colours: a blank image has one. */
async function inspect(png: Buffer): Promise<{ width: number; height: number; colours: number }> {
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(image, 0, 0);
  const pixels = ctx.getImageData(0, 0, image.width, image.height).data;
  const colours = new Set<number>();
  for (let i = 0; i < pixels.length; i += 4 * 97) colours.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
  return { width: image.width, height: image.height, colours: colours.size };
}

describe("PNG charts", () => {
  it("draws the throughput and stall charts at the intended size, not blank", async () => {
    const throughput = await inspect(await chartPng(throughputChart(results)!, 800, 450));
    expect(throughput).toMatchObject({ width: 800, height: 450 });
    expect(throughput.colours).toBeGreaterThan(5);
    const stall = await inspect(await chartPng(stallChart(results)!, 900, 400));
    expect(stall).toMatchObject({ width: 900, height: 400 });
    expect(stall.colours).toBeGreaterThan(5);
  });

  it("draws the summary card with the verdict and the key chart", async () => {
    const card = await inspect(await summaryCardPng(runCard(analyseRun(results)), throughputChart(results), "test"));
    expect(card).toMatchObject({ width: 1200, height: 675 });
    expect(card.colours).toBeGreaterThan(10);
  });

  it("thins long timelines for drawing only, keeping the first point and the count asked for", async () => {
    const samples = Array.from({ length: 36000 }, (_, i) => i);
    const thin = downsample(samples, 1500);
    expect(thin).toHaveLength(1500);
    expect(thin[0]).toBe(0);
    expect(samples).toHaveLength(36000);
    const spec = timelineChart([], []);
    expect(spec).toBeNull();
  });
});
