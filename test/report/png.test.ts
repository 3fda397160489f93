import { migrateResults } from "../../src/store/results-migrate.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { analyseRun } from "../../src/analysis/analyse.js";
import { downsample, stallChart, throughputChart, timelineChart, waitChart } from "../../src/report/chart-specs.js";
import { chartPng, runCard, splitAtWord, summaryCardPng } from "../../src/report/png.js";
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
    const throughput = await inspect(await chartPng(throughputChart(results, analyseRun(results))!, 800, 450));
    expect(throughput).toMatchObject({ width: 800, height: 450 });
    expect(throughput.colours).toBeGreaterThan(5);
    const stall = await inspect(await chartPng(stallChart(results, analyseRun(results))!, 900, 400));
    expect(stall).toMatchObject({ width: 900, height: 400 });
    expect(stall.colours).toBeGreaterThan(5);
  });

  it("keys the stall colours in a subtitle, not a legend that shows only the first bar's colour", () => {
    const plugins = stallChart(results, analyseRun(results))!.config.options!.plugins!;
    expect(plugins.legend).toMatchObject({ display: false });
    expect(plugins.subtitle).toMatchObject({
      display: true,
      text: expect.stringMatching(/red: highly.*orange: moderately.*green: not input-bound/),
    });
  });

  it("draws the wait distribution, and the timeline with its trial windows shaded", async () => {
    const waits = await inspect(await chartPng(waitChart(results)!));
    expect(waits.width).toBe(1000);
    expect(waits.colours).toBeGreaterThan(5);
    const samples = Array.from({ length: 60 }, (_, i) => ({
      tMs: (i + 1) * 100,
      cpu: { userPct: 40 + (i % 7), nicePct: 0, systemPct: 5, iowaitPct: 1, irqPct: 0, softirqPct: 0, stealPct: 0, idlePct: 54 },
      cores: [],
      mem: { totalMiB: null, availableMiB: null, pageCacheMiB: null },
      io: { procReadBytesPerS: 1e6 * (i % 5), procStorageReadBytesPerS: 0, diskReadBytesPerS: 0 },
      gpus: [],
    }));
    const spans = [
      { label: "trial 1", trialId: 1, startMs: 500, endMs: 2500 },
      { label: "trial 2", trialId: 2, startMs: 3500, endMs: 5500 },
    ];
    const spec = timelineChart(samples, spans)!;
    expect(spec.spans).toEqual([
      { startS: 0.5, endS: 2.5, label: "#1" },
      { startS: 3.5, endS: 5.5, label: "#2" },
    ]);
    const shaded = await chartPng(spec, 1200, 500);
    const plain = await chartPng({ ...spec, spans: [] }, 1200, 500);
    // The bands carry their trial numbers: the same bands without labels draw another image.
    const unlabelled = await chartPng({ ...spec, spans: spec.spans!.map(({ startS, endS }) => ({ startS, endS })) }, 1200, 500);
    expect(shaded.equals(unlabelled)).toBe(false);
    expect((await inspect(shaded)).colours).toBeGreaterThan(5);
    // The shading is drawn: the very same spec without its windows gives another image.
    expect(shaded.equals(plain)).toBe(false);
  });

  it("draws the summary card with the verdict and the key chart", async () => {
    const card = await inspect(await summaryCardPng(runCard(analyseRun(results)), throughputChart(results, analyseRun(results)), "test"));
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

describe("the card's headline", () => {
  const measure = (line: string): number => line.length * 10;
  it("stays one line when it fits, and breaks at a word into two when it does not", () => {
    expect(splitAtWord("device-bound", measure, 200)).toEqual(["device-bound"]);
    const long = "partial: 2 of 6 trials; AU target met, moderately input-bound among the trials that finished";
    const lines = splitAtWord(long, measure, 400);
    expect(lines).toHaveLength(2);
    expect(lines.join(" ")).toBe(long);
    expect(measure(lines[0]!)).toBeLessThanOrEqual(400);
    expect(lines[0]!.endsWith(" ")).toBe(false);
  });
});
