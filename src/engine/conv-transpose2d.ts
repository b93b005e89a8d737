import {
  type Backend,
  type ExecutionOptions,
  EXECUTION_OPTION_KEYS,
  resolveExecution,
  resolveOut,
} from '../core/execution.js';
import { type Conv2dInfo, resolveConv2d } from '../core/resolve.js';
import { type Tensor, checkAllocatable, elementCount } from '../core/tensor.js';
import {
  CONV_TRANSPOSE2D_OPTION_KEYS,
  type ConvTranspose2dInfo,
  type ConvTranspose2dOptions,
  resolveConvTranspose2dCall,
} from '../core/transposed.js';
import { sameBits } from '../core/compare.js';
import { convTranspose2dReference } from '../kernels/reference-transposed.js';
import { convolveInto, convolveIntoAsync } from './conv2d.js';
import { releaseStaged, stagedBuffer, stagedCopy } from './staging.js';
import { columnsInfo, columnsWeight, scatterColumns, useColumns } from './transposed-columns.js';
import { type AxisPhase, type MergedAxis, axisPhases, mergedAxis } from './transposed-phases.js';

/** What `convTranspose2d` computes (PyTorch's arguments) and how it runs (backend, threads, out). */
export type ConvTranspose2dCallOptions = ConvTranspose2dOptions & ExecutionOptions;
export const CONV_TRANSPOSE2D_CALL_KEYS = [...CONV_TRANSPOSE2D_OPTION_KEYS, ...EXECUTION_OPTION_KEYS];

/** One direct convolution of the decomposition, ready to run; `info` null: no tap reaches these cells. */
interface PhaseJob {
  rows: AxisPhase;
  columns: AxisPhase;
  info: Conv2dInfo | null;
  input: Float32Array;
  weight: Float32Array | null;
  /** Where the direct convolution writes: the output itself when one phase covers it all. */
  output: Float32Array;
}

/** The input cells a phase reads, (N, C, rows, columns), copied when it is not the whole input. */
type Window = { first: number; end: number };

function inputWindow(info: ConvTranspose2dInfo, input: Float32Array, rows: Window, columns: Window) {
  const { batch, inChannels: C, inHeight: H, inWidth: W } = info;
  if (rows.first === 0 && rows.end === H && columns.first === 0 && columns.end === W) return input;
  const h = rows.end - rows.first,
    w = columns.end - columns.first;
  const window = new Float32Array(batch * C * h * w);
  for (let plane = 0; plane < batch * C; plane++) {
    for (let y = 0; y < h; y++) {
      const from = (plane * H + rows.first + y) * W + columns.first;
      window.set(input.subarray(from, from + w), (plane * h + y) * w);
    }
  }
  return window;
}

/**
 * The phases' weights of the last call, kept with a copy of the weight they were made from: a layer
 * called again with the same weight — bit for bit, compared in full every call, as the WebAssembly
 * Winograd path keeps its transformed weights — skips the relayout (11 of 17 ms on a DCGAN 512 → 256
 * layer). Only weights up to MAX_KEPT_FLOATS are kept.
 */
const kept = { layout: '', source: new Float32Array(0), weights: [] as (Float32Array | null)[][] };
/** The largest weight whose phases are kept (16 M floats, 64 MB). */
const MAX_KEPT_FLOATS = 2 ** 24;

/**
 * Every phase's direct-convolution weight, (C_out, C_in/groups, taps_h, taps_w), from the transposed
 * weight (C_in, C_out/groups, kH, kW): channel axes swapped within each group, and only the taps that
 * reach the phase, in the order it applies them — or the kept ones, when the weight is the last
 * call's. The arrays are never written once made (a new weight makes new ones), so a call in flight
 * may keep using them.
 */
function phaseWeights(
  info: ConvTranspose2dInfo,
  weight: Float32Array,
  rowPhases: AxisPhase[],
  columnPhases: AxisPhase[],
): (Float32Array | null)[][] {
  const layout = JSON.stringify([info.weightShape, info.groups, rowPhases, columnPhases]);
  if (layout === kept.layout && sameBits(weight, kept.source)) return kept.weights;
  const weights = rowPhases.map((rows) =>
    columnPhases.map((columns) =>
      rows.taps.length && columns.taps.length ? relaid(info, weight, rows, columns) : null,
    ),
  );
  if (weight.length <= MAX_KEPT_FLOATS) Object.assign(kept, { layout, source: weight.slice(), weights });
  return weights;
}

