import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/**
 * Deterministic, photo-like pixels for sample `index`: smooth colour gradients and waves plus
 * a little noise. Smooth content matters for the JPEG format: noise would compress and decode
 * nothing like real photographs do.
 * Output is C x H x W uint8, the layout a tensor of images has.
 */
export function fillSyntheticSample(out: Uint8Array, shape: readonly number[], seed: number, index: number): void {
  const [channels, height, width] = imageDims(shape);
  const rng = xoroshiro128plus(seed * 1_000_003 + index);
  const int = (lo: number, hi: number): number => uniformInt(rng, lo, hi);
  const rowWave = new Float32Array(height);
  const colWave = new Float32Array(width);
  for (let c = 0; c < channels; c++) {
    const base = int(40, 200);
    const rowFreq = int(1, 40) / 1000;
    const colFreq = int(1, 40) / 1000;
    const amp = int(10, 50);
    const phase = int(0, 628) / 100;
    for (let y = 0; y < height; y++) rowWave[y] = base + amp * Math.sin(rowFreq * y * 6.283 + phase);
    for (let x = 0; x < width; x++) colWave[x] = amp * Math.cos(colFreq * x * 6.283 + phase);
    const plane = c * height * width;
    let noise = int(0, 0x7fffffff);
    for (let y = 0; y < height; y++) {
      const row = plane + y * width;
      const rw = rowWave[y]!;
      for (let x = 0; x < width; x++) {
        // A cheap xorshift for per-pixel noise; the seeded generator above fixes its start.
        noise ^= noise << 13;
        noise ^= noise >>> 17;
        noise ^= noise << 5;
        const v = rw + colWave[x]! + (noise & 15) - 8;
        out[row + x] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
}

/** Reads a sample shape as channels, height, width; a 2-D shape is one channel, a 1-D shape one row. */
export function imageDims(shape: readonly number[]): [number, number, number] {
  if (shape.length === 3) return [shape[0]!, shape[1]!, shape[2]!];
  if (shape.length === 2) return [1, shape[0]!, shape[1]!];
  const total = shape.reduce((a, b) => a * b, 1);
  return [1, 1, total];
}
