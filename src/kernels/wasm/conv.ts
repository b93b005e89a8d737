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

/**
 * Writes the input into the heap at `offset`, padded by the mode's rule when the mode is not zeros.
 * Each padded row is its source row copied whole (a memory copy) with the few edge cells filled one
 * by one: a loop over every cell ran 8 ms on a 3 × 256² picture the first time, before V8 optimised it.
 */
function writeInput(heap: WasmHeap, info: Conv2dInfo, input: Float32Array, offset: number): void {
  const f32 = heap.f32;
  if (info.paddingMode === 'zeros') {
    f32.set(input, offset / 4);
    return;
  }
  const { inHeight: H, inWidth: W, padTop, padLeft, paddingMode, paddedHeight: Hp, paddedWidth: Wp } = info;
  // The edge columns' sources are the same on every row: map them once.
  const padRight = Wp - padLeft - W;
  const left = Int32Array.from({ length: padLeft }, (_, x) => sourceIndex(x - padLeft, W, paddingMode));
  const right = Int32Array.from({ length: padRight }, (_, x) => sourceIndex(W + x, W, paddingMode));
  let at = offset / 4;
  for (let plane = 0; plane < info.batch * info.inChannels; plane++) {
    const base = plane * H * W;
    for (let y = 0; y < Hp; y++, at += Wp) {
      const row = base + sourceIndex(y - padTop, H, paddingMode) * W;
      f32.set(input.subarray(row, row + W), at + padLeft);
      for (let x = 0; x < padLeft; x++) f32[at + x] = input[row + left[x]!]!;
      for (let x = 0; x < padRight; x++) f32[at + padLeft + W + x] = input[row + right[x]!]!;
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
 * Transformed weights kept from the last Winograd call on a heap: the layout they were packed in.
 * Winograd's weights are 4× the layer's (36 values for every 9) and transforming them costs as much
 * as a fifth of the convolution on a deep, small layer (256 → 256 on 14²), so while a layer is called
 * again with the same weights — bit for bit, compared in full every call, as XNNPACK's weights cache
 * compares its packed weights — the transform is skipped. Any other call on the heap forgets them.
 */
const keptWeights = new WeakMap<WasmHeap, string>();

/** What must match for packed Winograd weights to be reused: where they lie and how they are laid out. */
function packedLayout(plan: Plan): string {
  const { weight, packed, O, Cg, Og, groups, winograd } = plan;
  return `${weight} ${packed} ${O} ${Cg} ${Og} ${groups} ${winograd!.blockStride}`;
}

/**
 * Fills the heap for one call laid out by `plan` (from {@link planCall}); returns the plan to run —
 * `plan`, or a copy without its weight-transform prologue when the transformed weights of the last
 * call still hold — or null when the plan's kernel cannot take these values (Winograd, given an
 * operand past WINOGRAD_MAX_MAGNITUDE, an infinity or a NaN): the caller then plans another kernel.
 */
export function prepare(
  heap: WasmHeap,
  plan: Plan,
  info: Conv2dInfo,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
): Plan | null {
  const kept = keptWeights.get(heap);
  keptWeights.delete(heap);
  heap.ensure(plan.end);
  writeInput(heap, info, input, plan.input);
  if (bias) heap.f32.set(bias, plan.bias / 4);
  if (!plan.winograd) {
    heap.f32.set(weight, plan.weight / 4);
    packWeights(heap.kernels, plan);
    return plan;
  }
  const k = heap.kernels;
  const count = plan.O * plan.K;
  heap.f32.set(weight, plan.weightStaging / 4);
  const tame =
    k.withinMagnitude(plan.input, plan.N * plan.C * plan.H * plan.W, WINOGRAD_MAX_MAGNITUDE) &&
    k.withinMagnitude(plan.weightStaging, count, WINOGRAD_MAX_MAGNITUDE);
  if (!tame) return null;
  if (kept === packedLayout(plan) && k.sameBits(plan.weightStaging, plan.weight, count))
    return { ...plan, prologueTasks: 0 };
  heap.f32.copyWithin(plan.weight / 4, plan.weightStaging / 4, plan.weightStaging / 4 + count);
  packWeights(heap.kernels, plan);
  return plan;
}

/**
 * Copies the result out of the heap, once every task has run; a Winograd call's transformed weights
 * are then complete, and kept for the next call.
 */
export function readOutput(heap: WasmHeap, plan: Plan, output: Float32Array): void {
  output.set(heap.f32.subarray(plan.output / 4, plan.output / 4 + output.length));
  if (plan.winograd) keptWeights.set(heap, packedLayout(plan));
}

/** The bias values as the depthwise tasks read them, from the heap. */
export function biasView(heap: WasmHeap, plan: Plan): Float32Array | null {
  return plan.bias ? heap.f32.subarray(plan.bias / 4, plan.bias / 4 + plan.O) : null;
}

/** Runs every task of a prepared `plan` on the calling thread and copies the result out. */
export function runPrepared(heap: WasmHeap, plan: Plan, output: Float32Array): void {
  const biasValues = biasView(heap, plan);
  for (let task = 0; task < plan.tasks; task++) runTask(heap.kernels, plan, task, 0, biasValues);
  readOutput(heap, plan, output);
}
