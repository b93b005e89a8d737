import { Conv2dError, formatValue } from '../errors/index.js';
import { checkAllocatable, checkShape } from './tensor.js';
import { MAX_INT_ARGUMENT, checkIntPair, checkIntegerAtLeast, checkOptionKeys } from './validate.js';

/**
 * Settling the arguments, once. User options (int | pair | 'same' | 'valid', padding mode, groups)
 * become one flat record, {@link Conv2dInfo}, that every kernel, the description and the visualizer
 * read. Nothing downstream looks at the raw options again.
 */

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
export const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** An int applies to both spatial axes; a pair is `[height, width]`. */
export type IntPair = number | readonly [number, number];

/** The options of `conv2d`, as PyTorch's `F.conv2d` / `nn.Conv2d` take them. */
export interface Conv2dOptions {
  /** Step of the kernel over the input; default 1. */
  stride?: IntPair;
  /** Zeros (or copied cells, see `paddingMode`) added on each side; `'same'` keeps the size, `'valid'` is 0. Default 0. */
  padding?: IntPair | 'same' | 'valid';
  /** Spacing between kernel taps; default 1. */
  dilation?: IntPair;
  /** Channel groups: input and output channels are split into `groups` independent convolutions; default 1. */
  groups?: number;
  /** What the padding ring holds: `'zeros'` (default), or cells copied from the input. */
  paddingMode?: PaddingMode;
}

export const CONV2D_OPTION_KEYS = ['stride', 'padding', 'dilation', 'groups', 'paddingMode'] as const;

/** The options, checked and in pairs; what does not depend on the input size. */
export interface LayerSettings {
  stride: [number, number];
  dilation: [number, number];
  /** `'same'` and `'valid'` are kept by name so the description can say what was asked. */
  padding: { kind: 'explicit'; height: number; width: number } | { kind: 'same' } | { kind: 'valid' };
  groups: number;
  paddingMode: PaddingMode;
}

/** Checks and settles the options that do not depend on shapes (PyTorch's `_ConvNd.__init__` checks). */
export function resolveSettings(
  options: Conv2dOptions | Record<string, unknown> | undefined,
  allowedKeys: readonly string[] = CONV2D_OPTION_KEYS,
): LayerSettings {
  const raw = checkOptionKeys(options, allowedKeys);
  const groups =
    raw.groups === undefined
      ? 1
      : checkIntegerAtLeast(
          'groups',
          raw.groups,
          1,
          'groups must be a positive integer (non-positive groups is not supported)',
        );
  const stride = checkIntPair('stride', raw.stride ?? 1, 1, 'non-positive stride is not supported');
  const dilation = checkIntPair('dilation', raw.dilation ?? 1, 1, 'dilation should be greater than zero');

  let padding: LayerSettings['padding'];
  const rawPadding = raw.padding ?? 0;
  if (typeof rawPadding === 'string') {
    if (rawPadding !== 'same' && rawPadding !== 'valid') {
      throw new Conv2dError(
        'padding',
        rawPadding,
        `Invalid padding string ${formatValue(rawPadding)}, should be one of {'valid', 'same'}`,
      );
    }
    if (rawPadding === 'same' && (stride[0] !== 1 || stride[1] !== 1)) {
      throw new Conv2dError(
        'padding',
        rawPadding,
        `padding='same' is not supported for strided convolutions (stride = ${formatValue(stride)})`,
      );
    }
    padding = { kind: rawPadding };
  } else {
    const [height, width] = checkIntPair('padding', rawPadding, 0, 'negative padding is not supported');
    padding = { kind: 'explicit', height, width };
  }

  const paddingMode = raw.paddingMode ?? 'zeros';
  if (typeof paddingMode !== 'string' || !(PADDING_MODES as readonly string[]).includes(paddingMode)) {
    throw new Conv2dError(
      'paddingMode',
      paddingMode,
      `padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode=${formatValue(paddingMode)}`,
    );
  }
  return { stride, dilation, padding, groups, paddingMode: paddingMode as PaddingMode };
}

/** The sizes a convolution is applied to, taken from tensors (`conv2d`) or from a layer (`describeConv2d`). */
export interface Conv2dGeometry {
  /** False for an unbatched (C, H, W) input: the output is then (O, H_out, W_out). */
  batched: boolean;
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  hasBias: boolean;
  /** How errors name the kernel: `'weight'` in `conv2d`, `'kernelSize'` for a layer. */
  kernelArgument: 'weight' | 'kernelSize';
}

/**
 * Everything about one convolution, resolved. Kernels read only this.
 *
 * Output size per axis: `out = floor((in + pad_before + pad_after − dilation·(kernel−1) − 1) / stride) + 1`.
 */
