import { type Conv2dInfo, macsOf } from '../core/resolve.js';

/**
 * Choosing the kernel for a layer, in one place. Every choice is a name the tests and benchmarks can
 * force and report.
 */

export type KernelName =
  | 'reference'
  | 'small'
  | 'gemm-1x1'
  | 'im2col-gemm'
  | 'depthwise'
  | 'webgpu-direct'
  | 'webgpu-depthwise'
  | 'webgpu-gemm';

export interface KernelCapabilities {
  /** WebAssembly SIMD128 with shared memory is available. */
  wasm: boolean;
}

/**
 * Below this many multiply-accumulates the fixed cost of a WebAssembly call (copying in and out,
 * planning) outweighs its speed: the plain loop finishes first. The article's 3→2 7×7 figure has 486.
 */
export const SMALL_LAYER_MACS = 16_384;

/**
 * Below this many multiply-accumulates a second thread does not pay for itself: handing the job to a
 * worker (a message each way, ~50–100 µs here) costs about what half the work saves. On the layer
 * suite L10 (3.6M MACs) gains ~10% from a second thread and L5 (depthwise, 4.2M) nothing; the 2M
 * bound is an estimate from those, not a measured crossover.
 */
export const THREADED_LAYER_MACS = 2_000_000;

/** Depthwise: one input channel per group (with any channel multiplier O/C). */
export function isDepthwise(info: Conv2dInfo): boolean {
  return info.inChannelsPerGroup === 1 && info.groups === info.inChannels && info.groups > 1;
}

/** A 1×1 convolution with stride 1 reads each input plane as a matrix row: no im2col needed. */
export function isPointwise(info: Conv2dInfo): boolean {
  return (
    info.kernelHeight === 1 &&
    info.kernelWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padTop + info.padBottom + info.padLeft + info.padRight === 0
  );
}

/**
 * Picks the kernel: the small-layer path for tiny layers, a dedicated depthwise kernel, a plain GEMM
 * for 1×1, and im2col + GEMM for everything else; the reference loop where WebAssembly is missing.
 * `backend` forces a path: `'reference'` always the reference loop, `'wasm'` always a WebAssembly
 * kernel, even for small layers (which is how the tests run every kernel on every fixture).
 */
export function selectKernel(
  info: Conv2dInfo,
  capabilities: KernelCapabilities,
  backend: 'auto' | 'reference' | 'wasm' | 'webgpu' = 'auto',
): KernelName {
  if (backend === 'webgpu') throw new Error('convlab: the GPU kernels are chosen by webgpu/plan.ts');
  if (backend === 'reference' || !capabilities.wasm) return 'reference';
  if (backend === 'auto' && macsOf(info) < SMALL_LAYER_MACS) return 'small';
  if (isDepthwise(info)) return 'depthwise';
  if (isPointwise(info)) return 'gemm-1x1';
  return 'im2col-gemm';
}
