import { type ExecutionOptions, resolveExecution, resolveOut } from '../core/execution.js';
import { inOneDimension, inputAs2d, optionsAs2d, shapeAs1d, weightAs2d } from '../core/one-d.js';
import type { PaddingMode } from '../core/resolve.js';
import { resolveConv2dShapes } from '../core/call.js';
import { type Tensor, checkAllocatable, checkTensor, elementCount } from '../core/tensor.js';
import { checkIntegerAtLeast, checkOptionKeys } from '../core/validate.js';
import { conv2d, conv2dAsync, convolveInto, convolveIntoAsync } from './conv2d.js';
import { convTranspose2d, convTranspose2dAsync } from './conv-transpose2d.js';
import { resolveConv2d } from '../core/resolve.js';

/**
 * The 1-D convolutions, PyTorch's `F.conv1d` and `F.conv_transpose1d`, on the 2-D engine: a
 * (N, C, L) signal is a (N, C, 1, L) image (core/one-d.ts). The data is not copied, only the shapes
 * change.
 */

/** The options of `conv1d`, as PyTorch's `F.conv1d` takes them: one int per argument. */
export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
  paddingMode?: PaddingMode;
}
export type Conv1dCallOptions = Conv1dOptions & ExecutionOptions;

/** The options of `convTranspose1d`, as PyTorch's `F.conv_transpose1d` takes them. */
export interface ConvTranspose1dOptions {
  stride?: number;
  padding?: number;
  outputPadding?: number;
  dilation?: number;
  groups?: number;
}
export type ConvTranspose1dCallOptions = ConvTranspose1dOptions & ExecutionOptions;

const as2d = (t: Tensor, shape: number[]): Tensor => ({ data: t.data, shape });
const as1d = (t: Tensor): Tensor => ({ data: t.data, shape: shapeAs1d(t.shape) });

/** The 1-D call's tensors and options as the 2-D call's. */
function lift(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: unknown,
  operation: 'conv1d' | 'conv_transpose1d',
) {
  checkTensor(input, 'input');
  checkTensor(weight, 'weight');
  const x = as2d(input, inputAs2d(input.shape, operation));
  const w = as2d(weight, weightAs2d(weight.shape, operation));
  const mapped = optionsAs2d(options);
  const out = mapped?.out as Tensor | undefined;
  if (out && typeof out === 'object' && Array.isArray(out.shape) && out.shape.length >= 2) {
    mapped.out = as2d(out, [...out.shape.slice(0, -1), 1, out.shape[out.shape.length - 1]!]);
  }
  return { x, w, bias, options: mapped, shapes: [input.shape, weight.shape, ...(out ? [out.shape] : [])] };
}

/**
 * 1-D convolution with PyTorch's `torch.nn.functional.conv1d` semantics, on the calling thread.
 *
 * @param input  (N, C, L), or unbatched (C, L)
 * @param weight (O, C/groups, k)
 * @param bias   (O), or null/undefined
 * @param options stride, padding (int, 'same' or 'valid'), dilation, groups, paddingMode; backend, out
 * @returns (N, O, L_out) with L_out = floor((L + 2·padding − dilation·(k − 1) − 1) / stride) + 1
 *
 * @example
 * const y = conv1d(tensor(new Float32Array(2 * 16), [1, 2, 16]), tensor(new Float32Array(4 * 2 * 3), [4, 2, 3]), null, { padding: 1 });
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: Conv1dCallOptions): Tensor {
  const call = lift(input, weight, bias, options, 'conv1d');
  return as1d(inOneDimension(call.shapes, () => conv2d(call.x, call.w, bias, call.options)));
}

/** {@link conv1d} on worker threads or the GPU. */
export async function conv1dAsync(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: Conv1dCallOptions,
): Promise<Tensor> {
  const call = lift(input, weight, bias, options, 'conv1d');
  return as1d(await inOneDimension(call.shapes, () => conv2dAsync(call.x, call.w, bias, call.options)));
}

/**
 * 1-D transposed convolution with PyTorch's `torch.nn.functional.conv_transpose1d` semantics.
 *
 * @param input  (N, C_in, L), or unbatched (C_in, L)
 * @param weight (C_in, C_out/groups, k)
 * @returns (N, C_out, L_out) with L_out = (L − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1
 */
