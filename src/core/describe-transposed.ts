import { type IntPair, checkInputShape, checkLayerArguments } from './resolve.js';
import {
  CONV_TRANSPOSE2D_OPTION_KEYS,
  checkTransposedPaddingMode,
  type ConvTranspose2dInfo,
  type ConvTranspose2dOptions,
  resolveConvTranspose2d,
  resolveTransposedSettings,
  transposedMacsOf,
} from './transposed.js';
import { checkGroupsDivide } from './resolve.js';
import { checkOptionKeys } from './validate.js';

/** A layer as `nn.ConvTranspose2d` declares it, minus `in_channels` (taken from the input shape). */
export interface TransposedLayerOptions extends ConvTranspose2dOptions {
  outChannels: number;
  kernelSize: IntPair;
  /** Default true. */
  bias?: boolean;
  /** Only 'zeros', as in PyTorch (any other is refused in its words). */
  paddingMode?: 'zeros';
}

/** What a transposed convolution does to a shape, and what it costs. */
export interface ConvTranspose2dDescription {
  inputShape: number[];
  outputShape: number[];
  inChannels: number;
  outChannels: number;
  kernelSize: [number, number];
  stride: [number, number];
  padding: [number, number];
  outputPadding: [number, number];
  dilation: [number, number];
  groups: number;
  bias: boolean;
  /** The output-size formula per axis with the numbers substituted, and in symbols. */
  formula: { height: string; width: string; general: string };
  /** Weight C_in·(C_out/groups)·kH·kW plus bias C_out. */
  parameterCount: number;
  parameters: { weight: number; bias: number };
  /** N·C_in·H·W·(C_out/groups)·kH·kW: every input cell stamps a kernel on its group's output channels. */
  macs: number;
  flops: number;
}

export const TRANSPOSED_FORMULA = 'out = (in − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1';

/** `H_out = (5 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 10` */
function axisFormula(
  name: 'H' | 'W',
  size: number,
  s: number,
  p: number,
  d: number,
  k: number,
  op: number,
  out: number,
) {
  return `${name}_out = (${size} − 1)·${s} − 2·${p} + ${d}·(${k} − 1) + ${op} + 1 = ${out}`;
}

export function describeTransposedInfo(info: ConvTranspose2dInfo): ConvTranspose2dDescription {
  const weight = info.inChannels * info.outChannelsPerGroup * info.kernelHeight * info.kernelWidth;
  const bias = info.hasBias ? info.outChannels : 0;
  const macs = transposedMacsOf(info);
  return {
    inputShape: [...info.inputShape],
    outputShape: [...info.outputShape],
    inChannels: info.inChannels,
    outChannels: info.outChannels,
    kernelSize: [info.kernelHeight, info.kernelWidth],
    stride: [info.strideHeight, info.strideWidth],
    padding: [info.padTop, info.padLeft],
    outputPadding: [info.outputPaddingHeight, info.outputPaddingWidth],
    dilation: [info.dilationHeight, info.dilationWidth],
    groups: info.groups,
    bias: info.hasBias,
    formula: {
      height: axisFormula(
        'H',
        info.inHeight,
        info.strideHeight,
        info.padTop,
        info.dilationHeight,
        info.kernelHeight,
        info.outputPaddingHeight,
        info.outHeight,
      ),
      width: axisFormula(
        'W',
        info.inWidth,
        info.strideWidth,
        info.padLeft,
        info.dilationWidth,
        info.kernelWidth,
        info.outputPaddingWidth,
        info.outWidth,
      ),
      general: TRANSPOSED_FORMULA,
    },
    parameterCount: weight + bias,
    parameters: { weight, bias },
    macs,
    flops: 2 * macs,
  };
}

const LAYER_KEYS = ['outChannels', 'kernelSize', ...CONV_TRANSPOSE2D_OPTION_KEYS, 'bias', 'paddingMode'] as const;

/**
 * What `nn.ConvTranspose2d(C, …)` does to an input of `inputShape`, without computing it: the output
 * shape by the formula `(H − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1` with
 * the numbers put in, parameters, MACs — with the checks and messages of `convTranspose2d`.
 *
 * @example
 * describeConvTranspose2d([1, 8, 5, 5], { outChannels: 4, kernelSize: 4, stride: 2, padding: 1 }).formula.height;
 * // 'H_out = (5 − 1)·2 − 2·1 + 1·(4 − 1) + 0 + 1 = 10'
 */
export function describeConvTranspose2d(
  inputShape: readonly number[],
  layer: TransposedLayerOptions,
): ConvTranspose2dDescription {
  return describeTransposedInfo(resolveTransposedLayer(inputShape, layer));
}

/** The layer applied to `inputShape`, resolved with the checks and messages of `convTranspose2d`. */
export function resolveTransposedLayer(
  inputShape: readonly number[],
  layer: TransposedLayerOptions,
): ConvTranspose2dInfo {
  const raw = checkOptionKeys(layer, LAYER_KEYS, 'layerOptions');
  const input = checkInputShape(inputShape, 'inputShape', 'conv_transpose2d');
  const { outChannels, kernelSize, bias } = checkLayerArguments(raw.outChannels, raw.kernelSize, raw.bias);
  const { outChannels: _o, kernelSize: _k, bias: _b, paddingMode, ...options } = raw;
  checkTransposedPaddingMode(paddingMode, 'ConvTranspose2d');
  const settings = resolveTransposedSettings(options);
  checkGroupsDivide(input.channels, outChannels, settings.groups);
  return resolveConvTranspose2d(
    {
      batched: input.batched,
      batch: input.batch,
      inChannels: input.channels,
      inHeight: input.height,
      inWidth: input.width,
      outChannels,
      kernelHeight: kernelSize[0],
      kernelWidth: kernelSize[1],
      hasBias: bias,
    },
    settings,
  );
}

/** The description as text, as `convlab shape --transposed` prints it. */
export function formatTransposedDescription(d: ConvTranspose2dDescription): string {
  const pair = ([h, w]: readonly number[]) => `(${h}, ${w})`;
  const shape = (s: number[]) => `(${s.join(', ')})`;
  const n = (v: number) => v.toLocaleString('en-US');
  return [
    `ConvTranspose2d(${d.inChannels}, ${d.outChannels}, kernel_size=${pair(d.kernelSize)}, stride=${pair(d.stride)}, padding=${pair(d.padding)}, output_padding=${pair(d.outputPadding)}, dilation=${pair(d.dilation)}, groups=${d.groups}, bias=${d.bias ? 'True' : 'False'})`,
    `  input shape   ${shape(d.inputShape)}`,
    `  output shape  ${shape(d.outputShape)}`,
    `  ${d.formula.height}`,
    `  ${d.formula.width}`,
    `  parameters    ${n(d.parameterCount)} (weight ${n(d.parameters.weight)}, bias ${n(d.parameters.bias)})`,
    `  MACs          ${n(d.macs)}`,
    `  FLOPs         ${n(d.flops)}`,
  ].join('\n');
}
