import type { Dtype } from "../store/trial-axes.js";

export const BYTES_PER_VALUE: Record<Dtype, number> = { uint8: 1, float16: 2, float32: 4 };

// torchvision's ImageNet statistics, the normalisation nearly every image model uses.
const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/** (x/255 - mean)/std as one multiply-add per value: scale and offset for channel c. */
export function normalisation(channel: number, channels: number): { scale: number; offset: number } {
  const mean = channels === 3 ? IMAGENET_MEAN[channel]! : 0.5;
  const std = channels === 3 ? IMAGENET_STD[channel]! : 0.5;
  return { scale: 1 / (255 * std), offset: -mean / std };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half-precision bits of x (round to nearest even), for float16 output. */
export function toHalfBits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  let mantissa = bits & 0x7fffff;
  if (exponent >= 31) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - exponent;
    const half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (rest > midpoint || (rest === midpoint && half & 1) ? half + 1 : half);
  }
  const half = (exponent << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && half & 1) ? half + 1 : half);
}
