import { conv2d, conv2dAsync } from '../engine/conv2d.js';
import type { ExecutionOptions } from '../core/execution.js';
import { type Conv2dDescription, describeInfo, resolveLayer } from '../core/describe.js';
import { checkSeed, fillUniform, initBound, randomSeed } from '../core/init.js';
import { seededRandom } from '../core/random.js';
import { pytorchConv2d } from './pytorch-text.js';
import {
  type Conv2dOptions,
  type IntPair,
  type LayerSettings,
  type PaddingMode,
  CONV2D_OPTION_KEYS,
  checkGroupsDivide,
  checkLayerArguments,
  resolveSettings,
} from '../core/resolve.js';
import { type Tensor, checkAllocatable, checkTensor } from '../core/tensor.js';
import { checkIntegerAtLeast, checkOptionKeys } from '../core/validate.js';
import { Conv2dError, formatValue } from '../errors/index.js';

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
export class Conv2d {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly dilation: [number, number];
  /** As given: `[h, w]`, `'same'` or `'valid'`. */
  readonly padding: [number, number] | 'same' | 'valid';
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  /** The seed the parameters were drawn from (random when none was given). */
  readonly seed: number;
  #weight: Tensor;
  #bias: Tensor | null;
  readonly #settings: LayerSettings;

