import type { Conv2dInfo } from '../core/resolve.js';
import { MR, NR } from './wasm/tile.js';

/**
 * Every kernel convlab has, in one table, in order of preference within each backend (XNNPACK keeps
 * its micro-kernels the same way). `selectKernel` takes the first entry of a backend that supports the
 * layer and suits it; the parity tests run every entry that supports a layer against the reference;
 * `convlab bench --kernels` times them; the README's kernel table is checked against this one. Adding
 * a kernel is one entry here and its source file.
 *
 * A name says what the kernel is: backend, algorithm, register tile, instruction set.
 */

export type KernelBackend = 'reference' | 'wasm' | 'webgpu';

export interface KernelEntry {
  readonly name: string;
  readonly backend: KernelBackend;
  /** 'sync' runs inside `conv2d`; 'async' only in `conv2dAsync` (the GPU answers later). */
  readonly answers: 'sync' | 'async';
  /** Whether the kernel computes this layer correctly. */
  supports(info: Conv2dInfo): boolean;
  /** Whether it is the right choice where it is first (default: wherever it is supported). */
  suits?(info: Conv2dInfo): boolean;
  /**
   * How its rounding error is bounded against the definition: per output, like a summation in another
   * order ('elementwise', the default: compareOutputs), or relative to the output's scale ('scale':
   * Winograd, whose transforms mix neighbouring cells; compareToScale).
   */
  readonly rounding?: 'elementwise' | 'scale';
  /**
   * Multiply-accumulates per millisecond on one thread, about (this machine, the layer suite:
   * `convlab bench --kernels`): what `estimatedMs` divides by to decide whether threads pay.
   */
  readonly macsPerMs?: number;
  /** For the docs: when it is chosen, and how it works. */
  readonly when: string;
  readonly how: string;
}

/** Depthwise: one input channel per group (with any channel multiplier O/C). */
export function isDepthwise(info: Conv2dInfo): boolean {
  return info.inChannelsPerGroup === 1 && info.groups === info.inChannels && info.groups > 1;
}

/**
 * A 1×1 convolution with stride 1 reads each input plane as a matrix row: no im2col needed. Padding
 * other than zeros is written out before the kernels run (wasm/conv.ts), so only zero padding stops it.
 */
export function isPointwise(info: Conv2dInfo): boolean {
  const zeroPadded = info.padTop + info.padBottom + info.padLeft + info.padRight > 0 && info.paddingMode === 'zeros';
  return (
    info.kernelHeight === 1 &&
    info.kernelWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    !zeroPadded
  );
}

const always = () => true;

/**
 * The layers Winograd F(4×4, 3×3) computes: a 3 × 3 window at stride 1. A dilated one is computed as
 * dH·dW undilated ones on sub-grids of the input (wasm/plan.ts).
 */
export function isWinogradShaped(info: Conv2dInfo): boolean {
  return info.kernelHeight === 3 && info.kernelWidth === 3 && info.strideHeight === 1 && info.strideWidth === 1;
}

/**
 * Where Winograd runs faster than im2col + GEMM, measured on one thread (scripts/winograd-crossover.mjs,
 * docs/engine.md): its 36 GEMMs are as deep as the input channels per group, and its weight
 * transform (36 values for every 9 weights, whenever the weights change) is paid back over the
 * output's 4 × 4 tiles.
 * From 32 input channels per group it won at every size tried (1.2× on a 14² output, 2–3× on 56²);
 * from 16, once the output has 40 tiles (about 25 × 25); below 16 it was no faster. Thin outputs
 * (under 8 channels per group) leave the micro-kernel's rows empty.
 */
function winogradPays(info: Conv2dInfo): boolean {
  const tiles = info.batch * Math.ceil(info.outHeight / 4) * Math.ceil(info.outWidth / 4);
  // Past dilation 2 the sub-grids' rows are gathered cell by cell (no vector loads).
  const dilationFits = info.dilationHeight <= 2 && info.dilationWidth <= 2;
  return (
    dilationFits &&
    info.outChannelsPerGroup >= 8 &&
    (info.inChannelsPerGroup >= 32 || (info.inChannelsPerGroup >= 16 && tiles >= 40))
  );
}

/**
 * Whether the input with its padding written out stays a modest copy: at most 16× the input plus
 * 64 Ki cells a plane. The WebAssembly kernels write non-zero padding out before they run, and the
 * depthwise kernel pads each plane; reflect and circular padding stay under 9× by their own rules,
 * but replicate (or zeros, for a depthwise plane) can ask for padding of thousands of cells around a
 * 4 × 4 input of which a stride of thousands reads a sliver. Such layers go to the reference kernel,
 * which pads on the fly (issue 14: 9 GB asked for a 64 × 3 × 3 output).
 */
export function paddingFits(info: Conv2dInfo): boolean {
  return info.paddedHeight * info.paddedWidth <= 16 * info.inHeight * info.inWidth + 65_536;
}

/**
 * Whether every coordinate of the padded input fits the 32-bit integers the WebAssembly and WGSL
 * kernels index with (with room for a stride or a tap added). PyTorch accepts padding up to 2³¹ − 1;
 * such layers run on the reference kernel, whose indexes are doubles (found by the fuzz suite: the
 * im2col kernel read out of bounds at padding 2³¹ − 1).
 */
export function indexesFit(info: Conv2dInfo): boolean {
  return info.paddedHeight < 2 ** 28 && info.paddedWidth < 2 ** 28;
}

