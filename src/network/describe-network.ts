import { describeConvTranspose2d } from '../core/describe-transposed.js';
import { describeConv2d } from '../core/describe.js';
import type { IntPair, PaddingMode } from '../core/resolve.js';
import { checkShape } from '../core/tensor.js';
import { checkIntegerAtLeast } from '../core/validate.js';
import { Conv2dError, ConvlabError, formatValue } from '../errors/index.js';
import { type PoolAxis, poolOutputSize, resolvePoolSettings } from './pool.js';

/**
 * A stack of layers — or a graph with skip connections, as in ResNet — described without computing
 * it: every layer's output shape, parameters and multiply-accumulates, and where each of its output
 * cells looks in the network's input: the receptive field, the effective stride and the effective
 * padding of Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural Networks"
 * (Distill, 2019), dilation included.
 *
 * How the field is computed (per spatial axis): every cell of every layer's output carries the span
 * [lo, hi] of network-input cells it depends on. A window layer (convolution, pooling) of kernel k,
 * stride s, padding p and dilation d maps output cell y to its input cells y·s − p … y·s − p + d·(k−1),
 * so its span is lo(y·s − p) … hi(y·s − p + d·(k−1)); cells in the padding extend their neighbours'
 * spans by the jump J (the distance, in input cells, between neighbouring cells of a layer). For a
 * stack of windows this is the closed form: J_l = J_{l−1}·s_l, r_l = r_{l−1} + d_l·(k_l − 1)·J_{l−1},
 * P_l = P_{l−1} + p_l·J_{l−1}, and the field of cell y starts at y·J − P. A transposed convolution
 * divides the jump by its stride, and its output cell y reads input cells ⌈(y + p − d·(k−1)) / s⌉ …
 * ⌊(y + p) / s⌋; an adaptive pooling reads its bins; a flatten or linear layer reads everything. Where
 * paths merge (add, concat) the span is the union, and a note says so when the paths' fields differ.
 * Fields are not clipped to the input: as in the paper, a field may reach into the padding.
 */

/** What every layer may say: its name, and which earlier layer it reads (default: the one before it). */
interface LayerBase {
  name?: string;
  /** The name of the layer whose output this layer takes (default: the previous layer). */
  input?: string;
}

export interface Conv2dLayer extends LayerBase {
  type: 'conv2d';
  outChannels: number;
  kernelSize: IntPair;
  stride?: IntPair;
  padding?: IntPair | 'same' | 'valid';
  dilation?: IntPair;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}

export interface ConvTranspose2dLayer extends LayerBase {
  type: 'convTranspose2d';
  outChannels: number;
  kernelSize: IntPair;
  stride?: IntPair;
  padding?: IntPair;
  outputPadding?: IntPair;
  dilation?: IntPair;
  groups?: number;
  bias?: boolean;
}

/** A 1-D convolution (networks on (C, L) inputs); `padding: 'causal'` pads dilation·(k − 1) on the left only. */
export interface Conv1dLayer extends LayerBase {
  type: 'conv1d';
  outChannels: number;
  kernelSize: number;
  stride?: number;
  padding?: number | 'same' | 'valid' | 'causal';
  dilation?: number;
  groups?: number;
  bias?: boolean;
}

export interface PoolLayer extends LayerBase {
  type: 'maxPool2d' | 'avgPool2d' | 'maxPool1d' | 'avgPool1d';
  kernelSize: IntPair;
  stride?: IntPair | null;
  padding?: IntPair;
  dilation?: IntPair;
  ceilMode?: boolean;
}

export interface AdaptivePoolLayer extends LayerBase {
  type: 'adaptiveAvgPool2d' | 'adaptiveMaxPool2d';
  outputSize: IntPair;
}

/** Layers that keep the shape: activations, normalisation, dropout. BatchNorm2d's affine weight and bias are counted. */
export interface ShapeKeepingLayer extends LayerBase {
  type:
    | 'relu'
    | 'relu6'
    | 'leakyRelu'
    | 'gelu'
    | 'silu'
    | 'sigmoid'
    | 'tanh'
    | 'hardswish'
    | 'batchNorm2d'
    | 'batchNorm1d'
    | 'dropout'
    | 'identity';
}

/** Where paths meet: `add` (the shapes must agree, as in a residual block) or `concat` (along the channels). */
export interface MergeLayer {
  type: 'add' | 'concat';
  name?: string;
  inputs: string[];
}

