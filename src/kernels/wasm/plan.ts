import type { Conv2dInfo } from '../../core/resolve.js';
import { type KernelOf, firstKernel, kernelEntry } from '../table.js';
import type { KernelExports } from './runtime.js';
import { MR, NR } from './tile.js';

/**
 * A plan: where every buffer of one convolution lives in the kernels' memory and how the work splits
 * into independent tasks. It is plain data, so the main thread and the workers run the same tasks
 * from the same plan (`runTask`).
 *
 * Zero padding only: other padding modes are made explicit by the caller first.
 */

export { MR, NR };

/** im2col tiles are sized so one tile (K × pixels) stays in a core's L2 cache with room to spare. */
const TILE_BYTES = 160 * 1024;
const MAX_TILE_PIXELS = 512;

export interface Plan {
  kind: 'gemm' | 'depthwise';
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  groups: number;
  Cg: number;
  Og: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  dH: number;
  dW: number;
  padT: number;
  padL: number;
  padB: number;
  padR: number;
  Ho: number;
  Wo: number;
  /** GEMM depth: Cg·kH·kW. */
  K: number;
  /** Pixels per GEMM task, and that rounded up to whole NR-pixel panels. */
  tile: number;
  ldc: number;
  tilesPerImage: number;
  /** 1×1 stride 1: the input planes are the GEMM's right-hand matrix, read in place. */
  pointwise: boolean;
  /** Depthwise: padded plane row stride and plane size, in floats. */
  Wp: number;
  planeFloats: number;
  /** Byte offsets. */
  input: number;
  weight: number;
  packed: number;
  packedGroupBytes: number;
  bias: number;
  output: number;
  /** Per-thread scratch, one slot per thread: im2col tile / padded plane, and the tail buffer. */
  slots: { scratch: number; tail: number }[];
  tasks: number;
  end: number;
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/**
 * Lays out the buffers for `info` from byte `base`, with `threads` scratch slots, for `kernel` (by
 * default the one the layer's shape suggests; the im2col GEMM runs any layer, so tests can force it).
 */
export function makePlan(
  info: Conv2dInfo,
  threads: number,
  base: number,
  kernel: KernelOf<'wasm'> = firstKernel(info, 'wasm')!,
): Plan {
  const depthwise = kernel === 'wasm-depthwise-simd128';
  const pointwise = kernel === `wasm-gemm-1x1-${MR}x${NR}-simd128`;
  if (!kernelEntry(kernel)?.supports(info)) throw new RangeError(`the ${kernel} kernel cannot run this layer`);
  const N = info.batch,
    C = info.inChannels,
    H = info.inHeight,
    W = info.inWidth,
    O = info.outChannels;
  const Cg = info.inChannelsPerGroup,
    Og = info.outChannelsPerGroup,
    groups = info.groups;
  const kH = info.kernelHeight,
    kW = info.kernelWidth,
    Ho = info.outHeight,
    Wo = info.outWidth;
  const K = info.taps;
  const pixels = Ho * Wo;

  let tile = 0,
    ldc = 0,
    tilesPerImage = 0,
    Wp = 0,
    planeFloats = 0,
    scratchFloats = 0;
  if (depthwise) {
    // Rows padded on both sides, plus 15 cells of slack for the 16-wide vector loop, plus one spare row.
    Wp = info.paddedWidth + 15;
    planeFloats = (info.paddedHeight + 1) * Wp;
    scratchFloats = planeFloats;
  } else {
    const fit = Math.floor(TILE_BYTES / (4 * K) / NR) * NR;
    tile = Math.min(Math.max(NR, fit), MAX_TILE_PIXELS, Math.ceil(pixels / NR) * NR);
    ldc = Math.ceil(tile / NR) * NR;
    tilesPerImage = Math.ceil(pixels / tile);
    scratchFloats = pointwise ? 0 : K * ldc;
  }

  let at = align(base);
  const take = (bytes: number) => {
    const start = at;
    at = align(at + bytes);
    return start;
  };
  const slots = Array.from({ length: threads }, () => ({ scratch: take(4 * scratchFloats), tail: take(4 * 64) }));
  // The 1×1 GEMM reads input rows up to NR − 1 floats past their end: keep that inside the buffer.
  const input = take(4 * (N * C * H * W + NR));
  const weight = take(4 * O * K);
  const packedGroupBytes = 4 * Math.ceil(Og / MR) * MR * K;
  const packed = depthwise ? 0 : take(packedGroupBytes * groups);
  const bias = info.hasBias ? take(4 * O) : 0;
  const output = take(4 * N * O * pixels);
  return {
    kind: depthwise ? 'depthwise' : 'gemm',
    N,
    C,
    H,
    W,
    O,
    groups,
    Cg,
    Og,
    kH,
    kW,
    sH: info.strideHeight,
    sW: info.strideWidth,
    dH: info.dilationHeight,
    dW: info.dilationWidth,
    padT: info.padTop,
    padL: info.padLeft,
    padB: info.padBottom,
    padR: info.padRight,
    Ho,
    Wo,
    K,
    tile,
    ldc,
    tilesPerImage,
    pointwise,
    Wp,
    planeFloats,
    input,
    weight,
    packed,
    packedGroupBytes,
    bias,
    output,
    slots,
    tasks: depthwise ? N * C : N * groups * tilesPerImage,
    end: at,
  };
}

/** Packs each group's weights into MR-row panels (once per call, before the tasks run). */
export function packWeights(kernels: KernelExports, plan: Plan): void {
  if (plan.kind !== 'gemm') return;
  for (let g = 0; g < plan.groups; g++) {
    kernels.packWeights(
      plan.weight + 4 * g * plan.Og * plan.K,
      plan.Og,
      plan.K,
      plan.packed + g * plan.packedGroupBytes,
    );
  }
}

/**
 * Runs task `task` of the plan with scratch slot `slot`. GEMM tasks are (image n, group g, tile of
 * output pixels); depthwise tasks are (image n, channel c).
 */
export function runTask(
  kernels: KernelExports,
  plan: Plan,
  task: number,
  slot: number,
  biasValues: Float32Array | null,
): void {
  const { scratch, tail } = plan.slots[slot]!;
  const pixels = plan.Ho * plan.Wo;
  if (plan.kind === 'depthwise') {
    const n = Math.floor(task / plan.C),
      c = task % plan.C;
    kernels.padZeros(
      plan.input + 4 * (n * plan.C + c) * plan.H * plan.W,
      1,
      plan.H,
      plan.W,
      plan.padT,
      plan.padL,
      plan.Wp,
      plan.planeFloats,
      scratch,
    );
    for (let j = 0; j < plan.Og; j++) {
      const o = c * plan.Og + j;
      kernels.depthwisePlane(
        scratch,
        plan.Wp,
        plan.weight + 4 * o * plan.kH * plan.kW,
        plan.kH,
        plan.kW,
        plan.sH,
        plan.sW,
        plan.dH,
        plan.dW,
        biasValues ? biasValues[o]! : 0,
        plan.Ho,
        plan.Wo,
        plan.output + 4 * (n * plan.O + o) * pixels,
        tail,
      );
    }
    return;
  }
  const perImage = plan.groups * plan.tilesPerImage;
  const n = Math.floor(task / perImage);
  const g = Math.floor((task % perImage) / plan.tilesPerImage);
  const p0 = (task % plan.tilesPerImage) * plan.tile;
  const pn = Math.min(plan.tile, pixels - p0);
  const input = plan.input + 4 * (n * plan.C + g * plan.Cg) * plan.H * plan.W;
  const packed = plan.packed + g * plan.packedGroupBytes;
  const output = plan.output + 4 * ((n * plan.O + g * plan.Og) * pixels + p0);
  const bias = plan.bias ? plan.bias + 4 * g * plan.Og : 0;
  if (plan.pointwise) {
    // 1×1: the input planes are the right-hand matrix as they stand (measured faster than packing them).
    kernels.gemm(packed, input + 4 * p0, 4 * NR, 4 * plan.H * plan.W, output, pixels, plan.Og, pn, plan.K, bias, tail);
    return;
  }
  kernels.im2col(
    input,
    plan.Cg,
    plan.H,
    plan.W,
    plan.kH,
    plan.kW,
    plan.sH,
    plan.sW,
    plan.dH,
    plan.dW,
    plan.padT,
    plan.padL,
    plan.Wo,
    p0,
    pn,
    scratch,
  );
  kernels.gemm(packed, scratch, 4 * plan.K * NR, 4 * NR, output, pixels, plan.Og, pn, plan.K, bias, tail);
}

/** Byte offset of the shared task counter (in the heap's reserved first page). */
export const TASK_COUNTER = 0;

/**
 * Runs tasks of the plan until none are left, taking the next task index from the shared counter:
 * threads that run faster take more tasks (the two cores of a VM need not be equally fast).
 * Returns how many tasks this thread ran.
 */
export function runTasksFromCounter(
  kernels: KernelExports,
  plan: Plan,
  memory: WebAssembly.Memory,
  slot: number,
  bias: Float32Array | null,
): number {
  const counter = new Int32Array(memory.buffer, TASK_COUNTER, 1);
  let ran = 0;
  for (let task = Atomics.add(counter, 0, 1); task < plan.tasks; task = Atomics.add(counter, 0, 1)) {
    runTask(kernels, plan, task, slot, bias);
    ran++;
  }
  return ran;
}
