import { conv2d, conv2dAsync } from '../engine/conv2d.js';
import type { ExecutionOptions } from '../core/execution.js';
import { type Conv2dDescription, describeInfo, resolveLayer } from '../core/describe.js';
import { LayerParameters } from './parameters.js';
import { pytorchConv2d } from './pytorch-text.js';
import {
  type Conv2dOptions,
  type IntPair,
  type PaddingMode,
  CONV2D_OPTION_KEYS,
  checkGroupsDivide,
  checkLayerArguments,
  resolveSettings,
} from '../core/resolve.js';
import type { Tensor } from '../core/tensor.js';
import { checkIntegerAtLeast, checkOptionKeys } from '../core/validate.js';
import { Conv2dError } from '../errors/index.js';

/** Options of {@link Conv2d}: `nn.Conv2d`'s keyword arguments, plus a seed for the initial parameters. */
export interface Conv2dLayerOptions extends Conv2dOptions {
  /** Default true. */
  bias?: boolean;
  /** Integer in [0, 2^31 − 1]: two layers built with one seed have identical parameters. */
  seed?: number;
}

const LAYER_KEYS = [...CONV2D_OPTION_KEYS, 'bias', 'seed'] as const;

/**
 * A 2-D convolution layer, like PyTorch's `nn.Conv2d`: it owns its weight (O, C/groups, kH, kW) and
 * bias (O), initialised as `nn.Conv2d` does (uniform in ±1/√fan_in), and checks its configuration
 * when built.
 *
 * @example
 * const layer = new Conv2d(3, 2, 3, { padding: 1, stride: 2, dilation: 2, seed: 0 });
 * layer.parameterCount;                       // 56
 * const y = layer.forward(tensor(new Float32Array(3 * 7 * 7), [3, 7, 7])); // y.shape = [2, 3, 3]
 */
export class Conv2d extends LayerParameters {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly dilation: [number, number];
  /** As given: `[h, w]`, `'same'` or `'valid'`. */
  readonly padding: [number, number] | 'same' | 'valid';
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(inChannels: number, outChannels: number, kernelSize: IntPair, options: Conv2dLayerOptions = {}) {
    const raw = checkOptionKeys(options, LAYER_KEYS);
    const checkedIn = checkIntegerAtLeast('inChannels', inChannels, 1, 'in_channels must be a positive integer');
    const layer = checkLayerArguments(outChannels, kernelSize, raw.bias);
    const { bias: _bias, seed: _seed, ...convOptions } = raw;
    const settings = resolveSettings(convOptions);
    // nn.Conv2d's own check, at construction.
    checkGroupsDivide(checkedIn, layer.outChannels, settings.groups);
    // (O, C/groups, kH, kW): fan_in = (C/groups)·kH·kW, the inputs one output cell sums.
    super(
      'Conv2d',
      [layer.outChannels, checkedIn / settings.groups, ...layer.kernelSize],
      raw.bias === false ? null : layer.outChannels,
      raw.seed,
    );
    this.inChannels = checkedIn;
    this.outChannels = layer.outChannels;
    this.kernelSize = layer.kernelSize;
    this.stride = settings.stride;
    this.dilation = settings.dilation;
    this.groups = settings.groups;
    this.paddingMode = settings.paddingMode;
    const padding = settings.padding;
    this.padding = padding.kind === 'explicit' ? [padding.height, padding.width] : padding.kind;
  }

  /** The options this layer passes to `conv2d`. */
  get options(): {
    stride: [number, number];
    padding: [number, number] | 'same' | 'valid';
    dilation: [number, number];
    groups: number;
    paddingMode: PaddingMode;
  } {
    return {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      paddingMode: this.paddingMode,
    };
  }

  /** Applies the layer to (N, C, H, W) or (C, H, W). */
  forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, this.bias, this.options);
  }

  /** Applies the layer with {@link conv2dAsync}: worker threads, or the GPU with `{ backend: 'webgpu' }`. */
  forwardAsync(input: Tensor, execution: ExecutionOptions = {}): Promise<Tensor> {
    return conv2dAsync(input, this.weight, this.bias, { ...this.options, ...execution });
  }

  /** PyTorch's repr: `Conv2d(3, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2))`. */
  override toString(): string {
    return pytorchConv2d(
      this.inChannels,
      { outChannels: this.outChannels, kernelSize: this.kernelSize, bias: this.bias !== null, ...this.options },
      'repr',
    );
  }

  /** {@link describeConv2d} for this layer applied to an input of `inputShape`. */
  describe(inputShape: readonly number[]): Conv2dDescription {
    const info = resolveLayer(inputShape, {
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      bias: this.bias !== null,
      ...this.options,
    });
    if (info.inChannels !== this.inChannels) {
      throw new Conv2dError(
        'inputShape',
        inputShape,
        `this layer expects ${this.inChannels} input channels, but the shape has ${info.inChannels}`,
      );
    }
    return describeInfo(info);
  }
}