  constructor(inChannels: number, outChannels: number, kernelSize: IntPair, options: Conv2dLayerOptions = {}) {
    const raw = checkOptionKeys(options, LAYER_KEYS);
    this.inChannels = checkIntegerAtLeast('inChannels', inChannels, 1, 'in_channels must be a positive integer');
    const layer = checkLayerArguments(outChannels, kernelSize, raw.bias);
    this.outChannels = layer.outChannels;
    this.kernelSize = layer.kernelSize;
    const { bias: _bias, seed: _seed, ...convOptions } = raw;
    this.#settings = resolveSettings(convOptions);
    const { groups } = this.#settings;
    // nn.Conv2d's own check, at construction.
    checkGroupsDivide(this.inChannels, this.outChannels, groups);
    this.stride = this.#settings.stride;
    this.dilation = this.#settings.dilation;
    this.groups = groups;
    this.paddingMode = this.#settings.paddingMode;
    const padding = this.#settings.padding;
    this.padding = padding.kind === 'explicit' ? [padding.height, padding.width] : padding.kind;
    this.seed = raw.seed === undefined ? randomSeed() : checkSeed(raw.seed);

    // Refused before anything is allocated (nn.Conv2d would try, and fail far later).
    checkAllocatable('weight', this.weightShape);
    // Weight first, then bias, from one stream: the order nn.Conv2d.reset_parameters draws in.
    const [kH, kW] = this.kernelSize;
    const fanIn = (this.inChannels / groups) * kH * kW;
    const random = seededRandom(this.seed);
    const bound = initBound(fanIn);
    this.#weight = {
      data: fillUniform(new Float32Array(this.outChannels * fanIn), bound, random),
      shape: this.weightShape,
    };
    this.#bias =
      raw.bias === false
        ? null
        : { data: fillUniform(new Float32Array(this.outChannels), bound, random), shape: [this.outChannels] };
  }

  /** (O, C/groups, kH, kW). */
  get weightShape(): number[] {
    return [this.outChannels, this.inChannels / this.groups, ...this.kernelSize];
  }

  get weight(): Tensor {
    return this.#weight;
  }

  /** Replaces the weight; its shape must be {@link weightShape}. */
  set weight(value: Tensor) {
    checkTensor(value, 'weight');
    const expected = this.weightShape;
    if (value.shape.length !== 4 || value.shape.some((dim, i) => dim !== expected[i])) {
      throw new Conv2dError('weight', value.shape, `this layer's weight must have shape ${formatValue(expected)}`);
    }
    this.#weight = value;
  }

  get bias(): Tensor | null {
    return this.#bias;
  }

  /** Replaces the bias, whose shape must be (O); null removes it (like `layer.bias = None`). */
  set bias(value: Tensor | null) {
    if (value !== null) {
      checkTensor(value, 'bias');
      if (value.shape.length !== 1 || value.shape[0] !== this.outChannels) {
        throw new Conv2dError('bias', value.shape, `this layer's bias must have shape [${this.outChannels}]`);
      }
    }
    this.#bias = value;
  }

  /** Weights plus biases: O·(C/groups)·kH·kW + O. */
  get parameterCount(): number {
    return this.#weight.data.length + (this.#bias ? this.#bias.data.length : 0);
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
    return conv2d(input, this.#weight, this.#bias, this.options);
  }

  /** Applies the layer with {@link conv2dAsync}: worker threads, or the GPU with `{ backend: 'webgpu' }`. */
  forwardAsync(input: Tensor, execution: ExecutionOptions = {}): Promise<Tensor> {
    return conv2dAsync(input, this.#weight, this.#bias, { ...this.options, ...execution });
  }

  /**
   * The parameters by name, as PyTorch's `state_dict()`: `weight` and (with a bias) `bias`. The
   * tensors are the layer's own, not copies.
   */
  stateDict(): Map<string, Tensor> {
    const dict = new Map<string, Tensor>([['weight', this.#weight]]);
    if (this.#bias) dict.set('bias', this.#bias);
    return dict;
  }

  /**
   * Copies parameters in by name, as PyTorch's `load_state_dict`: the shapes must match, and with
   * `strict` (the default) the keys must be exactly this layer's — in PyTorch's words otherwise.
   * Pass `layerStateDict(readStateDict(bytes), 'features.0')` to load one layer of a saved model.
   */
  loadStateDict(
    dict: Map<string, Tensor> | Record<string, Tensor>,
    { strict = true }: { strict?: boolean } = {},
  ): void {
    const entries = dict instanceof Map ? dict : new Map(Object.entries(dict));
    const own = this.stateDict();
    const missing = [...own.keys()].filter((key) => !entries.has(key));
    const unexpected = [...entries.keys()].filter((key) => !own.has(key));
    if (strict && (missing.length || unexpected.length)) {
      const list = (keys: string[]) => keys.map((key) => `"${key}"`).join(', ');
      throw new Conv2dError(
        'stateDict',
        [...entries.keys()],
        `Error(s) in loading state_dict for Conv2d: ${[
          ...(missing.length ? [`Missing key(s) in state_dict: ${list(missing)}.`] : []),
          ...(unexpected.length ? [`Unexpected key(s) in state_dict: ${list(unexpected)}.`] : []),
        ].join(' ')}`,
      );
    }
    for (const [key, target] of own) {
      const source = entries.get(key);
      if (!source) continue;
      checkTensor(source, key);
      if (source.shape.length !== target.shape.length || source.shape.some((d, i) => d !== target.shape[i])) {
        throw new Conv2dError(
          'stateDict',
          source.shape,
          `Error(s) in loading state_dict for Conv2d: size mismatch for ${key}: copying a param with shape ` +
            `torch.Size([${source.shape.join(', ')}]) from checkpoint, the shape in current model is torch.Size([${target.shape.join(', ')}]).`,
        );
      }
    }
    for (const [key, target] of own) {
      const source = entries.get(key);
      if (source) target.data.set(source.data);
    }
  }

  /** PyTorch's repr: `Conv2d(3, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2))`. */
  toString(): string {
    return pytorchConv2d(
      this.inChannels,
      { outChannels: this.outChannels, kernelSize: this.kernelSize, bias: this.#bias !== null, ...this.options },
      'repr',
    );
  }

  /** {@link describeConv2d} for this layer applied to an input of `inputShape`. */
  describe(inputShape: readonly number[]): Conv2dDescription {
    const info = resolveLayer(inputShape, {
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      bias: this.#bias !== null,
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