/** Channel blocks the relayout walks in: 16 × 16 (c, o) kernels, so reads and writes both stay near. */
const BLOCK = 16;

/**
 * One phase's weight from a table of the taps' offsets within a kernel. The (c, o) kernels are read
 * and written in 16 × 16 blocks: the source walks c·O_g + o, the target o·C_g + c, and a plain loop
 * over either strides the other by a whole channel row (8 KB on a 512 × 256 layer).
 */
function relaid(info: ConvTranspose2dInfo, weight: Float32Array, rows: AxisPhase, columns: AxisPhase): Float32Array {
  const { groups, inChannelsPerGroup: Cg, outChannelsPerGroup: Og, kernelHeight: kH, kernelWidth: kW } = info;
  const offsets = Int32Array.from(rows.taps.flatMap((ky) => columns.taps.map((kx) => ky * kW + kx)));
  const taps = offsets.length;
  const direct = new Float32Array(groups * Og * Cg * taps);
  for (let g = 0; g < groups; g++)
    for (let o0 = 0; o0 < Og; o0 += BLOCK)
      for (let c0 = 0; c0 < Cg; c0 += BLOCK)
        for (let o = o0; o < Math.min(o0 + BLOCK, Og); o++)
          for (let c = c0; c < Math.min(c0 + BLOCK, Cg); c++) {
            const from = ((g * Cg + c) * Og + o) * kH * kW;
            const to = ((g * Og + o) * Cg + c) * taps;
            for (let t = 0; t < taps; t++) direct[to + t] = weight[from + offsets[t]!]!;
          }
  return direct;
}

/** The output phases of both axes. */
function phasesOf(info: ConvTranspose2dInfo): { rowPhases: AxisPhase[]; columnPhases: AxisPhase[] } {
  return {
    rowPhases: axisPhases(
      info.inHeight,
      info.outHeight,
      info.kernelHeight,
      info.strideHeight,
      info.dilationHeight,
      info.padTop,
    ),
    columnPhases: axisPhases(
      info.inWidth,
      info.outWidth,
      info.kernelWidth,
      info.strideWidth,
      info.dilationWidth,
      info.padLeft,
    ),
  };
}

/**
 * The decomposition's convolutions, made one at a time (each phase's input window lives only while
 * it runs), with the phases' weights from {@link phaseWeights}. A phase's `output` is scattered into
 * the result by {@link placePhase}.
 */
function* phaseJobs(
  info: ConvTranspose2dInfo,
  input: Float32Array,
  output: Float32Array,
  { rowPhases, columnPhases }: ReturnType<typeof phasesOf>,
  weights: (Float32Array | null)[][],
): Generator<PhaseJob> {
  const whole = rowPhases.length === 1 && columnPhases.length === 1;
  for (const [r, rows] of rowPhases.entries()) {
    for (const [c, columns] of columnPhases.entries()) {
      const cells = info.batch * info.outChannels * rows.count * columns.count;
      // A phase's own cells go to a kept buffer (fresh memory faults in page by page), handed back once placed.
      const target = whole ? output : stagedBuffer(cells);
      const reaches =
        rows.taps.length > 0 && columns.taps.length > 0 && rows.end > rows.first && columns.end > columns.first;
      if (!reaches) {
        yield { rows, columns, info: null, input, weight: null, output: target };
        continue;
      }
      const convInfo = directInfo(
        info,
        { ...rows, taps: rows.taps.length },
        { ...columns, taps: columns.taps.length },
        info.outChannels,
        info.hasBias,
      );
      yield {
        rows,
        columns,
        info: convInfo,
        input: inputWindow(info, input, rows, columns),
        weight: weights[r]![c]!,
        output: target,
      };
    }
  }
}

/** Writes a phase's cells into the result (a phase no tap reaches holds the bias); nothing when it was the result. */
function placePhase(info: ConvTranspose2dInfo, job: PhaseJob, bias: Float32Array | null, output: Float32Array) {
  const { rows, columns } = job;
  const { outHeight: Ho, outWidth: Wo, strideHeight: sH, strideWidth: sW, outChannels: O } = info;
  if (job.output === output && job.info) return;
  for (let n = 0; n < info.batch; n++) {
    for (let o = 0; o < O; o++) {
      const value = bias === null ? 0 : bias[o]!;
      for (let t = 0; t < rows.count; t++) {
        const to = ((n * O + o) * Ho + rows.residue + sH * t) * Wo + columns.residue;
        const from = ((n * O + o) * rows.count + t) * columns.count;
        if (job.info) for (let u = 0; u < columns.count; u++) output[to + sW * u] = job.output[from + u]!;
        else for (let u = 0; u < columns.count; u++) output[to + sW * u] = value;
      }
    }
  }
}

