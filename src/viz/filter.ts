import { conv2d } from '../engine/conv2d.js';

/**
 * Filtering a picture with a 3×3 kernel: each colour channel is convolved with the same kernel — a
 * depthwise convolution (3 channels, groups 3), padding 'same' with replicated edges — by the engine.
 */

export interface KernelPreset {
  name: string;
  weights: number[];
  /** How results map back to 0–255: clamp, absolute value (edge detectors), or around mid-grey. */
  post: 'clamp' | 'abs' | 'offset';
}

export const KERNEL_PRESETS: readonly KernelPreset[] = [
  { name: 'identity', weights: [0, 0, 0, 0, 1, 0, 0, 0, 0], post: 'clamp' },
  { name: 'box blur', weights: Array(9).fill(1 / 9), post: 'clamp' },
  { name: 'Gaussian', weights: [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16), post: 'clamp' },
  { name: 'sharpen', weights: [0, -1, 0, -1, 5, -1, 0, -1, 0], post: 'clamp' },
  { name: 'Sobel x', weights: [-1, 0, 1, -2, 0, 2, -1, 0, 1], post: 'abs' },
  { name: 'Sobel y', weights: [-1, -2, -1, 0, 0, 0, 1, 2, 1], post: 'abs' },
  { name: 'Laplacian', weights: [0, 1, 0, 1, -4, 1, 0, 1, 0], post: 'abs' },
  { name: 'emboss', weights: [-2, -1, 0, -1, 1, 1, 0, 1, 2], post: 'offset' },
];

/**
 * Filters RGBA pixels (alpha kept) with a 3×3 kernel; returns the new RGBA pixels. Values are scaled
 * to [0, 1] before the convolution and back after, so kernels read in the usual units.
 */
export function filterRgba(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  weights: readonly number[],
  post: KernelPreset['post'],
): Uint8ClampedArray<ArrayBuffer> {
  // The loops are few and plain — one channel at a time, the mapping chosen once — because the first
  // filter of a page runs them before V8 has optimised anything.
  const pixels = width * height;
  const planes = new Float32Array(3 * pixels);
  for (let c = 0; c < 3; c++) {
    const plane = planes.subarray(c * pixels, (c + 1) * pixels);
    for (let i = 0, at = c; i < pixels; i++, at += 4) plane[i] = rgba[at]! / 255;
  }
  const weight = new Float32Array(27);
  for (let c = 0; c < 3; c++) weight.set(weights, 9 * c);
  const y = conv2d({ data: planes, shape: [3, height, width] }, { data: weight, shape: [3, 1, 3, 3] }, null, {
    groups: 3,
    padding: 'same',
    paddingMode: 'replicate',
  });
  const out = new Uint8ClampedArray(rgba.length);
  for (let i = 3; i < rgba.length; i += 4) out[i] = rgba[i]!;
  // Back to 0–255: 255·v (clamp), 255·|v| (abs), 255·(v/2 + 1/2) (offset); the array clamps.
  for (let c = 0; c < 3; c++) {
    const plane = y.data.subarray(c * pixels, (c + 1) * pixels);
    if (post === 'abs')
      for (let i = 0, at = c; i < pixels; i++, at += 4) out[at] = Math.round(255 * Math.abs(plane[i]!));
    else if (post === 'offset')
      for (let i = 0, at = c; i < pixels; i++, at += 4) out[at] = Math.round(255 * (plane[i]! / 2 + 0.5));
    else for (let i = 0, at = c; i < pixels; i++, at += 4) out[at] = Math.round(255 * plane[i]!);
  }
  return out;
}
