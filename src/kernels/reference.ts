import type { Conv2dInfo, PaddingMode } from '../core/resolve.js';

/**
 * THE definition of conv2d in convlab. Every other kernel is tested against this one.
 *
 * For each batch n, output channel o (in group g = o / O_g), output cell (oy, ox):
 *
 *   y[n, o, oy, ox] = bias[o] + Σ_{c < C_g} Σ_{ky < kH} Σ_{kx < kW}
 *                     w[o, c, ky, kx] · x̃[n, g·C_g + c, oy·sH − padTop + ky·dH, ox·sW − padLeft + kx·dW]
 *
 * where x̃ is the input extended past its edges by the padding mode (`sourceIndex`). It is written
 * for reading, not for speed: plain loops, one multiply-add per tap, accumulated in float64.
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

/**
 * Computes the convolution described by `info`.
 *
 * @param input  (N, C, H, W) in C order (an unbatched input is the same data with N = 1)
 * @param weight (O, C/groups, kH, kW)
 * @param bias   (O), or null
 * @param output (N, O, H_out, W_out), written in full
 */
export function conv2dReference(
  info: Conv2dInfo,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  output: Float32Array,
): void {
  const { batch, inChannels: C, inHeight: H, inWidth: W, outChannels: O, kernelHeight: kH, kernelWidth: kW } = info;
  const { inChannelsPerGroup: Cg, outChannelsPerGroup: Og, outHeight: Ho, outWidth: Wo, paddingMode } = info;

  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < O; o++) {
      const group = Math.floor(o / Og);
      for (let oy = 0; oy < Ho; oy++) {
        for (let ox = 0; ox < Wo; ox++) {
          let sum = bias === null ? 0 : bias[o]!;
          for (let c = 0; c < Cg; c++) {
            const inputChannel = group * Cg + c;
            for (let ky = 0; ky < kH; ky++) {
              // Row of the padded input this tap reads, mapped back onto the input.
              const iy = sourceIndex(oy * info.strideHeight - info.padTop + ky * info.dilationHeight, H, paddingMode);
              if (iy < 0) continue; // a zero from the padding ring
              for (let kx = 0; kx < kW; kx++) {
                const ix = sourceIndex(ox * info.strideWidth - info.padLeft + kx * info.dilationWidth, W, paddingMode);
                if (ix < 0) continue;
                const x = input[((n * C + inputChannel) * H + iy) * W + ix]!;
                const w = weight[((o * Cg + c) * kH + ky) * kW + kx]!;
                sum += w * x;
              }
            }
          }
          output[((n * O + o) * Ho + oy) * Wo + ox] = sum;
        }
      }
    }
  }
}
