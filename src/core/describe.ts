import {
  type Conv2dInfo,
  type Conv2dOptions,
  type IntPair,
  type PaddingMode,
  CONV2D_OPTION_KEYS,
  checkInputShape,
  checkLayerArguments,
  macsOf,
  resolveConv2d,
  resolveSettings,
} from './resolve.js';
import { checkOptionKeys } from './validate.js';

/** A layer as `nn.Conv2d` declares it, minus `in_channels` (taken from the input shape). */
export interface LayerOptions extends Conv2dOptions {
  outChannels: number;
  kernelSize: IntPair;
  /** Whether the layer has a bias; default true, as in `nn.Conv2d`. */
  bias?: boolean;
}

export const LAYER_OPTION_KEYS = ['outChannels', 'kernelSize', ...CONV2D_OPTION_KEYS, 'bias'] as const;

/** What a convolution does to a shape, and what it costs. */
export interface Conv2dDescription {
  /** The input shape as given: (C, H, W) or (N, C, H, W). */
  inputShape: number[];
  /** The output shape, batched like the input. */
  outputShape: number[];
  inChannels: number;
  outChannels: number;
  kernelSize: [number, number];
  stride: [number, number];
  dilation: [number, number];
  groups: number;
  paddingMode: PaddingMode;
  bias: boolean;
  /** The padding actually applied on each side, and what was asked for. */
  padding: { top: number; bottom: number; left: number; right: number; requested: 'same' | 'valid' | [number, number] };
  /** The output-size formula for each axis with the numbers substituted, and in symbols. */
  formula: { height: string; width: string; general: string };
  /** Trainable parameters: weight O·(C/groups)·kH·kW plus bias O. */
  parameterCount: number;
  parameters: { weight: number; bias: number };
  /** Multiply-accumulates of the forward pass: N·O·H_out·W_out·(C/groups)·kH·kW (bias additions not counted). */
  macs: number;
  /** 2 · MACs. */
  flops: number;
  /** The input region one output cell reads: the dilated kernel's span, the channels of its group, and the taps. */
  receptiveField: { height: number; width: number; channels: number; taps: number };
}

export const GENERAL_FORMULA = 'out = floor((in + pad_before + pad_after − dilation·(kernel−1) − 1) / stride) + 1';

/** `H_out = floor((7 + 1 + 1 − 2·(3−1) − 1) / 2) + 1 = 3` */
function axisFormula(
  name: 'H' | 'W',
  size: number,
  before: number,
  after: number,
  dilation: number,
  kernel: number,
  stride: number,
  out: number,
): string {
  return `${name}_out = floor((${size} + ${before} + ${after} − ${dilation}·(${kernel}−1) − 1) / ${stride}) + 1 = ${out}`;
}

/** Describes a resolved convolution: shapes, formula, padding, counts. */
export function describeInfo(info: Conv2dInfo): Conv2dDescription {
  const weightCount = info.outChannels * info.taps;
  const biasCount = info.hasBias ? info.outChannels : 0;
  const taps = info.taps;
  const macs = macsOf(info);
  return {
    inputShape: [...info.inputShape],
    outputShape: [...info.outputShape],
    inChannels: info.inChannels,
    outChannels: info.outChannels,
    kernelSize: [info.kernelHeight, info.kernelWidth],
    stride: [info.strideHeight, info.strideWidth],
    dilation: [info.dilationHeight, info.dilationWidth],
    groups: info.groups,
    paddingMode: info.paddingMode,
    bias: info.hasBias,
    padding: {
      top: info.padTop,
      bottom: info.padBottom,
      left: info.padLeft,
      right: info.padRight,
      requested: info.paddingKind === 'explicit' ? [info.padTop, info.padLeft] : info.paddingKind,
    },
    formula: {
      height: axisFormula(
        'H',
        info.inHeight,
        info.padTop,
        info.padBottom,
        info.dilationHeight,
        info.kernelHeight,
        info.strideHeight,
        info.outHeight,
      ),
      width: axisFormula(
        'W',
        info.inWidth,
        info.padLeft,
        info.padRight,
        info.dilationWidth,
        info.kernelWidth,
        info.strideWidth,
        info.outWidth,
      ),
      general: GENERAL_FORMULA,
    },
    parameterCount: weightCount + biasCount,
    parameters: { weight: weightCount, bias: biasCount },
    macs,
    flops: 2 * macs,
    receptiveField: {
      height: info.kernelExtentHeight,
      width: info.kernelExtentWidth,
      channels: info.inChannelsPerGroup,
      taps,
    },
  };
}