const tensorsOf = (input: Tensor, weight: Tensor, bias: Tensor | null | undefined) =>
  bias ? [input.data, weight.data, bias.data] : [input.data, weight.data];

/** The call's arguments settled: what to compute, where to write it, on which backends. */
function settle(input: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: unknown) {
  const info = resolveConvTranspose2dCall(input, weight, bias, options, CONV_TRANSPOSE2D_CALL_KEYS);
  const raw = (options ?? {}) as Record<string, unknown>;
  const execution = resolveExecution(raw);
  const out = resolveOut(raw, info.outputShape, tensorsOf(input, weight, bias));
  if (!out) checkAllocatable('output', info.outputShape);
  const output = out ? out.data : new Float32Array(elementCount(info.outputShape));
  return { info, ...execution, out, output };
}

/** The input cells a direct convolution reads on one axis, its taps and their spacing. */
interface Span extends Window {
  padBefore: number;
  padAfter: number;
  taps: number;
  dilation: number;
}

/** The direct, stride-1 convolution over `rows` × `columns` of the input that a phase (or all, merged) runs. */
function directInfo(info: ConvTranspose2dInfo, rows: Span, columns: Span, outChannels: number, hasBias: boolean) {
  return resolveConv2d(
    {
      batched: true,
      batch: info.batch,
      inChannels: info.inChannels,
      inHeight: rows.end - rows.first,
      inWidth: columns.end - columns.first,
      outChannels,
      kernelHeight: rows.taps,
      kernelWidth: columns.taps,
      hasBias,
      kernelArgument: 'weight',
    },
    {
      stride: [1, 1],
      dilation: [rows.dilation, columns.dilation],
      padding: { kind: 'explicit', height: 0, width: 0 },
      groups: info.groups,
      paddingMode: 'zeros',
    },
    [rows.padBefore, rows.padAfter, columns.padBefore, columns.padAfter],
  );
}

/** The merged weights of kept phase weights, made once for them. */
const mergedWeights = new WeakMap<(Float32Array | null)[][], Float32Array>();

/**
 * The phases merged into one convolution, when they can be ({@link mergedAxis} on both axes) and the
 * merged output holds at most an eighth more cells than the phases: its weight stacks the phases'
 * as output channels, [group][phase][C_out/groups], its bias repeats the layer's per phase.
 */
interface Merged {
  rows: MergedAxis;
  columns: MergedAxis;
  info: Conv2dInfo;
  weight: Float32Array;
  bias: Float32Array | null;
}

/** Both axes merged, when the phases can be and the merged output is at most an eighth larger; else null. */
function mergedGeometry(
  info: ConvTranspose2dInfo,
  { rowPhases, columnPhases }: ReturnType<typeof phasesOf>,
): { rows: MergedAxis; columns: MergedAxis } | null {
  const phases = rowPhases.length * columnPhases.length;
  if (phases < 2) return null;
  const rows = mergedAxis(info.inHeight, rowPhases);
  const columns = mergedAxis(info.inWidth, columnPhases);
  if (!rows || !columns || rows.length * columns.length * phases > 1.125 * info.outHeight * info.outWidth) return null;
  return { rows, columns };
}

