import { Conv2dError, formatValue } from '../errors/index.js';
import { type IntPair, type PaddingSides, checkInputShape, kernelExtents, resolveSettings } from './resolve.js';
import { type Tensor, checkTensor } from './tensor.js';
import { checkIntPair, checkOptionKeys } from './validate.js';

/**
 * Settling the arguments of a transposed convolution (PyTorch's `F.conv_transpose2d` /
 * `nn.ConvTranspose2d`), once, into {@link ConvTranspose2dInfo}.
 *
 * What it computes: every input cell x[n, c, i, j] stamps the kernel, scaled by its value, onto the
 * output at rows i·stride − padding + ky·dilation and columns j·stride − padding + kx·dilation;
 * overlapping stamps add up. `padding` crops that many cells off each side of the stamped canvas and
 * `outputPadding` adds cells on the bottom and right, so
 *
 *   out = (in − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1.
 *
 * It is the gradient of conv2d with respect to its input: a conv2d with the same stride, padding and
 * dilation maps an input of size `out` back to `in`.
 */

/** The options of `convTranspose2d`, as PyTorch's `F.conv_transpose2d` takes them. */
export interface ConvTranspose2dOptions {
  /** Step between the stamps of neighbouring input cells; default 1. */
  stride?: IntPair;
  /** Cells cropped off each side of the output (dilation·(kernel−1) − padding zeros in the equivalent direct convolution); default 0. */
  padding?: IntPair;
  /** Extra cells on the bottom and right of the output, smaller than the stride or the dilation; default 0. */
  outputPadding?: IntPair;
  /** Spacing between kernel taps; default 1. */
  dilation?: IntPair;
  /** Channel groups; default 1. */
  groups?: number;
}

export const CONV_TRANSPOSE2D_OPTION_KEYS = ['stride', 'padding', 'outputPadding', 'dilation', 'groups'] as const;

/** The options, checked and in pairs. */
export interface ConvTranspose2dSettings {
  stride: [number, number];
  padding: [number, number];
  outputPadding: [number, number];
  dilation: [number, number];
  groups: number;
}

/** PyTorch's rule: each axis's output padding is below its stride or its dilation. */
function checkOutputPadding(outputPadding: [number, number], stride: [number, number], dilation: [number, number]) {
  const fits = (axis: 0 | 1) => outputPadding[axis] < stride[axis] || outputPadding[axis] < dilation[axis];
  if (!fits(0) || !fits(1)) {
    throw new Conv2dError(
      'outputPadding',
      outputPadding,
      `output padding must be smaller than either stride or dilation, but got output_padding_height: ${outputPadding[0]} output_padding_width: ${outputPadding[1]} stride_height: ${stride[0]} stride_width: ${stride[1]} dilation_height: ${dilation[0]} dilation_width: ${dilation[1]}`,
    );
  }
}

/** Checks and settles the options that do not depend on shapes. */
export function resolveTransposedSettings(
  options: ConvTranspose2dOptions | Record<string, unknown> | undefined,
  allowedKeys: readonly string[] = CONV_TRANSPOSE2D_OPTION_KEYS,
): ConvTranspose2dSettings {
  const raw = checkOptionKeys(options, allowedKeys);
  if (typeof raw.padding === 'string') {
    throw new Conv2dError(
      'padding',
      raw.padding,
      "padding must be an integer or a pair [height, width] of integers: a transposed convolution has no 'same' or 'valid' (PyTorch: conv_transpose2d(): argument 'padding' must be tuple of ints, not str)",
    );
  }
  // stride, dilation, groups and padding follow conv2d's rules and words (one home: resolveSettings).
  const { stride, dilation, groups, padding } = resolveSettings({
    stride: raw.stride,
    dilation: raw.dilation,
    groups: raw.groups,
    padding: raw.padding,
  });
  const outputPadding = checkIntPair(
    'outputPadding',
    raw.outputPadding ?? 0,
    0,
    'negative output_padding is not supported',
  );
  checkOutputPadding(outputPadding, stride, dilation);
  const pads = padding as { height: number; width: number };
  return { stride, padding: [pads.height, pads.width], outputPadding, dilation, groups };
}

/** PyTorch's refusal of padding modes other than zeros (the layers, describeConvTranspose2d, the CLI, the pictures). */
export function checkTransposedPaddingMode(mode: unknown, layer: 'ConvTranspose2d' | 'ConvTranspose1d'): void {
  if (mode !== undefined && mode !== 'zeros')
    throw new Conv2dError('paddingMode', mode, `Only "zeros" padding mode is supported for ${layer}`);
}

