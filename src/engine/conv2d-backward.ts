import { EXECUTION_OPTION_KEYS, type ExecutionOptions, resolveExecution } from '../core/execution.js';
import { resolveConv2dShapes } from '../core/call.js';
import { sourceIndex } from '../core/padding.js';
import { CONV2D_OPTION_KEYS, type Conv2dInfo, type Conv2dOptions, resolveConv2d } from '../core/resolve.js';
import { type Tensor, checkTensor, elementCount } from '../core/tensor.js';
import { type ConvTranspose2dInfo, resolveConvTranspose2d } from '../core/transposed.js';
import { checkOptionKeys } from '../core/validate.js';
import { Conv2dError, formatValue } from '../errors/index.js';
import { convolveInto, convolveIntoAsync } from './conv2d.js';
import { transposeInto, transposeIntoAsync } from './conv-transpose2d.js';

/**
 * The backward pass of conv2d: given the gradient of a loss with respect to the output, the
 * gradients with respect to the input, the weight and the bias — what `torch.autograd` computes.
 * Both big ones are convolutions, so they run on the engine's kernels:
 *
 * - gradInput = the transposed convolution of gradOutput with the same weight, stride, padding,
 *   dilation and groups (each output gradient flows back to the input cells its window read, scaled
 *   by the tap that read them), with the output padding that gives back the input's size. For
 *   reflect, replicate and circular padding the gradient reaches the padded input, and each padding
 *   cell's share is added to the input cell it was copied from.
 * - gradWeight[o, c, ky, kx] = Σ_n Σ_(Y,X) gradOutput[n, o, Y, X] · x̃[n, c, Y·s − p + ky·d, X·s − p + kx·d]:
 *   a convolution of the (padded) input with gradOutput as the kernel, images and channels swapped,
 *   stride and dilation swapped (below).
 * - gradBias[o] = Σ_n Σ_(Y,X) gradOutput[n, o, Y, X].
 */

export interface Conv2dBackwardOptions extends Conv2dOptions, Omit<ExecutionOptions, 'out'> {
  /** Whether the layer has a bias (default true): gradBias is null without one. */
  bias?: boolean;
}

export const CONV2D_BACKWARD_OPTION_KEYS = [
  ...CONV2D_OPTION_KEYS,
  ...EXECUTION_OPTION_KEYS.filter((key) => key !== 'out'),
  'bias',
] as const;

export interface Conv2dGradients {
  /** Shaped like the input. */
  gradInput: Tensor;
  /** Shaped like the weight, (O, C/groups, kH, kW). */
  gradWeight: Tensor;
  /** (O), or null when `bias: false`. */
  gradBias: Tensor | null;
}

/** The call settled: the forward convolution, gradOutput checked against its output shape. */
function settle(gradOutput: Tensor, input: Tensor, weight: Tensor, options: unknown) {
  const raw = checkOptionKeys(options, CONV2D_BACKWARD_OPTION_KEYS) as Conv2dBackwardOptions;
  if (raw.bias !== undefined && typeof raw.bias !== 'boolean')
    throw new Conv2dError('bias', raw.bias, 'bias must be true or false');
  checkTensor(gradOutput, 'gradOutput');
  checkTensor(input, 'input');
  checkTensor(weight, 'weight');
  const { stride, padding, dilation, groups, paddingMode } = raw;
  const info = resolveConv2dShapes(input.shape, weight.shape, null, {
    stride,
    padding,
    dilation,
    groups,
    paddingMode,
  });
  const expected = info.outputShape;
  if (gradOutput.shape.length !== expected.length || gradOutput.shape.some((d, i) => d !== expected[i])) {
    throw new Conv2dError(
      'gradOutput',
      gradOutput.shape,
      `gradOutput must have the convolution's output shape ${formatValue(expected)} (the input ${formatValue(input.shape)} through this weight and these options)`,
    );
  }
  return { info, ...resolveExecution(raw as Record<string, unknown>), withBias: raw.bias !== false };
}

/**
 * The transposed convolution that carries gradOutput back to the input — to the padded input when
 * the padding copies cells (they are folded back after).
 */