/** Explicit padding, as nn.ZeroPad2d takes it: [left, right, top, bottom] (or [left, right] for 1-D). */
export interface PadLayer extends LayerBase {
  type: 'pad';
  padding: number[];
}

export interface FlattenLayer extends LayerBase {
  type: 'flatten';
}

export interface LinearLayer extends LayerBase {
  type: 'linear';
  outFeatures: number;
  bias?: boolean;
}

export type NetworkLayer =
  | Conv2dLayer
  | ConvTranspose2dLayer
  | Conv1dLayer
  | PoolLayer
  | AdaptivePoolLayer
  | ShapeKeepingLayer
  | MergeLayer
  | PadLayer
  | FlattenLayer
  | LinearLayer;

export const SHAPE_KEEPING_TYPES: readonly ShapeKeepingLayer['type'][] = [
  'relu',
  'relu6',
  'leakyRelu',
  'gelu',
  'silu',
  'sigmoid',
  'tanh',
  'hardswish',
  'batchNorm2d',
  'batchNorm1d',
  'dropout',
  'identity',
];

/** One layer of the description (JSON names as the issue asks: camelCase, as describeConv2d's). */
export interface NetworkLayerDescription {
  name: string;
  type: NetworkLayer['type'];
  /** What the layer reads: the names of its inputs ('input' for the network's input). */
  inputs: string[];
  /** (C, H, W) or (C, L), with N first when the input shape has it; (features) after flatten / linear. */
  outputShape: number[];
  /** Per spatial axis (H, W or L): the span of network-input cells one output cell depends on, at most. */
  receptiveField: number[];
  /** Per spatial axis: network-input cells between neighbouring output cells (the product of the strides). */
  effectiveStride: number[];
  /** Per spatial axis: where output cell 0's field starts, counted back from input cell 0. */
  effectivePadding: number[];
  parameters: number;
  macs: number;
}

export interface NetworkDescription {
  inputShape: number[];
  layers: NetworkLayerDescription[];
  totals: { parameters: number; macs: number };
  /** Things a reader should know: paths whose fields disagree where they merge, layers read by none. */
  notes: string[];
}

/** Per spatial axis, the network-input span [lo, hi] of every cell (lo > hi: a cell no input reaches), and the jump. */
interface AxisField {
  lo: Float64Array;
  hi: Float64Array;
  jump: number;
}

/** A layer's output as the next layers see it. */
interface Node {
  name: string;
  batch: number | null;
  channels: number;
  /** Spatial sizes: [H, W], [L], or [] once flattened (then `channels` counts the features). */
  spatial: number[];
  fields: AxisField[];
}

/** Span of cell i of an axis, extended past its ends by the jump (a padding cell sits one jump beyond its neighbour). */
function spanOf(field: AxisField, i: number): [number, number] {
  const n = field.lo.length;
  if (i >= 0 && i < n) return [field.lo[i]!, field.hi[i]!];
  const edge = i < 0 ? 0 : n - 1;
  const shift = (i - edge) * field.jump;
  return [field.lo[edge]! + shift, field.hi[edge]! + shift];
}

/** A window layer's fields: output cell y reads input cells y·s − before … y·s − before + d·(k − 1). */
function windowField(field: AxisField, out: number, kernel: number, stride: number, before: number, dilation: number) {
  const lo = new Float64Array(out),
    hi = new Float64Array(out);
  for (let y = 0; y < out; y++) {
    const first = y * stride - before;
    lo[y] = spanOf(field, first)[0];
    hi[y] = spanOf(field, first + dilation * (kernel - 1))[1];
  }
  return { lo, hi, jump: field.jump * stride };
}

/** A transposed convolution's fields: output cell y reads input cells ⌈(y + p − d·(k−1)) / s⌉ … ⌊(y + p) / s⌋ inside the input. */
function transposedField(
  field: AxisField,
  out: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
) {
  const n = field.lo.length;
  const lo = new Float64Array(out).fill(Number.POSITIVE_INFINITY),
    hi = new Float64Array(out).fill(Number.NEGATIVE_INFINITY);
  for (let y = 0; y < out; y++) {
    const first = Math.max(0, Math.ceil((y + padding - dilation * (kernel - 1)) / stride));
    const last = Math.min(n - 1, Math.floor((y + padding) / stride));
    for (let i = first; i <= last; i++) {
      lo[y] = Math.min(lo[y]!, field.lo[i]!);
      hi[y] = Math.max(hi[y]!, field.hi[i]!);
    }
  }
  return { lo, hi, jump: field.jump / stride };
}