/** The sizes a transposed convolution applies to (from tensors, or from a layer and an input shape). */
export interface TransposedGeometry {
  batched: boolean;
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  hasBias: boolean;
}

/** Everything about one transposed convolution, resolved. */
export interface ConvTranspose2dInfo extends TransposedGeometry {
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  /**
   * Cells cropped off each side of the stamped canvas: `padding` on every side for the public call;
   * uneven for the gradient of a conv2d padded unevenly ('same' with an even kernel).
   */
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  outputPaddingHeight: number;
  outputPaddingWidth: number;
  groups: number;
  inChannelsPerGroup: number;
  outChannelsPerGroup: number;
  outHeight: number;
  outWidth: number;
  /** (N, C_in, H, W), or (C_in, H, W) unbatched. */
  inputShape: number[];
  /** (C_in, C_out/groups, kH, kW): PyTorch's layout for transposed weights. */
  weightShape: number[];
  /** (N, C_out, H_out, W_out), or (C_out, H_out, W_out). */
  outputShape: number[];
}

/** Multiply-accumulates: every input cell stamps a kernel on C_out/groups channels, N·C_in·H·W·(C_out/groups)·kH·kW. */
export function transposedMacsOf(info: ConvTranspose2dInfo): number {
  return (
    info.batch *
    info.inChannels *
    info.inHeight *
    info.inWidth *
    info.outChannelsPerGroup *
    info.kernelHeight *
    info.kernelWidth
  );
}

/**
 * Applies the shape-dependent rules and computes the output shape. `sides` replaces the settings'
 * padding with one crop per side ([top, bottom, left, right]), for the gradient of conv2d.
 */
export function resolveConvTranspose2d(
  geometry: TransposedGeometry,
  settings: ConvTranspose2dSettings,
  sides?: PaddingSides,
): ConvTranspose2dInfo {
  const { inChannels, outChannels, inHeight, inWidth, kernelHeight, kernelWidth, batched, batch } = geometry;
  const { stride, dilation, groups, outputPadding } = settings;
  const [padTop, padBottom, padLeft, padRight] = sides ?? [
    settings.padding[0],
    settings.padding[0],
    settings.padding[1],
    settings.padding[1],
  ];
  const [extentHeight, extentWidth] = kernelExtents([kernelHeight, kernelWidth], dilation);
  const outHeight = (inHeight - 1) * stride[0] - padTop - padBottom + extentHeight + outputPadding[0];
  const outWidth = (inWidth - 1) * stride[1] - padLeft - padRight + extentWidth + outputPadding[1];
  if (outHeight < 1 || outWidth < 1) {
    throw new Conv2dError(
      'padding',
      [padTop, padLeft],
      `Given input size per channel: (${inHeight} x ${inWidth}). Calculated output size per channel: (${outHeight} x ${outWidth}). Output size is too small`,
    );
  }
  return {
    ...geometry,
    strideHeight: stride[0],
    strideWidth: stride[1],
    dilationHeight: dilation[0],
    dilationWidth: dilation[1],
    padTop,
    padBottom,
    padLeft,
    padRight,
    outputPaddingHeight: outputPadding[0],
    outputPaddingWidth: outputPadding[1],
    groups,
    inChannelsPerGroup: inChannels / groups,
    outChannelsPerGroup: outChannels / groups,
    outHeight,
    outWidth,
    inputShape: batched ? [batch, inChannels, inHeight, inWidth] : [inChannels, inHeight, inWidth],
    weightShape: [inChannels, outChannels / groups, kernelHeight, kernelWidth],
    outputShape: batched ? [batch, outChannels, outHeight, outWidth] : [outChannels, outHeight, outWidth],
  };
}

/**
 * Checks the shapes of a transposed convolution's tensors against each other and the options, in
 * PyTorch's words (`Given transposed=1, weight of size …`), and resolves them.
 */