function inputGradientInfo(info: Conv2dInfo): ConvTranspose2dInfo {
  const copies = info.paddingMode !== 'zeros';
  const [height, width] = copies ? [info.paddedHeight, info.paddedWidth] : [info.inHeight, info.inWidth];
  const sides = copies
    ? ([0, 0, 0, 0] as const)
    : ([info.padTop, info.padBottom, info.padLeft, info.padRight] as const);
  // The output padding that gives back exactly the input's size: the cells past the last window.
  const reached = (size: number, out: number, stride: number, extent: number, before: number, after: number) =>
    size - ((out - 1) * stride + extent - before - after);
  return resolveConvTranspose2d(
    {
      batched: true,
      batch: info.batch,
      inChannels: info.outChannels,
      inHeight: info.outHeight,
      inWidth: info.outWidth,
      outChannels: info.inChannels,
      kernelHeight: info.kernelHeight,
      kernelWidth: info.kernelWidth,
      hasBias: false,
    },
    {
      stride: [info.strideHeight, info.strideWidth],
      dilation: [info.dilationHeight, info.dilationWidth],
      groups: info.groups,
      padding: [0, 0],
      outputPadding: [
        reached(height, info.outHeight, info.strideHeight, info.kernelExtentHeight, sides[0], sides[1]),
        reached(width, info.outWidth, info.strideWidth, info.kernelExtentWidth, sides[2], sides[3]),
      ],
    },
    sides,
  );
}

/** Adds each padding cell's gradient to the input cell it copies (reflect, replicate, circular). */
function foldPadding(info: Conv2dInfo, padded: Float32Array): Float32Array {
  const { inHeight: H, inWidth: W, paddedHeight: Hp, paddedWidth: Wp, padTop, padLeft, paddingMode } = info;
  const folded = new Float32Array(info.batch * info.inChannels * H * W);
  for (let plane = 0; plane < info.batch * info.inChannels; plane++) {
    for (let y = 0; y < Hp; y++) {
      const row = (plane * H + sourceIndex(y - padTop, H, paddingMode)) * W;
      for (let x = 0; x < Wp; x++)
        folded[row + sourceIndex(x - padLeft, W, paddingMode)]! += padded[(plane * Hp + y) * Wp + x]!;
    }
  }
  return folded;
}

/**
 * The weight gradient as one grouped convolution. Images become channels and input channels become
 * images: the input, rearranged to (C/groups, groups·N, H, W), is convolved with gradOutput,
 * rearranged to (O, N, H_out, W_out), as the kernel — group g of it reads the N images of input
 * channels g·C/groups + c — with stride = the layer's dilation and dilation = the layer's stride, the
 * layer's padding. Cell (ky, kx) of the result is gradWeight's tap (ky, kx); the result can hold a few
 * more cells past the kernel, which no tap reads, and they are dropped.
 */
function weightGradientInfo(info: Conv2dInfo): Conv2dInfo {
  return resolveConv2d(
    {
      batched: true,
      batch: info.inChannelsPerGroup,
      inChannels: info.groups * info.batch,
      inHeight: info.inHeight,
      inWidth: info.inWidth,
      outChannels: info.outChannels,
      kernelHeight: info.outHeight,
      kernelWidth: info.outWidth,
      hasBias: false,
      kernelArgument: 'weight',
    },
    {
      stride: [info.dilationHeight, info.dilationWidth],
      dilation: [info.strideHeight, info.strideWidth],
      padding: { kind: 'explicit', height: 0, width: 0 },
      groups: info.groups,
      paddingMode: info.paddingMode,
    },
    [info.padTop, info.padBottom, info.padLeft, info.padRight],
  );
}

/** The input as (C/groups, groups·N, H, W): [c, g·N + n] = input[n, g·C/groups + c]. */
function imagesAsChannels(info: Conv2dInfo, input: Float32Array): Float32Array {
  const { batch: N, groups, inChannelsPerGroup: Cg, inHeight: H, inWidth: W } = info;
  const plane = H * W;
  const out = new Float32Array(input.length);
  for (let c = 0; c < Cg; c++)
    for (let g = 0; g < groups; g++)
      for (let n = 0; n < N; n++) {
        const from = (n * info.inChannels + g * Cg + c) * plane;
        out.set(input.subarray(from, from + plane), ((c * groups + g) * N + n) * plane);
      }
  return out;
}

/** gradOutput as (O, N, H_out, W_out). */
function outputsAsKernels(info: Conv2dInfo, gradOutput: Float32Array): Float32Array {
  const { batch: N, outChannels: O, outHeight, outWidth } = info;
  const plane = outHeight * outWidth;
  const out = new Float32Array(gradOutput.length);
  for (let o = 0; o < O; o++)
    for (let n = 0; n < N; n++)
      out.set(gradOutput.subarray((n * O + o) * plane, (n * O + o + 1) * plane), (o * N + n) * plane);
  return out;
}