function mergedPhases(
  info: ConvTranspose2dInfo,
  { rowPhases, columnPhases }: ReturnType<typeof phasesOf>,
  { rows, columns }: { rows: MergedAxis; columns: MergedAxis },
  weights: (Float32Array | null)[][],
  bias: Float32Array | null,
): Merged {
  const phases = rowPhases.length * columnPhases.length;
  const { groups, outChannelsPerGroup: Og, inChannelsPerGroup: Cg } = info;
  const block = Cg * rows.taps * columns.taps;
  let weight = mergedWeights.get(weights);
  if (!weight) {
    weight = new Float32Array(groups * phases * Og * block);
    const flat = weights.flat();
    for (let g = 0; g < groups; g++)
      for (let p = 0; p < phases; p++) {
        const from = g * Og * block;
        weight.set(flat[p]!.subarray(from, from + Og * block), (g * phases + p) * Og * block);
      }
    mergedWeights.set(weights, weight);
  }
  let stacked: Float32Array | null = null;
  if (bias) {
    stacked = new Float32Array(groups * phases * Og);
    for (let g = 0; g < groups; g++)
      for (let p = 0; p < phases; p++) stacked.set(bias.subarray(g * Og, (g + 1) * Og), (g * phases + p) * Og);
  }
  const convInfo = directInfo(info, rows, columns, groups * phases * Og, bias !== null);
  return { rows, columns, info: convInfo, weight, bias: stacked };
}

/** Each phase's cells of the merged convolution's output, into the result. */
function placeMerged(
  info: ConvTranspose2dInfo,
  { rowPhases, columnPhases }: ReturnType<typeof phasesOf>,
  merged: Merged,
  result: Float32Array,
  output: Float32Array,
) {
  const { outHeight: Ho, outWidth: Wo, strideHeight: sH, strideWidth: sW, groups, outChannelsPerGroup: Og } = info;
  const { length: Lh, starts: rowStarts } = merged.rows;
  const { length: Lw, starts: columnStarts } = merged.columns;
  const phases = rowPhases.length * columnPhases.length;
  for (let n = 0; n < info.batch; n++)
    for (let g = 0; g < groups; g++)
      for (const [r, rows] of rowPhases.entries())
        for (const [c, columns] of columnPhases.entries()) {
          const p = r * columnPhases.length + c;
          for (let o = 0; o < Og; o++) {
            const plane = (n * groups * phases + g * phases + p) * Og + o;
            const target = (n * info.outChannels + g * Og + o) * Ho;
            for (let t = 0; t < rows.count; t++) {
              const from = (plane * Lh + rowStarts[r]! + t) * Lw + columnStarts[c]!;
              const to = (target + rows.residue + sH * t) * Wo + columns.residue;
              for (let u = 0; u < columns.count; u++) output[to + sW * u] = result[from + u]!;
            }
          }
        }
}

/**
 * How the engine computes a transposed convolution: its phases merged into one product when they
 * can be; else, for a small input with many channels, one product and a scatter (the columns form);
 * else one direct convolution per phase.
 */
export function transposedForm(info: ConvTranspose2dInfo): 'merged phases' | 'columns' | 'phases' {
  return formOf(info).form;
}

/** The form, with the phases and the merged geometry it was decided from (computed once a call). */
function formOf(info: ConvTranspose2dInfo) {
  const phases = phasesOf(info);
  const geometry = mergedGeometry(info, phases);
  const form = geometry ? 'merged phases' : useColumns(info) ? 'columns' : 'phases';
  return { form: form as ReturnType<typeof transposedForm>, phases, geometry };
}

/** The transposed convolution `info` describes, into `output`, on the calling thread. */
export function transposeInto(
  info: ConvTranspose2dInfo,
  backends: readonly Backend[],
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  output: Float32Array,
): void {
  if (backends.length === 1 && backends[0] === 'reference') {
    convTranspose2dReference(info, input, weight, bias, output);
    return;
  }
  const { form, phases, geometry } = formOf(info);
  if (form === 'columns') {
    const product = columnsInfo(info);
    const columns = stagedBuffer(elementCount(product.outputShape));
    convolveInto(product, backends, input, columnsWeight(info, weight), null, columns);
    scatterColumns(info, columns, bias, output);
    releaseStaged(columns);
    return;
  }
  const weights = phaseWeights(info, weight, phases.rowPhases, phases.columnPhases);
  if (geometry) {
    const merged = mergedPhases(info, phases, geometry, weights, bias);
    const result = stagedBuffer(elementCount(merged.info.outputShape));
    const x = inputWindow(info, input, merged.rows, merged.columns);
    convolveInto(merged.info, backends, x, merged.weight, merged.bias, result);
    placeMerged(info, phases, merged, result, output);
    releaseStaged(result);
    return;
  }
  for (const job of phaseJobs(info, input, output, phases, weights)) {
    if (job.info) convolveInto(job.info, backends, job.input, job.weight!, bias, job.output);
    placePhase(info, job, bias, output);
    if (job.output !== output) releaseStaged(job.output);
  }
}

