import { createRequire } from "node:module";
import { createCanvas, GlobalFonts, type SKRSContext2D } from "@napi-rs/canvas";
import { Chart, registerables, type Plugin } from "chart.js";
import type { RunAnalysis as Analysis } from "../store/analysis-schema.js";
import type { ChartSpec } from "./chart-specs.js";
import { message } from "../messages/catalogue.js";

const FONT = "DejaVu Sans";
let ready = false;

/** Chart.js with every chart type, and a font registered from an npm package so text looks the same everywhere. */
function setUp(): void {
  if (ready) return;
  Chart.register(...registerables);
  const require = createRequire(import.meta.url);
  const fontDir = require.resolve("dejavu-fonts-ttf/package.json").replace(/package\.json$/, "ttf/");
  GlobalFonts.registerFromPath(`${fontDir}DejaVuSans.ttf`, FONT);
  GlobalFonts.registerFromPath(`${fontDir}DejaVuSans-Bold.ttf`, FONT);
  Chart.defaults.font.family = FONT;
  Chart.defaults.color = "#333";
  ready = true;
}

const whiteBackground: Plugin = {
  id: "whiteBackground",
  beforeDraw: (chart) => {
    const ctx = chart.ctx;
    ctx.save();
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

function spanShading(spans: NonNullable<ChartSpec["spans"]>): Plugin {
  return {
    id: "spanShading",
    beforeDatasetsDraw: (chart) => {
      const x = chart.scales["x"];
      if (!x) return;
      const ctx = chart.ctx;
      ctx.save();
      spans.forEach((span, i) => {
        ctx.fillStyle = i % 2 === 0 ? "rgba(0,0,0,0.06)" : "rgba(0,0,0,0.12)";
        const left = x.getPixelForValue(span.startS);
        const right = x.getPixelForValue(span.endS);
        ctx.fillRect(left, chart.chartArea.top, right - left, chart.chartArea.bottom - chart.chartArea.top);
        // Which trial a band is, where the band is wide enough to say it.
        if (span.label && ctx.measureText(span.label).width + 4 < right - left) {
          ctx.fillStyle = "#555555";
          ctx.font = `11px "${FONT}"`;
          ctx.fillText(span.label, left + 2, chart.chartArea.top + 12);
        }
      });
      ctx.restore();
    },
  };
}

function drawChart(spec: ChartSpec, width: number, height: number) {
  setUp();
  const canvas = createCanvas(width, height);
  const config = structuredClone(spec.config);
  config.options = { ...config.options, animation: false, responsive: false, devicePixelRatio: 1 };
  const plugins = [whiteBackground, ...(spec.spans && spec.spans.length > 0 ? [spanShading(spec.spans)] : [])];
  // Chart.js accepts any canvas-like object; @napi-rs/canvas has no DOM types.
  const chart = new Chart(canvas as unknown as ConstructorParameters<typeof Chart>[0], { ...config, plugins });
  return { canvas, chart };
}

/** One chart as a PNG, at the spec's own height unless one is given. */
export async function chartPng(spec: ChartSpec, width = 1000, height = spec.height ?? 560): Promise<Buffer> {
  const { canvas, chart } = drawChart(spec, width, height);
  const png = await canvas.encode("png");
  chart.destroy();
  return png;
}

function wrap(ctx: SKRSContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** What a summary card says: the verdict, whether it is good news, and the advice (Markdown) in order. */
export interface CardText {
  headline: string;
  tone: "good" | "fair" | "bad" | "unknown";
  advice: string[];
}

/** The card of a run's analysis. */
export function runCard(analysis: Analysis): CardText {
  return {
    headline: analysis.verdict,
    // A partial run's verdict rests on part of the plan: neither good nor bad news yet.
    tone: analysis.answer.partial
      ? "unknown"
      : analysis.verdict === "device-bound"
        ? "good"
        : analysis.verdict === "insufficient data"
          ? "unknown"
          : analysis.verdict.startsWith("AU target met") || analysis.verdict.startsWith("below the AU target")
            ? "fair"
            : "bad",
    advice: analysis.recommendations.map((r) => r.text),
  };
}

/** A card for a pull request: the verdict and the first pieces of advice in words, and the key chart. */
export async function summaryCardPng(card: CardText, keyChart: ChartSpec | null, subtitle: string): Promise<Buffer> {
  setUp();
  const width = 1200;
  const height = 675;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = { good: "#2ca02c", fair: "#e69f00", bad: "#d62728", unknown: "#777777" }[card.tone];
  ctx.fillRect(0, 0, width, 8);
  ctx.fillStyle = "#111111";
  const headline = message("report.png.headline", { headline: card.headline });
  // A long headline (a partial run's qualified verdict) gets a smaller font rather than running off the card.
  let size = 30;
  ctx.font = `bold ${size}px "${FONT}"`;
  while (size > 18 && ctx.measureText(headline).width > width - 64) ctx.font = `bold ${--size}px "${FONT}"`;
  ctx.fillText(headline, 32, 56);
  ctx.font = `16px "${FONT}"`;
  ctx.fillStyle = "#555555";
  ctx.fillText(subtitle, 32, 84);
  ctx.fillStyle = "#222222";
  ctx.font = `17px "${FONT}"`;
  let y = 120;
  const plain = (md: string): string => md.replace(/\*\*/g, "").replace(/`/g, "");
  card.advice.slice(0, 3).forEach((text, i) => {
    const first = plain(text).split(/(?<=\.)\s/)[0]!;
    const lines = wrap(ctx, `${i + 1}. ${first}`, width - 96);
    // Two lines an item; a longer one says it goes on (the whole advice is in summary.md).
    const shown = lines.length > 2 ? [lines[0]!, `${lines[1]!.replace(/[\s,;:(]*\S*$/, "")} …`] : lines;
    for (const [k, line] of shown.entries()) {
      ctx.fillText(k === 0 ? line : `   ${line}`, 32, y);
      y += 24;
    }
    y += 6;
  });
  if (keyChart) {
    const chartHeight = height - y - 16;
    const { canvas: chartCanvas, chart } = drawChart(keyChart, width - 32, Math.max(200, chartHeight));
    ctx.drawImage(chartCanvas, 16, y);
    chart.destroy();
  }
  return canvas.encode("png");
}
