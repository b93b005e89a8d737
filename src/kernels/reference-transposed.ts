import type { ConvTranspose2dInfo } from '../core/transposed.js';

/**
 * THE definition of the transposed convolution in convlab, as a scatter: each input cell stamps the
 * kernel, scaled by its value, onto the output, and overlapping stamps add up.
 *
 *   y[n, g·O_g + o, i·sH − padTop + ky·dH, j·sW − padLeft + kx·dW] += x[n, g·C_g + c, i, j] · w[g·C_g + c, o, ky, kx]
 *
 * for every input cell (i, j) of channel c in group g, every output channel o < O_g of that group and
 * every tap (ky, kx); stamps that fall outside [0, H_out) × [0, W_out) are cropped (that is what
 * `padding` does). Then y += bias. Accumulated in float64, for reading rather than speed: the engine
 * computes the same sum as direct convolutions (engine/conv-transpose2d.ts) and is tested against this.
 *
 * @param input  (N, C_in, H, W)
 * @param weight (C_in, C_out/groups, kH, kW)
 * @param bias   (C_out), or null
 * @param output (N, C_out, H_out, W_out), written in full
 */
export function convTranspose2dReference(
  info: ConvTranspose2dInfo,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  output: Float32Array,
): void {
  const { batch, inChannels: C, inHeight: H, inWidth: W, outChannels: O, kernelHeight: kH, kernelWidth: kW } = info;
  const { inChannelsPerGroup: Cg, outChannelsPerGroup: Og, outHeight: Ho, outWidth: Wo } = info;
  const sums = new Float64Array(batch * O * Ho * Wo);
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < C; c++) {
      const group = Math.floor(c / Cg);
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          const x = input[((n * C + c) * H + i) * W + j]!;
          for (let o = 0; o < Og; o++) {
            const plane = (n * O + group * Og + o) * Ho;
            for (let ky = 0; ky < kH; ky++) {
              const y = i * info.strideHeight - info.padTop + ky * info.dilationHeight;
              if (y < 0 || y >= Ho) continue;
              for (let kx = 0; kx < kW; kx++) {
                const xo = j * info.strideWidth - info.padLeft + kx * info.dilationWidth;
                if (xo < 0 || xo >= Wo) continue;
                sums[(plane + y) * Wo + xo]! += x * weight[((c * Og + o) * kH + ky) * kW + kx]!;
              }
            }
          }
        }
      }
    }
  }
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < O; o++) {
      const b = bias === null ? 0 : bias[o]!;
      const base = (n * O + o) * Ho * Wo;
      for (let k = 0; k < Ho * Wo; k++) output[base + k] = sums[base + k]! + b;
    }
  }
}
