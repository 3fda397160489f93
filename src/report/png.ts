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

function wrap(measure: (text: string) => number, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    const next = line ? `${line} ${word}` : word;
    if (measure(next) > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** The sentences of plain text: a full stop (or ? !) followed by a space and a capital, a digit or an opening bracket. */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z0-9(])/).filter((x) => x.trim() !== "");
}

/**
 * A piece of advice fitted into `maxLines` lines of `width`: as many whole sentences as fit, with an
 * ellipsis when some were left out (the whole advice is in summary.md); where even the first sentence
 * is too long, it is cut after a whole word, with an ellipsis. Never mid-word.
 */
export function fitCardText(text: string, measure: (text: string) => number, width: number, maxLines: number): string[] {
  const all = sentences(text);
  let kept = 0;
  let lines: string[] = [];
  for (let k = 1; k <= all.length; k++) {
    const more = k < all.length ? " …" : "";
    const candidate = wrap(measure, all.slice(0, k).join(" ") + more, width);
    if (candidate.length > maxLines) break;
    kept = k;
    lines = candidate;
  }
  if (kept > 0) return lines;
  // The first sentence alone is too long: whole words, then an ellipsis, within the lines.
  const words = wrap(measure, all[0] ?? text, width).slice(0, maxLines);
  const last = words.length - 1;
  let tail = words[last]!.split(" ");
  while (tail.length > 1 && measure(`${tail.join(" ")} …`) > width) tail = tail.slice(0, -1);
  // Do not end on a dangling comma, colon or opening bracket before the ellipsis.
  const end = tail.join(" ").replace(/[\s,;:(]+$/, "");
  words[last] = `${end} …`;
  return words;
}

/** What a summary card says: the verdict, whether it is good news, and the advice (Markdown) in order. */
export interface CardText {
  headline: string;
  tone: "good" | "fair" | "bad" | "unknown";
  /** The card's abbreviation spelled out (glossary.card), shown where the card uses it. */
  key?: string;
  advice: string[];
}

/** The card of a run's analysis. */
export function runCard(analysis: Analysis): CardText {
  return {
    headline: analysis.headline,
    key: message("glossary.card"),
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
  // The headline fits the card: its font shrinks (to 22px at least), then it takes a second line at a word.
  const headline = message("report.png.headline", { headline: card.headline });
  let size = 30;
  ctx.font = `bold ${size}px "${FONT}"`;
  while (size > 22 && ctx.measureText(headline).width > width - 64) ctx.font = `bold ${--size}px "${FONT}"`;
  const headlines = splitAtWord(headline, (line) => ctx.measureText(line).width, width - 64);
  headlines.forEach((line, i) => ctx.fillText(line, 32, 56 + i * (size + 6)));
  const shift = (headlines.length - 1) * (size + 6);
  ctx.font = `16px "${FONT}"`;
  ctx.fillStyle = "#555555";
  ctx.fillText(subtitle, 32, 84 + shift);
  let y = 120 + shift;
  const plain = (md: string): string => md.replace(/\*\*/g, "").replace(/`/g, "");
  const advice = card.advice.slice(0, 3).map(plain);
  // AU is spelled out on the card wherever the card says it.
  if (card.key && [card.headline, ...advice].some((text) => /\bAU\b/.test(text))) {
    ctx.font = `14px "${FONT}"`;
    ctx.fillText(card.key, 32, 106 + shift);
    y = 134 + shift;
  }
  ctx.fillStyle = "#222222";
  ctx.font = `17px "${FONT}"`;
  advice.forEach((text, i) => {
    // Two lines an item, in whole sentences (the whole advice is in summary.md).
    const lines = fitCardText(`${i + 1}. ${text}`, (line) => ctx.measureText(line).width, width - 96, 2);
    for (const [k, line] of lines.entries()) {
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

/** The text as one line when it fits, else two, broken at the last word that fits on the first. */
export function splitAtWord(text: string, measure: (line: string) => number, maxWidth: number): string[] {
  if (measure(text) <= maxWidth) return [text];
  const words = text.split(" ");
  let first = words[0]!;
  let i = 1;
  while (i < words.length && measure(`${first} ${words[i]}`) <= maxWidth) first += ` ${words[i++]}`;
  return i < words.length ? [first, words.slice(i).join(" ")] : [first];
}