/** A layer's `conv2d` options: its settings without outChannels, kernelSize and bias. */
export function convOptionsOf(layer: LayerOptions): Conv2dOptions {
  const { outChannels: _o, kernelSize: _k, bias: _b, ...options } = layer;
  return options;
}

/**
 * Resolves a layer applied to an input shape, without any data: the same checks and numbers as
 * `conv2d` and `nn.Conv2d` would give.
 */
export function resolveLayer(inputShape: unknown, layer: LayerOptions): Conv2dInfo {
  const raw = checkOptionKeys(layer, LAYER_OPTION_KEYS, 'layerOptions');
  const input = checkInputShape(inputShape);
  const {
    outChannels,
    kernelSize: [kernelHeight, kernelWidth],
    bias,
  } = checkLayerArguments(raw.outChannels, raw.kernelSize, raw.bias);
  const settings = resolveSettings(convOptionsOf(raw as unknown as LayerOptions));
  return resolveConv2d(
    {
      batched: input.batched,
      batch: input.batch,
      inChannels: input.channels,
      inHeight: input.height,
      inWidth: input.width,
      outChannels,
      kernelHeight,
      kernelWidth,
      hasBias: bias,
      kernelArgument: 'kernelSize',
    },
    settings,
  );
}

/**
 * Describes `nn.Conv2d(C, outChannels, kernelSize, ...)` applied to an input of `inputShape`:
 * output shape, the output-size formula with the numbers in it, the padding applied on each side,
 * parameter count, MACs and FLOPs, and the receptive field of one output cell.
 *
 * @example
 * describeConv2d([3, 7, 7], { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 });
 * // outputShape [2, 3, 3], parameterCount 56,
 * // formula.height 'H_out = floor((7 + 1 + 1 − 2·(3−1) − 1) / 2) + 1 = 3'
 */
export function describeConv2d(inputShape: readonly number[], layer: LayerOptions): Conv2dDescription {
  return describeInfo(resolveLayer(inputShape, layer));
}

/** The description as text for a person (the CLI's `shape` and the demo print this). */
export function formatDescription(d: Conv2dDescription): string {
  const pair = ([h, w]: [number, number]) => (h === w ? `${h}` : `(${h}, ${w})`);
  const requested = Array.isArray(d.padding.requested) ? pair(d.padding.requested) : `'${d.padding.requested}'`;
  const shape = (s: number[]) => `(${s.join(', ')})`;
  const n = (v: number) => v.toLocaleString('en-US');
  return [
    `Conv2d(${d.inChannels}, ${d.outChannels}, kernel_size=${pair(d.kernelSize)}, stride=${pair(d.stride)}, padding=${requested}, ` +
      `dilation=${pair(d.dilation)}, groups=${d.groups}, bias=${d.bias ? 'True' : 'False'}, padding_mode='${d.paddingMode}')`,
    `  input shape   ${shape(d.inputShape)}`,
    `  output shape  ${shape(d.outputShape)}`,
    `  ${d.formula.height}`,
    `  ${d.formula.width}`,
    `  padding       top ${d.padding.top}, bottom ${d.padding.bottom}, left ${d.padding.left}, right ${d.padding.right} (${d.paddingMode})`,
    `  parameters    ${n(d.parameterCount)} (weight ${n(d.parameters.weight)}, bias ${n(d.parameters.bias)})`,
    `  MACs          ${n(d.macs)}`,
    `  FLOPs         ${n(d.flops)}`,
    `  receptive field of one output cell: ${d.receptiveField.height} x ${d.receptiveField.width} input cells in ` +
      `${d.receptiveField.channels} channel${d.receptiveField.channels === 1 ? '' : 's'} (${n(d.receptiveField.taps)} taps)`,
  ].join('\n');
}
