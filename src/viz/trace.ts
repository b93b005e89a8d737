import type { Conv2dInfo } from '../core/resolve.js';
import { sourceIndex } from '../core/padding.js';

/**
 * The dependency trace: for one output cell, every tap that feeds it — which input channel, which
 * kernel weight, which cell of the padded input, and which real input cell that padded cell holds
 * (or none, for a zero). Frames, highlights and (in the page) hover linking read only this.
 *
 * For output channel o of group g = o / O_g, output cell (oy, ox), tap (c, ky, kx) reads padded cell
 *   (py, px) = (oy·sH + ky·dH, ox·sW + kx·dW)
 * i.e. input cell (py − padTop, px − padLeft), mapped back inside by the padding mode.
 */
export interface Tap {
  /** Input channel (absolute, in the input tensor). */
  inputChannel: number;
  /** Channel within the group (the weight's second index). */
  groupChannel: number;
  ky: number;
  kx: number;
  /** Cell of the padded input (0-based, padding included). */
  py: number;
  px: number;
  /** The real input cell whose value the padded cell holds, or null for a zero of the padding. */
  source: { y: number; x: number } | null;
  /** Whether (py, px) is in the padding ring. */
  inPadding: boolean;
}

export interface CellTrace {
  outputChannel: number;
  group: number;
  oy: number;
  ox: number;
  taps: Tap[];
}

/** The taps feeding output cell (o, oy, ox). */
export function traceCell(info: Conv2dInfo, outputChannel: number, oy: number, ox: number): CellTrace {
  const group = Math.floor(outputChannel / info.outChannelsPerGroup);
  const taps: Tap[] = [];
  for (let c = 0; c < info.inChannelsPerGroup; c++) {
    for (let ky = 0; ky < info.kernelHeight; ky++) {
      for (let kx = 0; kx < info.kernelWidth; kx++) {
        const py = oy * info.strideHeight + ky * info.dilationHeight;
        const px = ox * info.strideWidth + kx * info.dilationWidth;
        const y = sourceIndex(py - info.padTop, info.inHeight, info.paddingMode);
        const x = sourceIndex(px - info.padLeft, info.inWidth, info.paddingMode);
        const inPadding =
          py < info.padTop ||
          py >= info.padTop + info.inHeight ||
          px < info.padLeft ||
          px >= info.padLeft + info.inWidth;
        taps.push({
          inputChannel: group * info.inChannelsPerGroup + c,
          groupChannel: c,
          ky,
          kx,
          py,
          px,
          source: y < 0 || x < 0 ? null : { y, x },
          inPadding,
        });
      }
    }
  }
  return { outputChannel, group, oy, ox, taps };
}

/**
 * One output value recomputed from its trace: bias + Σ weight · source value (zero-padding taps add
 * nothing). The tests check this against the reference kernel, so the picture cannot drift from the math.
 */
export function valueFromTrace(
  info: Conv2dInfo,
  trace: CellTrace,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  batch = 0,
): number {
  let sum = bias ? bias[trace.outputChannel]! : 0;
  for (const tap of trace.taps) {
    if (!tap.source) continue;
    const x =
      input[
        ((batch * info.inChannels + tap.inputChannel) * info.inHeight + tap.source.y) * info.inWidth + tap.source.x
      ]!;
    const w =
      weight[
        ((trace.outputChannel * info.inChannelsPerGroup + tap.groupChannel) * info.kernelHeight + tap.ky) *
          info.kernelWidth +
          tap.kx
      ]!;
    sum += w * x;
  }
  return sum;
}

/** Number of animation steps: (C_out/groups)·H_out·W_out — groups advance in parallel. */
export function stepCount(info: Conv2dInfo): number {
  return info.outChannelsPerGroup * info.outHeight * info.outWidth;
}

/** What step `step` shows: channel j within each group, then output row and column. */
export function stepPosition(info: Conv2dInfo, step: number): { channelInGroup: number; oy: number; ox: number } {
  const perChannel = info.outHeight * info.outWidth;
  const channelInGroup = Math.floor(step / perChannel);
  const rest = step % perChannel;
  return { channelInGroup, oy: Math.floor(rest / info.outWidth), ox: rest % info.outWidth };
}