export const KERNELS = [
  {
    name: 'wasm-depthwise-simd128',
    backend: 'wasm',
    answers: 'sync',
    supports: (info: Conv2dInfo) => indexesFit(info) && isDepthwise(info) && paddingFits(info),
    macsPerMs: 6_500_000,
    when: 'groups = C, one input channel per group (any channel multiplier)',
    how: 'each plane padded once, 16 outputs per step in four f32x4 accumulators',
  },
  {
    name: `wasm-gemm-1x1-${MR}x${NR}-simd128`,
    backend: 'wasm',
    answers: 'sync',
    supports: (info: Conv2dInfo) => indexesFit(info) && isPointwise(info) && paddingFits(info),
    macsPerMs: 22_000_000,
    when: '1×1, stride 1, no zero padding',
    how: `the input planes are the GEMM's right-hand matrix; a ${MR}×${NR} register-blocked micro-kernel`,
  },
  {
    name: 'wasm-winograd-f4x4-3x3-simd128',
    backend: 'wasm',
    answers: 'sync',
    supports: (info: Conv2dInfo) =>
      indexesFit(info) && isWinogradShaped(info) && (info.paddingMode === 'zeros' || paddingFits(info)),
    suits: winogradPays,
    rounding: 'scale',
    // Effective (MACs of the direct convolution): 50M a ms on L2, 28M on the grouped L7.
    macsPerMs: 30_000_000,
    when: '3×3, stride 1, dilation ≤ 2; ≥ 32 input channels per group (≥ 16 from 40 output tiles), ≥ 8 output',
    how: `4 × 4 output tiles from 6 × 6 patches: 36 GEMMs (the ${MR}×${NR} micro-kernel) on transformed tiles and weights, 4× fewer multiplications; dilated layers as sub-grids`,
  },
  {
    name: `wasm-im2col-gemm-${MR}x${NR}-simd128`,
    backend: 'wasm',
    answers: 'sync',
    // Zero padding is read in place (im2col writes the zeros); other modes are written out first.
    supports: (info: Conv2dInfo) => indexesFit(info) && (info.paddingMode === 'zeros' || paddingFits(info)),
    macsPerMs: 22_000_000,
    when: 'everything else (any stride, dilation, padding, groups)',
    how: `im2col tiles sized for L2, then a ${MR}×${NR} register-blocked, packed GEMM micro-kernel`,
  },
  {
    name: 'webgpu-depthwise',
    backend: 'webgpu',
    answers: 'async',
    supports: (info: Conv2dInfo) => indexesFit(info) && isDepthwise(info),
    // The kernel unrolls the window: past 11 × 11 the direct kernel's loops serve better.
    suits: (info: Conv2dInfo) => info.kernelHeight * info.kernelWidth <= 121,
    when: 'depthwise, windows up to 11 × 11',
    how: 'a thread computes up to 8 outputs down a column, the window unrolled',
  },
  {
    name: 'webgpu-gemm',
    backend: 'webgpu',
    answers: 'async',
    supports: indexesFit,
    // A tile of 32 channels or 8 taps would be mostly empty below these.
    suits: (info: Conv2dInfo) => info.outChannelsPerGroup >= 8 && info.taps >= 8,
    when: '≥ 8 output channels per group and ≥ 8 taps',
    how: 'implicit GEMM in workgroup tiles (named mBMnBNkBK-tTMxTN-sSPLIT), K split on few-tile layers',
  },
  {
    name: 'webgpu-direct',
    backend: 'webgpu',
    answers: 'async',
    supports: indexesFit,
    when: 'the other layers on the GPU',
    how: 'one thread per output, loops over channels and taps',
  },
  {
    name: 'reference',
    backend: 'reference',
    answers: 'sync',
    supports: always,
    when: "`backend: 'reference'`, layers under 16 384 MACs, padding far wider than the input or past 2²⁸ cells, or no WebAssembly SIMD",
    how: 'the definition: six plain loops, no copies',
  },
] as const satisfies readonly KernelEntry[];

export type KernelName = (typeof KERNELS)[number]['name'];
/** The kernels of one backend. */
export type KernelOf<B extends KernelBackend> = Extract<(typeof KERNELS)[number], { backend: B }>['name'];

const byName = new Map<string, KernelEntry>(KERNELS.map((entry) => [entry.name, entry]));

/** The table entry of a kernel; undefined for a name that is not one. */
export function kernelEntry(name: string): KernelEntry | undefined {
  return byName.get(name);
}

/** The kernels of `backend` that compute this layer, in order of preference. */
export function kernelsSupporting(info: Conv2dInfo, backend?: KernelBackend): KernelName[] {
  return KERNELS.filter((k) => (backend === undefined || k.backend === backend) && k.supports(info)).map((k) => k.name);
}

/**
 * The first kernel of `backend` that supports and suits the layer; undefined when none of its kernels
 * can run it. With `after`, the first one past that entry of the table (a kernel's fallback).
 */
export function firstKernel<B extends KernelBackend>(
  info: Conv2dInfo,
  backend: B,
  after?: KernelName,
): KernelOf<B> | undefined {
  const from = after === undefined ? 0 : KERNELS.findIndex((k) => k.name === after) + 1;
  const entry = KERNELS.slice(from).find(
    (k: KernelEntry) => k.backend === backend && k.supports(info) && (k.suits?.(info) ?? true),
  );
  return entry?.name as KernelOf<B> | undefined;
}