/** Adaptive pooling's bins: output cell i of o reads input cells ⌊i·n/o⌋ … ⌈(i+1)·n/o⌉ − 1 (PyTorch's). */
function adaptiveField(field: AxisField, out: number): AxisField {
  const n = field.lo.length;
  const lo = new Float64Array(out),
    hi = new Float64Array(out);
  for (let i = 0; i < out; i++) {
    lo[i] = spanOf(field, Math.floor((i * n) / out))[0];
    hi[i] = spanOf(field, Math.ceil(((i + 1) * n) / out) - 1)[1];
  }
  return { lo, hi, jump: (field.jump * n) / out };
}

/** Every output depends on every input: one cell whose span is the hull of all of them. */
function globalField(fields: AxisField[]): AxisField[] {
  return fields.map((f) => {
    let lo = Number.POSITIVE_INFINITY,
      hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < f.lo.length; i++) {
      lo = Math.min(lo, f.lo[i]!);
      hi = Math.max(hi, f.hi[i]!);
    }
    return { lo: Float64Array.of(lo), hi: Float64Array.of(hi), jump: f.jump * f.lo.length };
  });
}

/** The reported numbers of an axis: the widest span, the jump, and −(start of cell 0's field). */
function axisNumbers(field: AxisField): { receptiveField: number; effectiveStride: number; effectivePadding: number } {
  let widest = 0,
    start = Number.NaN;
  for (let y = 0; y < field.lo.length; y++) {
    if (field.lo[y]! > field.hi[y]!) continue;
    widest = Math.max(widest, field.hi[y]! - field.lo[y]! + 1);
    if (Number.isNaN(start)) start = field.lo[y]! - y * field.jump;
  }
  return { receptiveField: widest, effectiveStride: field.jump, effectivePadding: Number.isNaN(start) ? 0 : -start };
}

/** `(n, c, …spatial)` as the description prints shapes. */
function shapeOf(node: Pick<Node, 'batch' | 'channels' | 'spatial'>): number[] {
  return [...(node.batch === null ? [] : [node.batch]), node.channels, ...node.spatial];
}

/** Re-throws a layer's refusal naming the layer: `layers[3].kernelSize` and its name. */
function inLayer<T>(index: number, name: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof ConvlabError)) throw error;
    const argument = error.argument.startsWith('layers[') ? error.argument : `layers[${index}].${error.argument}`;
    throw new Conv2dError(argument, error.value, `${error.rule} (layer ${index}, '${name}')`);
  }
}

/** The padding of a 1-D layer as the 2-D rules take it, and its sides (causal: all on the left). */
function oneDPadding(layer: Conv1dLayer): { padding: IntPair | 'same' | 'valid'; before?: number; after?: number } {
  const d = layer.dilation ?? 1;
  if (layer.padding === 'causal') return { padding: 0, before: d * (layer.kernelSize - 1), after: 0 };
  const p = layer.padding ?? 0;
  return { padding: typeof p === 'number' ? [0, p] : p };
}

/**
 * Describes `layers` applied to an input of `inputShape` — (C, H, W) or (N, C, H, W) for 2-D layers,
 * (C, L) or (N, C, L) for 1-D ones — with the checks and messages of each layer (PyTorch's), the
 * failing layer named.
 *
 * @example
 * const d = describeNetwork([3, 224, 224], [
 *   { type: 'conv2d', outChannels: 64, kernelSize: 3, padding: 1 },
 *   { type: 'maxPool2d', kernelSize: 2 },
 * ]);
 * d.layers[1].receptiveField; // [4, 4]
 */
export function describeNetwork(inputShape: readonly number[], layers: readonly NetworkLayer[]): NetworkDescription {
  return walkNetwork(inputShape, layers).description;
}

/** Where one output cell of a layer looks: per spatial axis its first and last input cell, or null where no input reaches it. */
export type CellFieldOf = (layerName: string, cell: readonly number[]) => ([number, number] | null)[];

