import type { Conv2dInfo } from '../../core/resolve.js';
import { sourceIndex } from '../../core/padding.js';
import type { KernelOf } from '../table.js';
import { type Plan, makePlan, packWeights, runTask } from './plan.js';
import type { WasmHeap } from './runtime.js';

/**
 * Running a convolution on the WebAssembly kernels: copy the tensors into the kernels' memory (padding
 * explicitly first for reflect/replicate/circular), plan, pack the weights, run the tasks, copy out.
 */

/** Buffers start past the first 64 KiB, which stays free. */
const HEAP_BASE = 65536;

/** For padding modes other than zeros: the same convolution on an explicitly padded input, with no padding. */
export function explicitlyPadded(info: Conv2dInfo): Conv2dInfo {
  if (info.paddingMode === 'zeros') return info;
  return {
    ...info,
    inHeight: info.paddedHeight,
    inWidth: info.paddedWidth,
    inputShape: info.batched
      ? [info.batch, info.inChannels, info.paddedHeight, info.paddedWidth]
      : [info.inChannels, info.paddedHeight, info.paddedWidth],
    padTop: 0,
    padBottom: 0,
    padLeft: 0,
    padRight: 0,
    paddingMode: 'zeros',
  };
}

/** Writes the input into the heap at `offset`, padded by the mode's rule when the mode is not zeros. */
function writeInput(heap: WasmHeap, info: Conv2dInfo, input: Float32Array, offset: number): void {
  const f32 = heap.f32;
  if (info.paddingMode === 'zeros') {
    f32.set(input, offset / 4);
    return;
  }
  const { inHeight: H, inWidth: W, padTop, padLeft, paddingMode, paddedHeight: Hp, paddedWidth: Wp } = info;
  // Column sources are the same on every row: map them once.
  const columns = Int32Array.from({ length: Wp }, (_, x) => sourceIndex(x - padLeft, W, paddingMode));
  let at = offset / 4;
  for (let plane = 0; plane < info.batch * info.inChannels; plane++) {
    const base = plane * H * W;
    for (let y = 0; y < Hp; y++) {
      const row = base + sourceIndex(y - padTop, H, paddingMode) * W;
      for (let x = 0; x < Wp; x++) f32[at++] = input[row + columns[x]!]!;
    }
  }
}

/**
 * The plan of one call of `kernel` on `info` with `threads` threads: where every buffer goes in the
 * kernels' memory (its `end` is the memory the call needs). Made once per call: the dispatcher
 * checks its size, then `prepare` fills the heap by it.
 */
export function planCall(info: Conv2dInfo, threads: number, kernel: KernelOf<'wasm'>): Plan {
  return makePlan(explicitlyPadded(info), threads, HEAP_BASE, kernel);
}

/** Fills the heap for one call laid out by `plan` (from {@link planCall}); returns the plan, ready for its tasks. */
export function prepare(
  heap: WasmHeap,
  plan: Plan,
  info: Conv2dInfo,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
): Plan {
  heap.ensure(plan.end);
  writeInput(heap, info, input, plan.input);
  heap.f32.set(weight, plan.weight / 4);
  if (bias) heap.f32.set(bias, plan.bias / 4);
  packWeights(heap.kernels, plan);
  return plan;
}

/** The bias values as the depthwise tasks read them, from the heap. */
export function biasView(heap: WasmHeap, plan: Plan): Float32Array | null {
  return plan.bias ? heap.f32.subarray(plan.bias / 4, plan.bias / 4 + plan.O) : null;
}

/** Copies the result out of the heap. */
export function readOutput(heap: WasmHeap, plan: Plan, output: Float32Array): void {
  output.set(heap.f32.subarray(plan.output / 4, plan.output / 4 + output.length));
}

/** The whole convolution on the calling thread, by a one-thread `plan`. */
export function conv2dWasm(
  heap: WasmHeap,
  plan: Plan,
  info: Conv2dInfo,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  output: Float32Array,
): void {
  prepare(heap, plan, info, input, weight, bias);
  const biasValues = biasView(heap, plan);
  for (let task = 0; task < plan.tasks; task++) runTask(heap.kernels, plan, task, 0, biasValues);
  readOutput(heap, plan, output);
}
