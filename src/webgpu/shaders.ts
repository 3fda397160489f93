/**
 * The device side of a training step, in WGSL. Workgroups of 64 along x; big batches spill into y
 * because one dispatch dimension stops at 65,535 workgroups.
 */

export const WORKGROUP = 64;

const params = /* wgsl */ `
struct Params {
  // Values to produce, words to read, values per channel plane, channels, invocations per y row.
  values: u32, words: u32, plane: u32, channels: u32, rowStride: u32,
}`;

/**
 * uint8 pixels, four to a word, into float32: (x/255 - mean)/std as one multiply-add per value
 * with each channel's scale and offset, as the recommendation tells users to do on the device.
 */
export const NORMALISE_UINT8 = /* wgsl */ `${params}
@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> affine: array<vec2f>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) g: vec3u) {
  let w = g.y * p.rowStride + g.x;
  if (w >= p.words) { return; }
  let packed = src[w];
  // One division a word: its four values lie in at most two channel planes (a plane holds at least one value).
  let first = w * 4u;
  let planeIndex = first / p.plane;
  let nextPlaneAt = (planeIndex + 1u) * p.plane;
  let c0 = planeIndex % p.channels;
  let c1 = (planeIndex + 1u) % p.channels;
  for (var k = 0u; k < 4u; k++) {
    let i = first + k;
    if (i >= p.values) { return; }
    let c = select(c0, c1, i >= nextPlaneAt);
    dst[i] = f32((packed >> (8u * k)) & 0xffu) * affine[c].x + affine[c].y;
  }
}`;

/** float16 values, already normalised by the loader, widened to float32 for the compute load. */
export const WIDEN_FLOAT16 = /* wgsl */ `${params}
@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) g: vec3u) {
  let w = g.y * p.rowStride + g.x;
  if (w >= p.words) { return; }
  let pair = unpack2x16float(src[w]);
  dst[w * 2u] = pair.x;
  if (w * 2u + 1u < p.values) { dst[w * 2u + 1u] = pair.y; }
}`;

/**
 * The stand-in for forward and backward: C = A x B for N x N float32 matrices, B taken from the
 * normalised batch. Plain, untiled: a predictable load whose repeat count is calibrated to the step
 * time, not a fast GEMM (tiled kernels with workgroup barriers crawl on CPU Vulkan drivers).
 */
export const MATMUL = /* wgsl */ `
override N: u32 = 256u;
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  if (g.x >= N || g.y >= N) { return; }
  var acc = 0.0;
  for (var k = 0u; k < N; k++) { acc = fma(a[g.y * N + k], b[k * N + g.x], acc); }
  c[g.y * N + g.x] = acc;
}`;

/** Workgroups for `invocations` threads of WORKGROUP each, spilling into y past the 65,535 limit. */
export function dispatchGrid(invocations: number): { x: number; y: number; rowStride: number } {
  const groups = Math.max(1, Math.ceil(invocations / WORKGROUP));
  const x = Math.min(groups, 65535);
  return { x, y: Math.ceil(groups / x), rowStride: x * WORKGROUP };
}