/**
 * The fields of every cell of every layer, computed once: a function from (layer name, cell) to where
 * that output cell looks in the network's input — per spatial axis the first and last input cell of
 * its field (unclipped: negative, or past the input, where it reaches into the padding). `cell` is the
 * cell's spatial index, e.g. [y, x].
 *
 * @example
 * const fieldOf = cellFields([3, 32, 32], layers);
 * fieldOf('pool2', [0, 0]); // [[-3, 12], [-3, 12]]
 */
export function cellFields(inputShape: readonly number[], layers: readonly NetworkLayer[]): CellFieldOf {
  const { nodes } = walkNetwork(inputShape, layers);
  return (layerName, cell) => {
    const node = nodes.get(layerName);
    if (!node) throw new Conv2dError('layerName', layerName, `no layer is named '${layerName}'`);
    if (!Array.isArray(cell) || cell.length !== node.spatial.length)
      throw new Conv2dError(
        'cell',
        cell,
        `a cell of '${layerName}' has ${node.spatial.length} indices (its size is ${formatValue(node.spatial)})`,
      );
    return node.fields.map((field, a) => {
      const i = cell[a]!;
      if (!Number.isInteger(i) || i < 0 || i >= field.lo.length)
        throw new Conv2dError('cell', cell, `index ${a} must be an integer from 0 to ${field.lo.length - 1}`);
      return field.lo[i]! > field.hi[i]! ? null : [field.lo[i]!, field.hi[i]!];
    });
  };
}

/** {@link cellFields} for one cell. */
export function cellField(
  inputShape: readonly number[],
  layers: readonly NetworkLayer[],
  layerName: string,
  cell: readonly number[],
): ([number, number] | null)[] {
  return cellFields(inputShape, layers)(layerName, cell);
}

function walkNetwork(
  inputShape: readonly number[],
  layers: readonly NetworkLayer[],
): { description: NetworkDescription; nodes: Map<string, Node> } {
  checkShape(inputShape, 'inputShape');
  if (inputShape.length < 2 || inputShape.length > 4)
    throw new Conv2dError(
      'inputShape',
      [...inputShape],
      'inputShape must be (C, L), (N, C, L), (C, H, W) or (N, C, H, W)',
    );
  if (!Array.isArray(layers) || layers.length === 0)
    throw new Conv2dError('layers', layers, 'layers must be a non-empty array of layers');
  const oneD = inputShape.length === 2 || (inputShape.length === 3 && layers.some((l) => /1d$/.test(l?.type ?? '')));
  const spatialCount = oneD ? 1 : 2;
  const batched = inputShape.length === spatialCount + 2;
  const [batch, channels, ...spatial] = (batched ? inputShape : [null, ...inputShape]) as [
    number | null,
    number,
    ...number[],
  ];
  if (spatial.some((s) => s < 1) || channels < 1)
    throw new Conv2dError(
      'inputShape',
      [...inputShape],
      'the channel and spatial sizes of the input must be at least 1',
    );
  const input: Node = {
    name: 'input',
    batch,
    channels,
    spatial,
    fields: spatial.map((n) => ({
      lo: Float64Array.from({ length: n }, (_, i) => i),
      hi: Float64Array.from({ length: n }, (_, i) => i),
      jump: 1,
    })),
  };
  const nodes = new Map<string, Node>([['input', input]]);
  const read = new Set<string>();
  const described: NetworkLayerDescription[] = [];
  const notes: string[] = [];
  let previous = input;

  layers.forEach((layer, index) => {
    if (!layer || typeof layer !== 'object' || typeof layer.type !== 'string')
      throw new Conv2dError(`layers[${index}]`, layer, 'each layer must be an object with a type');
    const name = layer.name ?? `${index}`;
    if (nodes.has(name))
      throw new Conv2dError(
        `layers[${index}].name`,
        name,
        name === 'input'
          ? "'input' names the network's input: give the layer another name"
          : `layer names must be unique ('${name}' is taken)`,
      );
    const sources =
      layer.type === 'add' || layer.type === 'concat'
        ? (layer as MergeLayer).inputs
        : [(layer as LayerBase).input ?? previous.name];
    if (!Array.isArray(sources) || sources.length === 0)
      throw new Conv2dError(`layers[${index}].inputs`, sources, 'a merge layer needs the names of its inputs');
    const from = sources.map((source) => {
      const node = nodes.get(source);
      if (!node)
        throw new Conv2dError(
          `layers[${index}].${layer.type === 'add' || layer.type === 'concat' ? 'inputs' : 'input'}`,
          source,
          `no earlier layer is named '${source}' (the layers before it: ${[...nodes.keys()].slice(-5).join(', ')})`,
        );
      read.add(source);
      return node;
    });
    const result = inLayer(index, name, () => describeLayer(layer, name, from, spatialCount, notes));
    nodes.set(name, result.node);
    previous = result.node;
    const axes = result.node.fields.map(axisNumbers);
    described.push({
      name,
      type: layer.type,
      inputs: sources,
      outputShape: shapeOf(result.node),
      receptiveField: axes.map((a) => a.receptiveField),
      effectiveStride: axes.map((a) => a.effectiveStride),
      effectivePadding: axes.map((a) => a.effectivePadding),
      parameters: result.parameters,
      macs: result.macs,
    });
  });
  const unread = described.slice(0, -1).filter((d) => !read.has(d.name));
  if (unread.length)
    notes.push(`layers whose output no later layer reads: ${unread.map((d) => `'${d.name}'`).join(', ')}`);
  return {
    description: {
      inputShape: [...inputShape],
      layers: described,
      totals: {
        parameters: described.reduce((s, d) => s + d.parameters, 0),
        macs: described.reduce((s, d) => s + d.macs, 0),
      },
      notes,
    },
    nodes,
  };
}

