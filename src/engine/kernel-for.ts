import { resolveLayer } from '../core/describe.js';
import type { LayerOptions } from '../core/describe.js';
import type { Backend } from '../core/execution.js';
import type { Conv2dInfo } from '../core/resolve.js';
import { kernelWithinMemory } from '../kernels/run.js';
import { selectKernel } from '../kernels/select.js';
import type { KernelName } from '../kernels/table.js';
import { kernelModule } from '../kernels/wasm/runtime.js';

/**
 * The kernel `conv2d` (or, for `'webgpu'`, `conv2dAsync`) runs for a layer on this platform: the
 * kernel table's choice, given whether WebAssembly SIMD is available here.
 *
 * @example
 * kernelFor([64, 56, 56], { outChannels: 64, kernelSize: 3, padding: 1 }); // 'wasm-winograd-f4x4-3x3-simd128'
 * kernelFor([64, 56, 56], { outChannels: 64, kernelSize: 3, padding: 1, stride: 2 }); // 'wasm-im2col-gemm-4x8-simd128'
 */
export function kernelFor(inputShape: readonly number[], layer: LayerOptions, backend: Backend = 'auto'): KernelName {
  return kernelForInfo(resolveLayer(inputShape, layer), backend);
}

/**
 * {@link kernelFor} for a layer already resolved: the table's choice, or the kernel it gives way to
 * where its memory would pass the limit (a WebAssembly call's kernels' memory and output stay within
 * 4 GiB).
 */
export function kernelForInfo(info: Conv2dInfo, backend: Backend = 'auto'): KernelName {
  return kernelWithinMemory(info, selectKernel(info, { wasm: kernelModule().support.available }, backend), backend);
}