/** {@link transposeInto} with each phase on the worker pool or the GPU; the operands are read now. */
export async function transposeIntoAsync(
  info: ConvTranspose2dInfo,
  backends: readonly Backend[],
  threads: number,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  output: Float32Array,
): Promise<void> {
  if (backends.length === 1 && backends[0] === 'reference') {
    convTranspose2dReference(info, input, weight, bias, output);
    return;
  }
  const { form, phases, geometry } = formOf(info);
  if (form === 'columns') {
    // The product reads a copy of the input taken now and the kept weight (never written); the
    // scatter after it, a copy of the bias.
    const product = columnsInfo(info);
    const columns = stagedBuffer(elementCount(product.outputShape));
    const x = stagedCopy(input),
      b = bias ? stagedCopy(bias) : null;
    try {
      await convolveIntoAsync(product, backends, threads, x, columnsWeight(info, weight), null, columns, true);
      scatterColumns(info, columns, b, output);
    } finally {
      releaseStaged(columns, x, b);
    }
    return;
  }
  // The phases run one after another across awaits: they read a copy of the input and bias taken
  // now, and phase weights that are never written once made (a new weight makes new arrays).
  const weights = phaseWeights(info, weight, phases.rowPhases, phases.columnPhases);
  if (geometry) {
    const merged = mergedPhases(info, phases, geometry, weights, bias);
    // One convolution, on operands of its own: the input window (or a copy of the input) taken now,
    // the kept merged weight (never written), a fresh bias.
    const result = stagedBuffer(elementCount(merged.info.outputShape));
    const window = inputWindow(info, input, merged.rows, merged.columns);
    const x = window === input ? stagedCopy(input) : window;
    try {
      await convolveIntoAsync(merged.info, backends, threads, x, merged.weight, merged.bias, result, true);
      placeMerged(info, phases, merged, result, output);
    } finally {
      releaseStaged(result, x === window ? null : x);
    }
    return;
  }
  const x = stagedCopy(input),
    b = bias ? stagedCopy(bias) : null;
  try {
    for (const job of phaseJobs(info, x, output, phases, weights)) {
      if (job.info) await convolveIntoAsync(job.info, backends, threads, job.input, job.weight!, b, job.output, true);
      placePhase(info, job, b, output);
      if (job.output !== output) releaseStaged(job.output);
    }
  } finally {
    releaseStaged(x, b);
  }
}

/**
 * 2-D transposed convolution with PyTorch's `torch.nn.functional.conv_transpose2d` semantics, on the
 * calling thread: each input cell stamps the kernel, scaled by its value, onto the output
 * (core/transposed.ts). Computed as one direct convolution per output phase on the engine's kernels
 * (engine/transposed-phases.ts); `backend: 'reference'` runs the scatter loop that defines it.
 *
 * @param input  (N, C_in, H, W), or unbatched (C_in, H, W)
 * @param weight (C_in, C_out/groups, kH, kW)
 * @param bias   (C_out), or null/undefined for none
 * @param options PyTorch's stride, padding, outputPadding, dilation, groups; and backend, out
 * @returns (N, C_out, H_out, W_out) with H_out = (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1
 * @throws Conv2dError naming the argument, the value and the rule, for every configuration PyTorch refuses
 *
 * @example
 * const x = tensor(new Float32Array(4 * 5 * 5).fill(1), [1, 4, 5, 5]);
 * const w = tensor(new Float32Array(4 * 2 * 3 * 3).fill(0.1), [4, 2, 3, 3]);
 * const y = convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }); // y.shape = [1, 2, 10, 10]
 */
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: ConvTranspose2dCallOptions,
): Tensor {
  const { info, backends, out, output } = settle(input, weight, bias, options);
  transposeInto(info, backends, input.data, weight.data, bias ? bias.data : null, output);
  return out ?? { data: output, shape: info.outputShape };
}

/** {@link convTranspose2d} with its convolutions on worker threads (`threads`) or the GPU (`backend: 'webgpu'`). */
export async function convTranspose2dAsync(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: ConvTranspose2dCallOptions,
): Promise<Tensor> {
  const { info, backends, threads, out, output } = settle(input, weight, bias, options);
  await transposeIntoAsync(info, backends, threads, input.data, weight.data, bias ? bias.data : null, output);
  return out ?? { data: output, shape: info.outputShape };
}