export function convTranspose1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: ConvTranspose1dCallOptions,
): Tensor {
  const call = lift(input, weight, bias, options, 'conv_transpose1d');
  return as1d(inOneDimension(call.shapes, () => convTranspose2d(call.x, call.w, bias, call.options)));
}

/** {@link convTranspose1d} on worker threads or the GPU. */
export async function convTranspose1dAsync(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: ConvTranspose1dCallOptions,
): Promise<Tensor> {
  const call = lift(input, weight, bias, options, 'conv_transpose1d');
  return as1d(await inOneDimension(call.shapes, () => convTranspose2dAsync(call.x, call.w, bias, call.options)));
}

/** The options of {@link causalConv1d}: no padding (it is set), no stride. */
export interface CausalConv1dOptions extends ExecutionOptions {
  dilation?: number;
  groups?: number;
}

/** The left padding that makes a 1-D convolution causal: dilation·(kernel − 1). */
export function causalPadding(kernelSize: number, dilation = 1): number {
  return (
    checkIntegerAtLeast('dilation', dilation, 1, 'dilation should be greater than zero') *
    (checkIntegerAtLeast('kernelSize', kernelSize, 1, 'kernel size should be greater than zero') - 1)
  );
}

/** The causal call resolved: the 2-D convolution padded dilation·(k − 1) on the left only. */
function causalCall(input: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: unknown) {
  const raw = checkOptionKeys(options, ['dilation', 'groups', 'backend', 'threads', 'out']);
  const call = lift(input, weight, bias, { dilation: raw.dilation, groups: raw.groups }, 'conv1d');
  const info = inOneDimension(call.shapes, () => {
    const checked = resolveConv2dShapes(call.x.shape, call.w.shape, bias ? bias.shape : null, call.options);
    const left = causalPadding(checked.kernelWidth, checked.dilationWidth);
    return resolveConv2d(
      { ...checked, kernelArgument: 'weight' },
      {
        stride: [1, 1],
        dilation: [1, checked.dilationWidth],
        padding: { kind: 'explicit', height: 0, width: 0 },
        groups: checked.groups,
        paddingMode: 'zeros',
      },
      [0, 0, left, 0],
    );
  });
  const execution = resolveExecution(raw);
  const out = inOneDimension(call.shapes, () =>
    resolveOut(
      {
        out:
          raw.out === undefined
            ? undefined
            : as2d(raw.out as Tensor, inputAs2d((raw.out as Tensor).shape, 'conv1d', 'out')),
      },
      info.outputShape,
      bias ? [input.data, weight.data, bias.data] : [input.data, weight.data],
    ),
  );
  if (!out) checkAllocatable('output', info.outputShape);
  const output = out ? out.data : new Float32Array(elementCount(info.outputShape));
  return { info, ...execution, output, shape: shapeAs1d(info.outputShape), x: call.x, w: call.w };
}

/**
 * A causal 1-D convolution, as WaveNet and TCN layers use: output t sees inputs t, t − d, …,
 * t − d·(k − 1) only, never the future. It is conv1d on the input padded by dilation·(k − 1) zeros on
 * the left and none on the right, so the output is as long as the input — what
 * `F.conv1d(F.pad(x, (d·(k−1), 0)), w, b, dilation=d)` computes, and what a symmetric padding
 * (`padding: d·(k−1)` then cropping) gets wrong by hand.
 *
 * @param input  (N, C, L) or (C, L)
 * @param weight (O, C/groups, k)
 * @returns (N, O, L)
 */
export function causalConv1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: CausalConv1dOptions,
): Tensor {
  const call = causalCall(input, weight, bias, options);
  convolveInto(call.info, call.backends, call.x.data, call.w.data, bias ? bias.data : null, call.output);
  return { data: call.output, shape: call.shape };
}

/** {@link causalConv1d} on worker threads or the GPU. */
export async function causalConv1dAsync(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: CausalConv1dOptions,
): Promise<Tensor> {
  const call = causalCall(input, weight, bias, options);
  await convolveIntoAsync(
    call.info,
    call.backends,
    call.threads,
    call.x.data,
    call.w.data,
    bias ? bias.data : null,
    call.output,
  );
  return { data: call.output, shape: call.shape };
}
