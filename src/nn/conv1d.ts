import type { ExecutionOptions } from '../core/execution.js';
import { checkSingle, inOneDimension, inputAs2d, optionsAs2d, weightAs2d } from '../core/one-d.js';
import { type PaddingMode, checkGroupsDivide, checkLayerArguments, resolveSettings } from '../core/resolve.js';
import { type Tensor, checkTensor } from '../core/tensor.js';
import {
  CONV_TRANSPOSE2D_OPTION_KEYS,
  outputPaddingFor,
  resolveConvTranspose2dShapes,
  resolveTransposedSettings,
} from '../core/transposed.js';
import { checkIntegerAtLeast, checkOptionKeys } from '../core/validate.js';
import {
  type Conv1dOptions,
  type ConvTranspose1dOptions,
  conv1d,
  conv1dAsync,
  convTranspose1d,
  convTranspose1dAsync,
} from '../engine/conv1d.js';
import { CONV2D_OPTION_KEYS } from '../core/resolve.js';
import { checkTransposedPaddingMode } from '../core/transposed.js';
import { LayerParameters } from './parameters.js';

/** The settings both 1-D layers check at construction, through the 2-D rules (one home). */
function checkedLayer(inChannels: unknown, outChannels: unknown, kernelSize: unknown, bias: unknown) {
  const checkedIn = checkIntegerAtLeast('inChannels', inChannels, 1, 'in_channels must be a positive integer');
  const kernel = checkSingle('kernelSize', kernelSize, 1, 'kernel size should be greater than zero');
  const layer = checkLayerArguments(outChannels, kernel, bias);
  return { inChannels: checkedIn, outChannels: layer.outChannels, kernelSize: kernel };
}

/** Options of {@link Conv1d}: `nn.Conv1d`'s keyword arguments, plus a seed. */
export interface Conv1dLayerOptions extends Conv1dOptions {
  bias?: boolean;
  seed?: number;
}

/**
 * A 1-D convolution layer, like PyTorch's `nn.Conv1d`: weight (O, C/groups, k), bias (O), PyTorch's
 * initialisation; computed on the 2-D engine as a height-1 image.
 *
 * @example
 * const layer = new Conv1d(2, 4, 3, { padding: 'same', dilation: 2, seed: 0 });
 * layer.forward(tensor(new Float32Array(2 * 16), [1, 2, 16])).shape; // [1, 4, 16]
 */
export class Conv1d extends LayerParameters {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'same' | 'valid';
  readonly dilation: number;
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(inChannels: number, outChannels: number, kernelSize: number, options: Conv1dLayerOptions = {}) {
    const raw = checkOptionKeys(options, [...CONV2D_OPTION_KEYS, 'bias', 'seed']);
    const layer = checkedLayer(inChannels, outChannels, kernelSize, raw.bias);
    const { bias: _b, seed: _s, ...convOptions } = raw;
    const settings = resolveSettings(optionsAs2d(convOptions));
    checkGroupsDivide(layer.inChannels, layer.outChannels, settings.groups);
    super(
      'Conv1d',
      [layer.outChannels, layer.inChannels / settings.groups, layer.kernelSize],
      raw.bias === false ? null : layer.outChannels,
      raw.seed,
    );
    this.inChannels = layer.inChannels;
    this.outChannels = layer.outChannels;
    this.kernelSize = layer.kernelSize;
    this.stride = settings.stride[1];
    this.dilation = settings.dilation[1];
    this.groups = settings.groups;
    this.paddingMode = settings.paddingMode;
    this.padding = settings.padding.kind === 'explicit' ? settings.padding.width : settings.padding.kind;
  }

  /** The options this layer passes to `conv1d`. */
  get options(): Required<Conv1dOptions> {
    const { stride, padding, dilation, groups, paddingMode } = this;
    return { stride, padding, dilation, groups, paddingMode };
  }

  /** Applies the layer to (N, C, L) or (C, L). */
  forward(input: Tensor): Tensor {
    return conv1d(input, this.weight, this.bias, this.options);
  }

