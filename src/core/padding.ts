import type { PaddingMode } from './resolve.js';

/**
 * The padding modes as index maps, in one place: the reference kernel, the WebAssembly host (which
 * writes non-zero padding out), the pictures (which cell a padding cell copies) and the hover links
 * all read this; the GPU kernels generate the same maps in WGSL (webgpu/wgsl.ts).
 */

/**
 * Where padding cell `i` (which may be < 0 or ≥ size) takes its value from on an axis of length
 * `size`; −1 means a zero. Resolution guarantees the padding is small enough for one step to land
 * inside: reflect pads < size, circular pads ≤ size.
 */
export function sourceIndex(i: number, size: number, mode: PaddingMode): number {
  if (i >= 0 && i < size) return i;
  switch (mode) {
    case 'zeros':
      return -1;
    case 'reflect': // mirror about the edge cell, without repeating it: −1 → 1, size → size−2
      return i < 0 ? -i : 2 * (size - 1) - i;
    case 'replicate': // the edge cell, repeated
      return i < 0 ? 0 : size - 1;
    case 'circular': // wrap around: −1 → size−1, size → 0
      return i < 0 ? i + size : i - size;
  }
}
