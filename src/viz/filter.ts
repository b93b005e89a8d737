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
  const planes = new Float32Array(3 * width * height);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) planes[c * width * height + i] = rgba[4 * i + c]! / 255;
  }
  const weight = new Float32Array(27);
  for (let c = 0; c < 3; c++) weight.set(weights, 9 * c);
  const y = conv2d({ data: planes, shape: [3, height, width] }, { data: weight, shape: [3, 1, 3, 3] }, null, {
    groups: 3,
    padding: 'same',
    paddingMode: 'replicate',
  });
  const out = new Uint8ClampedArray(rgba.length);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) {
      const v = y.data[c * width * height + i]!;
      out[4 * i + c] = Math.round(255 * (post === 'abs' ? Math.abs(v) : post === 'offset' ? v / 2 + 0.5 : v));
    }
    out[4 * i + 3] = rgba[4 * i + 3]!;
  }
  return out;
}
