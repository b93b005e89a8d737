import { type Conv2dInfo, macsOf } from '../core/resolve.js';
import { Conv2dError } from '../errors/index.js';
import { type KernelBackend, type KernelName, firstKernel, indexesFit, kernelEntry } from './table.js';

/**
 * Choosing the kernel for a layer: two thresholds, then the first kernel of the backend in the
 * table (table.ts) that supports and suits the layer. Every choice is a name the tests and
 * benchmarks can force and report.
 */

export interface KernelCapabilities {
  /** WebAssembly SIMD128 with shared memory is available. */
  wasm: boolean;
}

/**
 * Below this many multiply-accumulates the fixed cost of a WebAssembly call (copying in and out,
 * planning) outweighs its speed: the reference loop finishes first. The article's 3→2 7×7 figure has 486.
 */
export const SMALL_LAYER_MACS = 16_384;

/**
 * Below this much work — milliseconds on one thread, estimated from the kernel's measured rate
 * (`macsPerMs` in table.ts) — a second thread does not pay for itself: a worker takes ~0.1–0.4 ms
 * here to wake for a job, and an asynchronous call copies its operands first. Measured with
 * `timeLayer` on one and two threads: L10 (3.6M MACs, 0.24 ms) 0.24 → 0.24–0.26 ms, L5 (depthwise,
 * 4.2M MACs, 0.65 ms) 0.65 → 0.75 ms, L7 (Winograd, 1.1 ms) 1.1 → 0.9 ms, L1 (5.3 ms) 5.3 → 3.1 ms.
 */
export const THREADED_LAYER_MS = 0.8;

/** The kernel's estimated time for the layer on one thread, in milliseconds (0 where no rate is known). */
export function estimatedMs(info: Conv2dInfo, kernel: KernelName): number {
  const rate = kernelEntry(kernel)?.macsPerMs;
  return rate ? macsOf(info) / rate : 0;
}

/** Whether a second thread pays for this layer on this kernel: THREADED_LAYER_MS of estimated work or more. */
export function threadsPay(info: Conv2dInfo, kernel: KernelName): boolean {
  return estimatedMs(info, kernel) >= THREADED_LAYER_MS;
}

/**
 * Picks the kernel. `backend` forces a path: `'reference'` always the reference loop, `'wasm'` always
 * a WebAssembly kernel, even for small layers (which is how the tests run every kernel on every
 * fixture), `'webgpu'` a GPU kernel. `'auto'` runs small layers on the reference loop and the rest on
 * WebAssembly where it is available.
 */
export function selectKernel(
  info: Conv2dInfo,
  capabilities: KernelCapabilities,
  backend: 'auto' | KernelBackend = 'auto',
): KernelName {
  if (backend === 'webgpu') {
    const gpu = firstKernel(info, 'webgpu');
    if (gpu) return gpu;
    throw new Conv2dError(
      'backend',
      'webgpu',
      `the GPU kernels index with 32-bit integers, and the padded input is ${info.paddedHeight} × ${info.paddedWidth}; the reference kernel runs it (backend 'auto' or 'reference')`,
    );
  }
  if (backend === 'reference' || !capabilities.wasm) return 'reference';
  if (backend === 'auto' && macsOf(info) < SMALL_LAYER_MACS) return 'reference';
  const wasm = firstKernel(info, 'wasm');
  if (wasm) return wasm;
  // Padding far larger than the input: only the reference kernel pads on the fly.
  if (backend === 'auto') return 'reference';
  if (!indexesFit(info))
    throw new Conv2dError(
      'backend',
      'wasm',
      `the WebAssembly kernels index with 32-bit integers, and the padded input is ${info.paddedHeight} × ${info.paddedWidth}; the reference kernel runs it (backend 'auto' or 'reference')`,
    );
  throw new Conv2dError(
    'backend',
    'wasm',
    `the WebAssembly kernels would write out a padded input of ${info.paddedHeight} × ${info.paddedWidth} cells a plane for a ${info.inHeight} × ${info.inWidth} input; the reference kernel pads on the fly (backend 'auto' or 'reference')`,
  );
}