/** The weight-gradient convolution's result, (C/groups, O, kH', kW'), as gradWeight (O, C/groups, kH, kW). */
function gradWeightFrom(info: Conv2dInfo, gradInfo: Conv2dInfo, result: Float32Array): Float32Array {
  const { outChannels: O, inChannelsPerGroup: Cg, kernelHeight: kH, kernelWidth: kW } = info;
  const { outHeight: rH, outWidth: rW } = gradInfo;
  const grad = new Float32Array(O * Cg * kH * kW);
  for (let o = 0; o < O; o++)
    for (let c = 0; c < Cg; c++)
      for (let ky = 0; ky < kH; ky++)
        for (let kx = 0; kx < kW; kx++)
          grad[((o * Cg + c) * kH + ky) * kW + kx] = result[((c * O + o) * rH + ky) * rW + kx]!;
  return grad;
}

/** gradBias[o] = Σ over images and cells of gradOutput[n, o]; summed in float64. */
function biasGradient(info: Conv2dInfo, gradOutput: Float32Array): Float32Array {
  const { batch: N, outChannels: O } = info;
  const plane = info.outHeight * info.outWidth;
  const grad = new Float32Array(O);
  for (let o = 0; o < O; o++) {
    let sum = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * O + o) * plane;
      for (let k = 0; k < plane; k++) sum += gradOutput[base + k]!;
    }
    grad[o] = sum;
  }
  return grad;
}

function gradients(
  info: Conv2dInfo,
  input: Tensor,
  weight: Tensor,
  gradInput: Float32Array,
  gradWeight: Float32Array,
  gradBias: Float32Array | null,
): Conv2dGradients {
  return {
    gradInput: { data: gradInput, shape: [...input.shape] },
    gradWeight: { data: gradWeight, shape: [...weight.shape] },
    gradBias: gradBias && { data: gradBias, shape: [info.outChannels] },
  };
}

/**
 * The gradients of conv2d with respect to its input, weight and bias, given the gradient of the loss
 * with respect to its output — equal to `torch.autograd` on `F.conv2d(input, weight, bias, …)` for
 * every configuration conv2d accepts. On the calling thread; see the module comment for the math.
 *
 * @param gradOutput the output's shape: (N, O, H_out, W_out), or (O, H_out, W_out) for an unbatched input
 * @param input      (N, C, H, W) or (C, H, W), as in the forward call
 * @param weight     (O, C/groups, kH, kW)
 * @param options    conv2d's stride, padding, dilation, groups, paddingMode; `bias` (default true); backend
 *
 * @example
 * const { gradInput, gradWeight, gradBias } = conv2dBackward(dy, x, w, { padding: 1 });
 */
export function conv2dBackward(
  gradOutput: Tensor,
  input: Tensor,
  weight: Tensor,
  options?: Conv2dBackwardOptions,
): Conv2dGradients {
  const { info, backends, withBias } = settle(gradOutput, input, weight, options);
  const inputInfo = inputGradientInfo(info);
  const reached = new Float32Array(elementCount(inputInfo.outputShape));
  transposeInto(inputInfo, backends, gradOutput.data, weight.data, null, reached);
  const weightInfo = weightGradientInfo(info);
  const result = new Float32Array(elementCount(weightInfo.outputShape));
  convolveInto(
    weightInfo,
    backends,
    imagesAsChannels(info, input.data),
    outputsAsKernels(info, gradOutput.data),
    null,
    result,
  );
  return gradients(
    info,
    input,
    weight,
    info.paddingMode === 'zeros' ? reached : foldPadding(info, reached),
    gradWeightFrom(info, weightInfo, result),
    withBias ? biasGradient(info, gradOutput.data) : null,
  );
}

/** {@link conv2dBackward} with its convolutions on worker threads (`threads`) or the GPU (`backend: 'webgpu'`). */
export async function conv2dBackwardAsync(
  gradOutput: Tensor,
  input: Tensor,
  weight: Tensor,
  options?: Conv2dBackwardOptions,
): Promise<Conv2dGradients> {
  const { info, backends, threads, withBias } = settle(gradOutput, input, weight, options);
  // Read now: the caller may change its arrays while the promise is pending.
  const dy = gradOutput.data.slice();
  const x = imagesAsChannels(info, input.data);
  const kernels = outputsAsKernels(info, dy);
  const w = weight.data.slice();
  const gradBias = withBias ? biasGradient(info, dy) : null;
  const inputInfo = inputGradientInfo(info);
  const reached = new Float32Array(elementCount(inputInfo.outputShape));
  await transposeIntoAsync(inputInfo, backends, threads, dy, w, null, reached);
  const weightInfo = weightGradientInfo(info);
  const result = new Float32Array(elementCount(weightInfo.outputShape));
  await convolveIntoAsync(weightInfo, backends, threads, x, kernels, null, result, true);
  return gradients(
    info,
    input,
    weight,
    info.paddingMode === 'zeros' ? reached : foldPadding(info, reached),
    gradWeightFrom(info, weightInfo, result),
    gradBias,
  );
}