export interface Conv2dInfo extends Omit<Conv2dGeometry, 'kernelArgument'> {
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  /** Padding actually applied on each side (for 'same': total // 2 before, the rest after). */
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  /** What was asked for: explicit numbers, 'same' or 'valid'. */
  paddingKind: 'explicit' | 'same' | 'valid';
  paddingMode: PaddingMode;
  groups: number;
  inChannelsPerGroup: number;
  outChannelsPerGroup: number;
  hasBias: boolean;
  /** Span of the dilated kernel on the input: dilation·(kernel−1) + 1. */
  kernelExtentHeight: number;
  kernelExtentWidth: number;
  /** The input with its padding: in + pad_before + pad_after, per axis. */
  paddedHeight: number;
  paddedWidth: number;
  /** Multiply-accumulates per output value, C/groups · kH · kW: the GEMM's depth K. */
  taps: number;
  outHeight: number;
  outWidth: number;
  /** (N, C, H, W), or (C, H, W) for an unbatched input. */
  inputShape: number[];
  /** (O, C/groups, kH, kW). */
  weightShape: number[];
  /** (N, O, H_out, W_out), or (O, H_out, W_out) for an unbatched input. */
  outputShape: number[];
}

/** Multiply-accumulates of the convolution: N·O·H_out·W_out·(C/groups)·kH·kW (FLOPs are twice this). */
export function macsOf(info: Conv2dInfo): number {
  return info.batch * info.outChannels * info.outHeight * info.outWidth * info.taps;
}