  /** {@link forward} on worker threads or the GPU. */
  forwardAsync(input: Tensor, execution: ExecutionOptions = {}): Promise<Tensor> {
    return conv1dAsync(input, this.weight, this.bias, { ...this.options, ...execution });
  }
}

/** Options of {@link ConvTranspose1d}: `nn.ConvTranspose1d`'s keyword arguments, plus a seed. */
export interface ConvTranspose1dLayerOptions extends ConvTranspose1dOptions {
  bias?: boolean;
  seed?: number;
  paddingMode?: 'zeros';
}

/**
 * A 1-D transposed convolution layer, like PyTorch's `nn.ConvTranspose1d`: weight (C_in,
 * C_out/groups, k), bias (C_out).
 */
export class ConvTranspose1d extends LayerParameters {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly outputPadding: number;
  readonly dilation: number;
  readonly groups: number;

  constructor(inChannels: number, outChannels: number, kernelSize: number, options: ConvTranspose1dLayerOptions = {}) {
    const raw = checkOptionKeys(options, [...CONV_TRANSPOSE2D_OPTION_KEYS, 'bias', 'seed', 'paddingMode']);
    checkTransposedPaddingMode(raw.paddingMode, 'ConvTranspose1d');
    const layer = checkedLayer(inChannels, outChannels, kernelSize, raw.bias);
    const { bias: _b, seed: _s, paddingMode: _m, ...transposedOptions } = raw;
    const settings = resolveTransposedSettings(optionsAs2d(transposedOptions));
    checkGroupsDivide(layer.inChannels, layer.outChannels, settings.groups);
    super(
      'ConvTranspose1d',
      [layer.inChannels, layer.outChannels / settings.groups, layer.kernelSize],
      raw.bias === false ? null : layer.outChannels,
      raw.seed,
    );
    this.inChannels = layer.inChannels;
    this.outChannels = layer.outChannels;
    this.kernelSize = layer.kernelSize;
    this.stride = settings.stride[1];
    this.padding = settings.padding[1];
    this.outputPadding = settings.outputPadding[1];
    this.dilation = settings.dilation[1];
    this.groups = settings.groups;
  }

  /** The options this layer passes to `convTranspose1d`. */
  get options(): Required<ConvTranspose1dOptions> {
    const { stride, padding, outputPadding, dilation, groups } = this;
    return { stride, padding, outputPadding, dilation, groups };
  }

  /** The output padding that gives `outputSize` ([L] or the whole shape), PyTorch's `output_size`. */
  #outputPadding(input: Tensor, outputSize: readonly number[] | undefined): number {
    if (outputSize === undefined) return this.outputPadding;
    checkTensor(input, 'input');
    const shapes = [input.shape, this.weight.shape];
    const info = inOneDimension(shapes, () =>
      resolveConvTranspose2dShapes(
        inputAs2d(input.shape, 'conv_transpose1d'),
        weightAs2d(this.weight.shape, 'conv_transpose1d'),
        this.bias?.shape ?? null,
        optionsAs2d(this.options),
      ),
    );
    return outputPaddingFor(outputSize, info, input.shape.length, 1)[1];
  }

  /** Applies the layer to (N, C_in, L) or (C_in, L); `outputSize` as PyTorch's `forward(input, output_size)`. */
  forward(
    input: Tensor,
    { outputSize, ...execution }: ExecutionOptions & { outputSize?: readonly number[] } = {},
  ): Tensor {
    const outputPadding = this.#outputPadding(input, outputSize);
    return convTranspose1d(input, this.weight, this.bias, { ...this.options, outputPadding, ...execution });
  }

  /** {@link forward} on worker threads or the GPU. */
  forwardAsync(
    input: Tensor,
    { outputSize, ...execution }: ExecutionOptions & { outputSize?: readonly number[] } = {},
  ): Promise<Tensor> {
    const outputPadding = this.#outputPadding(input, outputSize);
    return convTranspose1dAsync(input, this.weight, this.bias, { ...this.options, outputPadding, ...execution });
  }
}