/** One layer on its inputs: its output node, parameters and MACs. */
function describeLayer(
  layer: NetworkLayer,
  name: string,
  from: Node[],
  spatialCount: number,
  notes: string[],
): { node: Node; parameters: number; macs: number } {
  const [x] = from as [Node];
  const batchOf = x.batch ?? 1;
  const node = (channels: number, spatial: number[], fields: AxisField[]): Node => ({
    name,
    batch: x.batch,
    channels,
    spatial,
    fields,
  });
  const needSpatial = () => {
    if (x.spatial.length === 0)
      throw new Conv2dError('type', layer.type, `a ${layer.type} layer needs spatial input, but '${x.name}' is flat`);
  };
  switch (layer.type) {
    case 'conv2d': {
      needSpatial();
      if (spatialCount !== 2) throw new Conv2dError('type', layer.type, 'conv2d needs a (C, H, W) input; use conv1d');
      const { type: _t, name: _n, input: _i, ...options } = layer;
      const d = describeConv2d([batchOf, x.channels, ...x.spatial], options);
      const [, , Ho, Wo] = d.outputShape as [number, number, number, number];
      const fields = [
        windowField(x.fields[0]!, Ho, d.kernelSize[0], d.stride[0], d.padding.top, d.dilation[0]),
        windowField(x.fields[1]!, Wo, d.kernelSize[1], d.stride[1], d.padding.left, d.dilation[1]),
      ];
      return { node: node(d.outChannels, [Ho, Wo], fields), parameters: d.parameterCount, macs: d.macs };
    }
    case 'conv1d': {
      needSpatial();
      if (spatialCount !== 1) throw new Conv2dError('type', layer.type, 'conv1d needs a (C, L) input; use conv2d');
      const { padding, before, after } = oneDPadding(layer);
      const L = x.spatial[0]!;
      const extra = (before ?? 0) + (after ?? 0);
      // Causal padding is uneven: described as the plain layer on an input lengthened by it.
      const d = describeConv2d([batchOf, x.channels, 1, L + extra], {
        outChannels: layer.outChannels,
        kernelSize: [
          1,
          checkIntegerAtLeast('kernelSize', layer.kernelSize, 1, 'kernel size should be greater than zero'),
        ],
        stride: [1, layer.stride ?? 1],
        padding,
        dilation: [1, layer.dilation ?? 1],
        groups: layer.groups ?? 1,
        bias: layer.bias ?? true,
      });
      const Lo = d.outputShape[3]!;
      const field = windowField(
        x.fields[0]!,
        Lo,
        d.kernelSize[1],
        d.stride[1],
        before ?? d.padding.left,
        d.dilation[1],
      );
      return { node: node(d.outChannels, [Lo], [field]), parameters: d.parameterCount, macs: d.macs };
    }
    case 'convTranspose2d': {
      needSpatial();
      if (spatialCount !== 2) throw new Conv2dError('type', layer.type, 'convTranspose2d needs a (C, H, W) input');
      const { type: _t, name: _n, input: _i, ...options } = layer;
      const d = describeConvTranspose2d([batchOf, x.channels, ...x.spatial], options);
      const [, , Ho, Wo] = d.outputShape as [number, number, number, number];
      const fields = [
        transposedField(x.fields[0]!, Ho, d.kernelSize[0], d.stride[0], d.padding[0], d.dilation[0]),
        transposedField(x.fields[1]!, Wo, d.kernelSize[1], d.stride[1], d.padding[1], d.dilation[1]),
      ];
      return { node: node(d.outChannels, [Ho, Wo], fields), parameters: d.parameterCount, macs: d.macs };
    }
    case 'maxPool2d':
    case 'avgPool2d':
    case 'maxPool1d':
    case 'avgPool1d': {
      needSpatial();
      const oneD = layer.type.endsWith('1d');
      if (oneD !== (spatialCount === 1))
        throw new Conv2dError('type', layer.type, `${layer.type} needs a ${oneD ? '(C, L)' : '(C, H, W)'} input`);
      const pair = (v: IntPair | null | undefined, plain: number): IntPair | null | undefined =>
        v === undefined || v === null ? v : oneD ? [plain, v as number] : v;
      const { axes, ceilMode } = resolvePoolSettings(layer.type.startsWith('max') ? 'maxPool2d' : 'avgPool2d', {
        kernelSize: pair(layer.kernelSize, 1)!,
        stride: pair(layer.stride, 1),
        padding: pair(layer.padding, 0) ?? 0,
        ...(layer.dilation === undefined ? {} : { dilation: pair(layer.dilation, 1)! }),
        ...(layer.ceilMode === undefined ? {} : { ceilMode: layer.ceilMode }),
      });
      const used: PoolAxis[] = oneD ? [axes[1]] : axes;
      const out = used.map((axis, a) => poolOutputSize(x.spatial[a]!, axis, ceilMode));
      if (out.some((o) => o < 1))
        throw new Conv2dError(
          'inputShape',
          shapeOf(x),
          `Given input size: (${[x.channels, ...x.spatial].join('x')}). Calculated output size: (${[x.channels, ...out].join('x')}). Output size is too small`,
        );
      const fields = used.map((axis, a) =>
        windowField(x.fields[a]!, out[a]!, axis.kernel, axis.stride, axis.padding, axis.dilation),
      );
      return { node: node(x.channels, out, fields), parameters: 0, macs: 0 };
    }
    case 'adaptiveAvgPool2d':
    case 'adaptiveMaxPool2d': {
      needSpatial();
      const size =
        typeof layer.outputSize === 'number' ? [layer.outputSize, layer.outputSize] : [...(layer.outputSize ?? [])];
      if (size.length !== 2 || !size.every((s) => Number.isInteger(s) && s >= 1))
        throw new Conv2dError(
          'outputSize',
          layer.outputSize,
          'outputSize must be a positive integer or a pair of them',
        );
      return {
        node: node(
          x.channels,
          size,
          size.map((s, a) => adaptiveField(x.fields[a]!, s)),
        ),
        parameters: 0,
        macs: 0,
      };
    }
    case 'pad': {
      needSpatial();
      const sides = layer.padding;
      if (
        !Array.isArray(sides) ||
        sides.length !== 2 * x.spatial.length ||
        !sides.every((p) => Number.isInteger(p) && p >= 0)
      )
        throw new Conv2dError(
          'padding',
          sides,
          `padding must be ${x.spatial.length === 2 ? '[left, right, top, bottom]' : '[left, right]'} of non-negative integers`,
        );
      // ZeroPad2d's order is the last axis first: (left, right) for the width, then (top, bottom).
      const before = x.spatial.map((_, a) => sides[2 * (x.spatial.length - 1 - a)]!);
      const after = x.spatial.map((_, a) => sides[2 * (x.spatial.length - 1 - a) + 1]!);
      const out = x.spatial.map((n, a) => n + before[a]! + after[a]!);
      return {
        node: node(
          x.channels,
          out,
          x.fields.map((f, a) => windowField(f, out[a]!, 1, 1, before[a]!, 1)),
        ),
        parameters: 0,
        macs: 0,
      };
    }
    case 'flatten': {
      const features = x.channels * x.spatial.reduce((a, b) => a * b, 1);
      return { node: node(features, [], globalField(x.fields)), parameters: 0, macs: 0 };
    }
    case 'linear': {
      if (x.spatial.length !== 0)
        throw new Conv2dError(
          'type',
          layer.type,
          `a linear layer reads flat features: put a flatten before it (after '${x.name}')`,
        );
      const out = checkIntegerAtLeast('outFeatures', layer.outFeatures, 1, 'outFeatures must be a positive integer');
      const bias = layer.bias !== false;
      return {
        node: node(out, [], x.fields),
        parameters: x.channels * out + (bias ? out : 0),
        macs: batchOf * x.channels * out,
      };
    }
    case 'add':
    case 'concat': {
      const [first] = from as [Node];
      for (const other of from) {
        const same =
          layer.type === 'add'
            ? formatValue(shapeOf(other)) === formatValue(shapeOf(first))
            : formatValue(other.spatial) === formatValue(first.spatial);
        if (!same)
          throw new Conv2dError(
            'inputs',
            layer.inputs,
            layer.type === 'add'
              ? `add needs inputs of one shape, but '${first.name}' is ${formatValue(shapeOf(first))} and '${other.name}' is ${formatValue(shapeOf(other))}`
              : `concat joins channels of one spatial size, but '${first.name}' is ${formatValue(first.spatial)} and '${other.name}' is ${formatValue(other.spatial)}`,
          );
      }
      const fields = first.fields.map((f, a) => {
        const lo = f.lo.slice(),
          hi = f.hi.slice();
        for (const other of from.slice(1)) {
          const g = other.fields[a]!;
          for (let i = 0; i < lo.length; i++) {
            lo[i] = Math.min(lo[i]!, g.lo[i]!);
            hi[i] = Math.max(hi[i]!, g.hi[i]!);
          }
        }
        return { lo, hi, jump: f.jump };
      });
      // Paths of different fields are the rule at a residual add (3 × 3 convolutions beside an identity);
      // what matters is whether their cells are centred on the same input cell (Araujo et al.'s alignment).
      const numbers = from.map((n) => n.fields.map(axisNumbers));
      const centre = (a: ReturnType<typeof axisNumbers>) => (a.receptiveField - 1) / 2 - a.effectivePadding;
      const misaligned = numbers.some((axes) =>
        axes.some(
          (a, i) => a.effectiveStride !== numbers[0]![i]!.effectiveStride || centre(a) !== centre(numbers[0]![i]!),
        ),
      );
      if (misaligned)
        notes.push(
          `'${name}' ${layer.type === 'add' ? 'adds' : 'joins'} paths whose fields are not centred alike (${from
            .map(
              (n, k) =>
                `'${n.name}': field ${formatValue(numbers[k]!.map((a) => a.receptiveField))}, stride ${formatValue(numbers[k]!.map((a) => a.effectiveStride))}, padding ${formatValue(numbers[k]!.map((a) => a.effectivePadding))}`,
            )
            .join(
              '; ',
            )}): the field reported is their union, the max over the paths, but a cell pairs values centred on different input cells`,
        );
      const channels = layer.type === 'add' ? first.channels : from.reduce((s, n) => s + n.channels, 0);
      return { node: node(channels, [...first.spatial], fields), parameters: 0, macs: 0 };
    }
    default: {
      if ((SHAPE_KEEPING_TYPES as readonly string[]).includes(layer.type)) {
        const parameters = layer.type === 'batchNorm2d' || layer.type === 'batchNorm1d' ? 2 * x.channels : 0;
        return { node: node(x.channels, [...x.spatial], x.fields), parameters, macs: 0 };
      }
      throw new Conv2dError(
        'type',
        (layer as { type: unknown }).type,
        `unknown layer type; the types are conv2d, convTranspose2d, conv1d, maxPool2d, avgPool2d, maxPool1d, avgPool1d, adaptiveAvgPool2d, adaptiveMaxPool2d, pad, flatten, linear, add, concat, and the shape-keeping ${SHAPE_KEEPING_TYPES.join(', ')}`,
      );
    }
  }
}

/** The shape a described layer reads (its first input's): the network's input, or an earlier layer's output. */
export function inputShapeOf(description: NetworkDescription, layerName: string): number[] {
  const layer = description.layers.find((l) => l.name === layerName);
  if (!layer) throw new Conv2dError('layer', layerName, `no layer is named '${layerName}'`);
  const from = layer.inputs[0]!;
  return from === 'input'
    ? [...description.inputShape]
    : [...description.layers.find((l) => l.name === from)!.outputShape];
}
