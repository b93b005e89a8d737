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

/**
 * The largest |value| Winograd runs on. Its transforms mix the cells of a 6 × 6 patch (and the taps of
 * a kernel) before multiplying, so an infinity or a NaN would spread over a whole 4 × 4 output tile
 * instead of the outputs whose windows hold it, and values near the float32 limit could overflow in
 * the transforms where the definition does not. Below 2⁴⁰ neither can happen: a transformed patch is
 * at most 100× a cell, a transformed weight at most a tap, and 2⁴⁰ · 100 · 2⁴⁰ summed over 2²⁸
 * channels stays under 2¹²⁰, far from float32's 2¹²⁸.
 */
export const WINOGRAD_MAX_MAGNITUDE = 2 ** 40;

/**
 * Fills the heap for one call laid out by `plan` (from {@link planCall}), ready for its tasks. Returns
 * false when the plan's kernel cannot take these values (Winograd, given an operand past
 * WINOGRAD_MAX_MAGNITUDE, an infinity or a NaN): the caller then plans another kernel.
 */
export function prepare(
  heap: WasmHeap,
  plan: Plan,
  info: Conv2dInfo,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
): boolean {
  heap.ensure(plan.end);
  writeInput(heap, info, input, plan.input);
  heap.f32.set(weight, plan.weight / 4);
  if (bias) heap.f32.set(bias, plan.bias / 4);
  if (plan.winograd) {
    const largest = Math.max(
      heap.kernels.maxAbs(plan.input, plan.N * plan.C * plan.H * plan.W),
      heap.kernels.maxAbs(plan.weight, plan.O * plan.K),
    );
    if (!(largest <= WINOGRAD_MAX_MAGNITUDE)) return false;
  }
  packWeights(heap.kernels, plan);
  return true;
}

/** The bias values as the depthwise tasks read them, from the heap. */
export function biasView(heap: WasmHeap, plan: Plan): Float32Array | null {
  return plan.bias ? heap.f32.subarray(plan.bias / 4, plan.bias / 4 + plan.O) : null;
}

/** Copies the result out of the heap. */
export function readOutput(heap: WasmHeap, plan: Plan, output: Float32Array): void {
  output.set(heap.f32.subarray(plan.output / 4, plan.output / 4 + output.length));
}

/** Runs every task of a prepared `plan` on the calling thread and copies the result out. */
export function runPrepared(heap: WasmHeap, plan: Plan, output: Float32Array): void {
  const biasValues = biasView(heap, plan);
  for (let task = 0; task < plan.tasks; task++) runTask(heap.kernels, plan, task, 0, biasValues);
  readOutput(heap, plan, output);
}