/** Padding for one axis under 'same': the total dilation·(kernel−1), the smaller half before (as PyTorch). */
function samePadding(kernel: number, dilation: number): [number, number] {
  const total = dilation * (kernel - 1);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * Checks an input shape — a tensor's (`conv2d`, argument `'input'`) or one given without data
 * (`describeConv2d`, `'inputShape'`): (C, H, W) or (N, C, H, W), channels and sizes ≥ 1.
 */
export function checkInputShape(
  inputShape: unknown,
  argument: 'input' | 'inputShape' = 'inputShape',
  operation = 'conv2d',
): { batched: boolean; batch: number; channels: number; height: number; width: number } {
  checkShape(inputShape, argument);
  if (inputShape.length !== 3 && inputShape.length !== 4) {
    throw new Conv2dError(
      argument,
      inputShape,
      `Expected 3D (unbatched) or 4D (batched) input to ${operation}, but got input of size: ${formatValue(inputShape)}`,
    );
  }
  const batched = inputShape.length === 4;
  const [batch, channels, height, width] = (batched ? inputShape : [1, ...inputShape]) as [
    number,
    number,
    number,
    number,
  ];
  if (channels < 1 || height < 1 || width < 1) {
    throw new Conv2dError(
      argument,
      inputShape,
      'the channel, height and width dimensions of the input must be at least 1',
    );
  }
  return { batched, batch, channels, height, width };
}

/** nn.Conv2d's rule, checked at construction by the layer and at resolution by everything else. */
export function checkGroupsDivide(inChannels: number, outChannels: number, groups: number): void {
  if (inChannels % groups !== 0) {
    throw new Conv2dError('groups', groups, `in_channels must be divisible by groups (in_channels = ${inChannels})`);
  }
  if (outChannels % groups !== 0) {
    throw new Conv2dError('groups', groups, `out_channels must be divisible by groups (out_channels = ${outChannels})`);
  }
}

/** A layer's own arguments (nn.Conv2d's out_channels, kernel_size, bias), checked once for every caller. */
export function checkLayerArguments(
  outChannels: unknown,
  kernelSize: unknown,
  bias: unknown,
): { outChannels: number; kernelSize: [number, number]; bias: boolean } {
  if (bias !== undefined && typeof bias !== 'boolean')
    throw new Conv2dError('bias', bias, 'bias must be true or false');
  return {
    outChannels: checkIntegerAtLeast('outChannels', outChannels, 1, 'out_channels must be a positive integer'),
    kernelSize: checkIntPair('kernelSize', kernelSize, 1, 'kernel size should be greater than zero'),
    bias: bias !== false,
  };
}

/**
 * The dilated kernel's span per axis, dilation·(kernel − 1) + 1 (the input cells one window covers),
 * refused past MAX_INT_ARGUMENT so every size computed from it stays exact.
 */
export function kernelExtents(
  kernel: readonly [number, number],
  dilation: readonly [number, number],
): [number, number] {
  const height = dilation[0] * (kernel[0] - 1) + 1;
  const width = dilation[1] * (kernel[1] - 1) + 1;
  if (height > MAX_INT_ARGUMENT || width > MAX_INT_ARGUMENT) {
    throw new Conv2dError(
      'dilation',
      dilation,
      `the dilated kernel, dilation·(kernel−1)+1 = (${height} x ${width}), must be at most ${MAX_INT_ARGUMENT}`,
    );
  }
  return [height, width];
}

/** Padding per side, `[top, bottom, left, right]`, for the convolutions convlab builds itself. */
export type PaddingSides = readonly [number, number, number, number];

/**
 * Applies the shape-dependent rules to settled options and computes the output shape. `sides`, when
 * given, replaces the settings' padding with one amount per side — the uneven padding the transposed
 * convolution's phases, the gradients and the causal 1-D convolution need (PyTorch pads so with
 * F.pad); the rules are the same.
 */
export function resolveConv2d(geometry: Conv2dGeometry, settings: LayerSettings, sides?: PaddingSides): Conv2dInfo {
  const { inChannels, outChannels, inHeight, inWidth, kernelHeight, kernelWidth, kernelArgument } = geometry;
  const { groups, stride, dilation, paddingMode } = settings;

  checkGroupsDivide(inChannels, outChannels, groups);

  const [kernelExtentHeight, kernelExtentWidth] = kernelExtents([kernelHeight, kernelWidth], dilation);

  let padTop: number, padBottom: number, padLeft: number, padRight: number;
  if (sides) {
    [padTop, padBottom, padLeft, padRight] = sides;
  } else if (settings.padding.kind === 'same') {
    [padTop, padBottom] = samePadding(kernelHeight, dilation[0]);
    [padLeft, padRight] = samePadding(kernelWidth, dilation[1]);
  } else if (settings.padding.kind === 'valid') {
    padTop = padBottom = padLeft = padRight = 0;
  } else {
    padTop = padBottom = settings.padding.height;
    padLeft = padRight = settings.padding.width;
  }

  // Non-zero padding modes copy cells from the input, which bounds how far they can reach.
  if (paddingMode === 'reflect') {
    // Reflection mirrors about the edge cell without repeating it, so it can reach size−1 cells out.
    if (Math.max(padTop, padBottom) >= inHeight || Math.max(padLeft, padRight) >= inWidth) {
      throw new Conv2dError(
        'padding',
        [Math.max(padTop, padBottom), Math.max(padLeft, padRight)],
        `Padding size should be less than the corresponding input dimension for padding_mode='reflect' (input size ${inHeight} x ${inWidth})`,
      );
    }
  } else if (paddingMode === 'circular') {
    if (Math.max(padTop, padBottom) > inHeight || Math.max(padLeft, padRight) > inWidth) {
      throw new Conv2dError(
        'padding',
        [Math.max(padTop, padBottom), Math.max(padLeft, padRight)],
        `Padding value causes wrapping around more than once: padding_mode='circular' allows at most the input size (${inHeight} x ${inWidth})`,
      );
    }
  }

  const paddedHeight = inHeight + padTop + padBottom;
  const paddedWidth = inWidth + padLeft + padRight;
  if (kernelExtentHeight > paddedHeight || kernelExtentWidth > paddedWidth) {
    throw new Conv2dError(
      kernelArgument,
      [kernelHeight, kernelWidth],
      `Calculated padded input size per channel: (${paddedHeight} x ${paddedWidth}). Kernel size: (${kernelExtentHeight} x ${kernelExtentWidth}). Kernel size can't be greater than actual input size`,
    );
  }

  const outHeight = Math.floor((paddedHeight - kernelExtentHeight) / stride[0]) + 1;
  const outWidth = Math.floor((paddedWidth - kernelExtentWidth) / stride[1]) + 1;
  const outputShape = geometry.batched
    ? [geometry.batch, outChannels, outHeight, outWidth]
    : [outChannels, outHeight, outWidth];

  return {
    batched: geometry.batched,
    batch: geometry.batch,
    inChannels,
    inHeight,
    inWidth,
    outChannels,
    kernelHeight,
    kernelWidth,
    hasBias: geometry.hasBias,
    strideHeight: stride[0],
    strideWidth: stride[1],
    dilationHeight: dilation[0],
    dilationWidth: dilation[1],
    padTop,
    padBottom,
    padLeft,
    padRight,
    paddingKind: settings.padding.kind,
    paddingMode,
    groups,
    inChannelsPerGroup: inChannels / groups,
    outChannelsPerGroup: outChannels / groups,
    kernelExtentHeight,
    kernelExtentWidth,
    paddedHeight,
    paddedWidth,
    taps: (inChannels / groups) * kernelHeight * kernelWidth,
    outHeight,
    outWidth,
    inputShape: geometry.batched ? [geometry.batch, inChannels, inHeight, inWidth] : [inChannels, inHeight, inWidth],
    weightShape: [outChannels, inChannels / groups, kernelHeight, kernelWidth],
    outputShape,
  };
}

/** Refuses, before any allocation, an output larger than MAX_TENSOR_ELEMENTS. */
export function checkOutputAllocatable(info: Conv2dInfo): void {
  checkAllocatable('output', info.outputShape);
}