export function resolveConvTranspose2dShapes(
  inputShape: readonly number[],
  weightShape: readonly number[],
  biasShape: readonly number[] | null,
  options: unknown,
  allowedKeys: readonly string[] = CONV_TRANSPOSE2D_OPTION_KEYS,
): ConvTranspose2dInfo {
  const settings = resolveTransposedSettings(options as ConvTranspose2dOptions | undefined, allowedKeys);
  const { batched, batch, channels, height, width } = checkInputShape(inputShape, 'input', 'conv_transpose2d');
  if (weightShape.length !== 4) {
    throw new Conv2dError(
      'weight',
      weightShape,
      `weight must be 4-dimensional (in_channels, out_channels/groups, kernel_height, kernel_width), but got size ${formatValue(weightShape)}`,
    );
  }
  const [weightIn, outPerGroup, kernelHeight, kernelWidth] = weightShape as [number, number, number, number];
  if (kernelHeight < 1 || kernelWidth < 1) {
    throw new Conv2dError(
      'weight',
      weightShape,
      `kernel size should be greater than zero, but got kernel_height: ${kernelHeight} kernel_width: ${kernelWidth}`,
    );
  }
  if (weightIn < 1 || outPerGroup < 1) {
    throw new Conv2dError(
      'weight',
      weightShape,
      'the in_channels and out_channels/groups dimensions of weight must be at least 1',
    );
  }
  const { groups } = settings;
  if (weightIn % groups !== 0) {
    throw new Conv2dError(
      'weight',
      weightShape,
      `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${formatValue(weightShape)} instead`,
    );
  }
  if (channels !== weightIn) {
    throw new Conv2dError(
      'input',
      inputShape,
      `Given transposed=1, weight of size ${formatValue(weightShape)}, expected input${formatValue(inputShape)} to have ${weightIn} channels, but got ${channels} channels instead`,
    );
  }
  const outChannels = outPerGroup * groups;
  if (biasShape && (biasShape.length !== 1 || biasShape[0] !== outChannels)) {
    throw new Conv2dError(
      'bias',
      biasShape,
      `Given transposed=1, weight of size ${formatValue(weightShape)}, expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size ${formatValue(biasShape)} instead`,
    );
  }
  return resolveConvTranspose2d(
    {
      batched,
      batch,
      inChannels: channels,
      inHeight: height,
      inWidth: width,
      outChannels,
      kernelHeight,
      kernelWidth,
      hasBias: biasShape !== null,
    },
    settings,
  );
}

/** {@link resolveConvTranspose2dShapes} from tensors, checked first. */
export function resolveConvTranspose2dCall(
  input: unknown,
  weight: unknown,
  bias: unknown,
  options: unknown,
  allowedKeys?: readonly string[],
): ConvTranspose2dInfo {
  checkTensor(input, 'input');
  checkTensor(weight, 'weight');
  if (bias !== null && bias !== undefined) checkTensor(bias, 'bias');
  return resolveConvTranspose2dShapes(
    input.shape,
    weight.shape,
    bias ? (bias as Tensor).shape : null,
    options,
    allowedKeys,
  );
}

/**
 * The output sizes `nn.ConvTranspose2d.forward(input, output_size)` accepts for this input: from
 * the formula with output_padding 0 up to stride − 1 more; PyTorch picks the output padding that
 * reaches the size asked for. `spatial` 1 is ConvTranspose1d's rule on the height-1 image (sizes
 * given as [L] or the whole 1-D shape; `inputDimensions` the 1-D input's rank).
 */
export function outputPaddingFor(
  outputSize: unknown,
  info: ConvTranspose2dInfo,
  inputDimensions: number,
  spatial: 1 | 2 = 2,
): [number, number] {
  if (!Array.isArray(outputSize) || outputSize.some((v) => typeof v !== 'number' || !Number.isInteger(v))) {
    throw new Conv2dError('outputSize', outputSize, 'outputSize must be a list of integers');
  }
  // The spatial sizes, or the full output shape (N, C, …) / (C, …), as PyTorch allows.
  if (outputSize.length !== spatial && outputSize.length !== inputDimensions) {
    throw new Conv2dError(
      'outputSize',
      outputSize,
      `ConvTranspose${spatial}D: for ${inputDimensions}D input, output_size must have ${spatial} or ${inputDimensions} elements (got ${outputSize.length})`,
    );
  }
  const wanted = spatial === 2 ? (outputSize.slice(-2) as [number, number]) : [info.outHeight, outputSize.at(-1)!];
  const smallest = [info.outHeight - info.outputPaddingHeight, info.outWidth - info.outputPaddingWidth];
  const largest = [smallest[0]! + info.strideHeight - 1, smallest[1]! + info.strideWidth - 1];
  if (wanted.some((size, axis) => size < smallest[axis]! || size > largest[axis]!)) {
    const list = (sizes: number[]) => `[${sizes.slice(2 - spatial).join(', ')}]`;
    throw new Conv2dError(
      'outputSize',
      outputSize,
      `requested an output size of ${list(wanted)}, but valid sizes range from ${list(smallest)} to ${list(largest)} (for an input of ${list([info.inHeight, info.inWidth])})`,
    );
  }
  return [wanted[0]! - smallest[0]!, wanted[1]! - smallest[1]!];
}
