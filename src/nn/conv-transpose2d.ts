import { pytorchConvTranspose2d } from './pytorch-text.js';
import type { ExecutionOptions } from '../core/execution.js';
import { type IntPair, checkGroupsDivide, checkLayerArguments } from '../core/resolve.js';
import type { Tensor } from '../core/tensor.js';
import {
  CONV_TRANSPOSE2D_OPTION_KEYS,
  type ConvTranspose2dOptions,
  type ConvTranspose2dSettings,
  checkTransposedPaddingMode,
  outputPaddingFor,
  resolveConvTranspose2dShapes,
  resolveTransposedSettings,
} from '../core/transposed.js';
import { checkIntegerAtLeast, checkOptionKeys } from '../core/validate.js';
import { convTranspose2d, convTranspose2dAsync } from '../engine/conv-transpose2d.js';
import { LayerParameters } from './parameters.js';

/** Options of {@link ConvTranspose2d}: `nn.ConvTranspose2d`'s keyword arguments, plus a seed. */
export interface ConvTranspose2dLayerOptions extends ConvTranspose2dOptions {
  /** Default true. */
  bias?: boolean;
  /** Integer in [0, 2^31 − 1]: two layers built with one seed have identical parameters. */
  seed?: number;
  /** Only 'zeros', as in PyTorch (the padding of a transposed convolution crops its output). */
  paddingMode?: 'zeros';
}

/** What `forward` takes besides the input: PyTorch's `output_size`, and how to run. */
export interface TransposedForwardOptions extends ExecutionOptions {
  /**
   * The output size wanted, `[H, W]` (or the whole output shape): one of the `stride` sizes the
   * formula allows with output padding 0 … stride − 1 (PyTorch's `output_size`). It overrides the
   * layer's outputPadding for this call.
   */
  outputSize?: readonly number[];
}

const LAYER_KEYS = [...CONV_TRANSPOSE2D_OPTION_KEYS, 'bias', 'seed', 'paddingMode'] as const;

/**
 * A 2-D transposed convolution layer, like PyTorch's `nn.ConvTranspose2d`: weight (C_in,
 * C_out/groups, kH, kW) and bias (C_out), initialised as PyTorch does (uniform in ±1/√fan_in with
 * fan_in = (C_out/groups)·kH·kW, from the weight's second dimension).
 *
 * @example
 * const up = new ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1, seed: 0 }); // DCGAN's upsampling
 * up.forward(tensor(new Float32Array(8 * 5 * 5), [1, 8, 5, 5])).shape;        // [1, 4, 10, 10]
 */
export class ConvTranspose2d extends LayerParameters {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  readonly #settings: ConvTranspose2dSettings;

  constructor(inChannels: number, outChannels: number, kernelSize: IntPair, options: ConvTranspose2dLayerOptions = {}) {
    const raw = checkOptionKeys(options, LAYER_KEYS);
    checkTransposedPaddingMode(raw.paddingMode, 'ConvTranspose2d');
    const checkedIn = checkIntegerAtLeast('inChannels', inChannels, 1, 'in_channels must be a positive integer');
    const layer = checkLayerArguments(outChannels, kernelSize, raw.bias);
    const { bias: _b, seed: _s, paddingMode: _m, ...transposedOptions } = raw;
    const settings = resolveTransposedSettings(transposedOptions);
    checkGroupsDivide(checkedIn, layer.outChannels, settings.groups);
    super(
      'ConvTranspose2d',
      [checkedIn, layer.outChannels / settings.groups, ...layer.kernelSize],
      raw.bias === false ? null : layer.outChannels,
      raw.seed,
    );
    this.inChannels = checkedIn;
    this.outChannels = layer.outChannels;
    this.kernelSize = layer.kernelSize;
    this.#settings = settings;
    ({ stride: this.stride, padding: this.padding, outputPadding: this.outputPadding } = settings);
    this.dilation = settings.dilation;
    this.groups = settings.groups;
  }

  /** The options this layer passes to `convTranspose2d`. */
  get options(): Required<ConvTranspose2dOptions> & { outputPadding: [number, number] } {
    const { stride, padding, outputPadding, dilation, groups } = this.#settings;
    return { stride, padding, outputPadding, dilation, groups };
  }

  /** The options for one call: `outputSize`, when given, picks the output padding (PyTorch's `_output_padding`). */
  #callOptions(input: Tensor, outputSize: readonly number[] | undefined) {
    if (outputSize === undefined) return this.options;
    const info = resolveConvTranspose2dShapes(input.shape, this.weight.shape, this.bias?.shape ?? null, this.options);
    return { ...this.options, outputPadding: outputPaddingFor(outputSize, info, input.shape.length) };
  }

  /** Applies the layer to (N, C_in, H, W) or (C_in, H, W); `outputSize` as PyTorch's `forward(input, output_size)`. */
  forward(input: Tensor, { outputSize, ...execution }: TransposedForwardOptions = {}): Tensor {
    return convTranspose2d(input, this.weight, this.bias, { ...this.#callOptions(input, outputSize), ...execution });
  }

  /** {@link forward} with {@link convTranspose2dAsync}: worker threads, or the GPU with `{ backend: 'webgpu' }`. */
  forwardAsync(input: Tensor, { outputSize, ...execution }: TransposedForwardOptions = {}): Promise<Tensor> {
    return convTranspose2dAsync(input, this.weight, this.bias, {
      ...this.#callOptions(input, outputSize),
      ...execution,
    });
  }

  /** PyTorch's repr: `ConvTranspose2d(8, 4, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))`. */
  override toString(): string {
    return pytorchConvTranspose2d(
      this.inChannels,
      {
        outChannels: this.outChannels,
        kernelSize: this.kernelSize,
        stride: this.stride,
        padding: this.padding,
        outputPadding: this.outputPadding,
        dilation: this.dilation,
        groups: this.groups,
        bias: this.bias !== null,
      },
      'repr',
    );
  }
}
