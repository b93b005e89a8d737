import { checkSeed, fillUniform, initBound, randomSeed } from '../core/init.js';
import { seededRandom } from '../core/random.js';
import { type Tensor, checkAllocatable, checkTensor } from '../core/tensor.js';
import { Conv2dError, formatValue } from '../errors/index.js';

/**
 * What every convolution layer has: a weight and an optional bias, drawn as PyTorch's
 * `reset_parameters` draws them, replaceable with checked shapes, and PyTorch's `state_dict()` /
 * `load_state_dict`. Conv2d, ConvTranspose2d, Conv1d and ConvTranspose1d build on it.
 */
export class LayerParameters {
  /** The seed the parameters were drawn from (random when none was given). */
  readonly seed: number;
  #weight: Tensor;
  #bias: Tensor | null;

  /**
   * Draws the parameters: weight first, then bias, from one stream, both uniform in ±1/√fan_in —
   * `kaiming_uniform_(a=√5)` and nn's bias rule. fan_in is what PyTorch computes from the weight's
   * shape: its second dimension times the kernel's cells.
   *
   * @param layer  the class name, for messages (`Conv2d`, `ConvTranspose2d`, …)
   * @param weightShape the weight's shape
   * @param biasLength the bias's length (the layer's output channels), or null for no bias
   */
  constructor(
    readonly layer: string,
    weightShape: readonly number[],
    biasLength: number | null,
    seed: unknown,
  ) {
    this.#weightShape = [...weightShape];
    this.seed = seed === undefined ? randomSeed() : checkSeed(seed);
    // Refused before anything is allocated (PyTorch would try, and fail far later).
    const count = checkAllocatable('weight', weightShape);
    const fanIn = count / weightShape[0]!;
    const random = seededRandom(this.seed);
    const bound = initBound(fanIn);
    this.#weight = { data: fillUniform(new Float32Array(count), bound, random), shape: [...weightShape] };
    this.#bias =
      biasLength === null
        ? null
        : { data: fillUniform(new Float32Array(biasLength), bound, random), shape: [biasLength] };
    this.#biasLength = biasLength ?? weightShape[0]!;
  }

  readonly #biasLength: number;
  readonly #weightShape: number[];

  /** The weight's shape. */
  get weightShape(): number[] {
    return [...this.#weightShape];
  }

  get weight(): Tensor {
    return this.#weight;
  }

  /** Replaces the weight; its shape must be the layer's weight shape. */
  set weight(value: Tensor) {
    checkTensor(value, 'weight');
    const expected = this.weightShape;
    if (value.shape.length !== expected.length || value.shape.some((dim, i) => dim !== expected[i])) {
      throw new Conv2dError('weight', value.shape, `this layer's weight must have shape ${formatValue(expected)}`);
    }
    this.#weight = value;
  }

  get bias(): Tensor | null {
    return this.#bias;
  }

  /** Replaces the bias, whose shape must be (output channels); null removes it (like `layer.bias = None`). */
  set bias(value: Tensor | null) {
    if (value !== null) {
      checkTensor(value, 'bias');
      if (value.shape.length !== 1 || value.shape[0] !== this.#biasLength) {
        throw new Conv2dError('bias', value.shape, `this layer's bias must have shape [${this.#biasLength}]`);
      }
    }
    this.#bias = value;
  }

  /** Weights plus biases. */
  get parameterCount(): number {
    return this.#weight.data.length + (this.#bias ? this.#bias.data.length : 0);
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
        `Error(s) in loading state_dict for ${this.layer}: ${[
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
          `Error(s) in loading state_dict for ${this.layer}: size mismatch for ${key}: copying a param with shape ` +
            `torch.Size([${source.shape.join(', ')}]) from checkpoint, the shape in current model is torch.Size([${target.shape.join(', ')}]).`,
        );
      }
    }
    for (const [key, target] of own) {
      const source = entries.get(key);
      if (source) target.data.set(source.data);
    }
  }
}
