import { sameBits } from '../core/compare.js';
import { type Conv2dInfo, resolveConv2d } from '../core/resolve.js';
import type { ConvTranspose2dInfo } from '../core/transposed.js';

/**
 * The transposed convolution as one matrix product and a scatter ("GEMM + col2im", as onnxruntime
 * and PyTorch's CPU kernels compute it):
 *
 *   columns[n, g·O_g·T + o·T + t, i, j] = Σ_c w[g·C_g + c, o, t] · x[n, g·C_g + c, i, j]     (T = kH·kW taps)
 *   y[n, g·O_g + o, i·sH − padTop + ky·dH, j·sW − padLeft + kx·dW] += columns[n, …, o·T + ky·kW + kx, i, j]
 *
 * The product is a 1 × 1 convolution of the input with the taps as output channels, so it runs on the
 * engine's GEMM, threads and GPU; the scatter adds each column cell onto the output once. It does the
 * same multiplications as the output phases (none by an inserted zero), in one product whose
 * C_out·kH·kW rows split evenly over the threads, where the phases make s_h·s_w narrower products in
 * turn: the better form when the input is small and the channels many (a DCGAN generator's first
 * layers). Its cost is the columns: C_out·kH·kW·H·W values, so it is kept for layers where they are
 * few ({@link useColumns}).
 */

/** The 1 × 1 convolution that makes the columns: C_in → groups·O_g·kH·kW channels over the input's H × W. */
export function columnsInfo(info: ConvTranspose2dInfo): Conv2dInfo {
  return resolveConv2d(
    {
      batched: true,
      batch: info.batch,
      inChannels: info.inChannels,
      inHeight: info.inHeight,
      inWidth: info.inWidth,
      outChannels: info.outChannels * info.kernelHeight * info.kernelWidth,
      kernelHeight: 1,
      kernelWidth: 1,
      hasBias: false,
      kernelArgument: 'weight',
    },
    {
      stride: [1, 1],
      dilation: [1, 1],
      padding: { kind: 'explicit', height: 0, width: 0 },
      groups: info.groups,
      paddingMode: 'zeros',
    },
  );
}

/** The most column values the product may make (16 M floats, 64 MB); past it the phases run. */
const MAX_COLUMNS = 2 ** 24;

/**
 * Whether the columns form may be used (the engine takes it only where the phases cannot merge into
 * one product): strided layers (stride 1 is one phase, a plain convolution that Winograd may serve)
 * whose columns are few, and whose input is small next to their channels — each input cell then
 * makes C_out·kH·kW column values from C_in reads, and the scatter is cheap beside the product.
 * Measured on T1 of `npm run bench` (512 → 256, 4 × 4, stride 2, 8² input): two threads 8.3 → 5.3–5.8 ms.
 */
export function useColumns(info: ConvTranspose2dInfo): boolean {
  const columns = info.batch * info.outChannels * info.kernelHeight * info.kernelWidth * info.inHeight * info.inWidth;
  const strided = info.strideHeight > 1 || info.strideWidth > 1;
  return strided && columns <= MAX_COLUMNS && info.inChannelsPerGroup >= 64 && info.inHeight * info.inWidth <= 1024;
}

const kept = { shape: '', source: new Float32Array(0), weight: new Float32Array(0) };

/**
 * The product's weight, (groups·O_g·T, C_g, 1, 1): within each group the (C_g) × (O_g·T) block of the
 * transposed weight, transposed — kept while the layer's weight is bit-for-bit the last call's, and
 * never written once made.
 */
export function columnsWeight(info: ConvTranspose2dInfo, weight: Float32Array): Float32Array {
  const shape = JSON.stringify([info.weightShape, info.groups]);
  if (shape === kept.shape && sameBits(weight, kept.source)) return kept.weight;
  const { groups, inChannelsPerGroup: Cg } = info;
  const rows = info.outChannelsPerGroup * info.kernelHeight * info.kernelWidth;
  const result = new Float32Array(weight.length);
  const BLOCK = 16;
  for (let g = 0; g < groups; g++) {
    const base = g * Cg * rows;
    for (let r0 = 0; r0 < rows; r0 += BLOCK)
      for (let c0 = 0; c0 < Cg; c0 += BLOCK)
        for (let r = r0; r < Math.min(r0 + BLOCK, rows); r++)
          for (let c = c0; c < Math.min(c0 + BLOCK, Cg); c++) result[base + r * Cg + c] = weight[base + c * rows + r]!;
  }
  Object.assign(kept, { shape, source: weight.slice(), weight: result });
  return result;
}

/** Scatters the columns onto the output (col2im), over the bias; cells a stamp crops off are skipped. */
export function scatterColumns(
  info: ConvTranspose2dInfo,
  columns: Float32Array,
  bias: Float32Array | null,
  output: Float32Array,
): void {
  const { batch, outChannels: O, outHeight: Ho, outWidth: Wo, inHeight: H, inWidth: W } = info;
  const { kernelHeight: kH, kernelWidth: kW, strideHeight: sH, strideWidth: sW } = info;
  const { dilationHeight: dH, dilationWidth: dW, padTop, padLeft } = info;
  const plane = Ho * Wo;
  for (let n = 0; n < batch; n++)
    for (let o = 0; o < O; o++) output.fill(bias ? bias[o]! : 0, (n * O + o) * plane, (n * O + o + 1) * plane);
  // The input columns j whose stamp through tap kx lands inside [0, W_out), per kx.
  const firstColumn = new Int32Array(kW),
    endColumn = new Int32Array(kW);
  for (let kx = 0; kx < kW; kx++) {
    const shift = kx * dW - padLeft;
    firstColumn[kx] = Math.max(0, Math.ceil(-shift / sW));
    endColumn[kx] = Math.min(W, Math.floor((Wo - 1 - shift) / sW) + 1);
  }
  for (let n = 0; n < batch; n++)
    for (let o = 0; o < O; o++) {
      const target = (n * O + o) * plane;
      for (let ky = 0; ky < kH; ky++)
        for (let kx = 0; kx < kW; kx++) {
          const from = ((n * O + o) * kH * kW + ky * kW + kx) * H * W;
          const shift = kx * dW - padLeft;
          const j0 = firstColumn[kx]!,
            j1 = endColumn[kx]!;
          for (let i = 0; i < H; i++) {
            const y = i * sH - padTop + ky * dH;
            if (y < 0 || y >= Ho) continue;
            const row = target + y * Wo + shift;
            const source = from + i * W;
            for (let j = j0; j < j1; j++) output[row + j * sW]! += columns[source + j]!;
          }
        }
    }
}
