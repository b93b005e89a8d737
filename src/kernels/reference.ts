import { sourceIndex } from '../core/padding.js';
import type { Conv2dInfo } from '../core/resolve.js';

export { sourceIndex };

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
 *
 * Every tap is multiplied, a zero from the padding too: a weight of ±Inf or NaN over zero padding
 * gives NaN (IEEE 0 · Inf), as the sum above says. Every kernel follows this rule (docs/decisions.md;
 * PyTorch itself differs by kernel here).
 */

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
              for (let kx = 0; kx < kW; kx++) {
                const ix = sourceIndex(ox * info.strideWidth - info.padLeft + kx * info.dilationWidth, W, paddingMode);
                // −1: a zero from the padding ring, multiplied like any other input.
                const x = iy < 0 || ix < 0 ? 0 : input[((n * C + inputChannel) * H + iy) * W + ix]!;
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
