import type { Tensor } from '../core/tensor.js';
import { Conv2dError } from '../errors/index.js';
import type { NetworkLayer } from './describe-network.js';

/**
 * A model's convolution skeleton from its `.onnx` file: the Conv, ConvTranspose, MaxPool,
 * AveragePool and global pooling nodes, the shape-keeping ones (activations, BatchNormalization,
 * Dropout, Identity), Add and Concat where paths meet, Flatten and Gemm — as `describeNetwork`
 * layers, with every convolution's weight and bias from the file's initializers, so a layer can be
 * described, animated and run with its real weights. A node on the data path that changes the
 * geometry and is not one of these (a Reshape, a Resize, a Slice…) is named, not guessed: the
 * skeleton stops before it and says where. Decoding uses the `onnx-proto` package (an optional peer
 * dependency), passed in: `readOnnxNetwork(bytes)` in Node loads it; a page passes its own import, so
 * the package's browser entry names no optional module a bundler would have to resolve.
 */

/** What the reader needs of the `onnx-proto` package: its default export's decoder. */
export interface OnnxProto {
  onnx: { ModelProto: { decode(bytes: Uint8Array): unknown } };
}

export interface OnnxNetwork {
  /** The graph input's shape; a symbolic dimension (a batch named 'N') is read as 1, and `notes` says so. */
  inputShape: number[];
  layers: NetworkLayer[];
  /** Each convolution's weight and bias, by layer name (the ONNX node's name, or its output's). */
  weights: Map<string, { weight: Tensor; bias: Tensor | null }>;
  /** Which ONNX tensor each layer's output is (for comparing shapes with a runtime's). */
  outputs: Map<string, string>;
  notes: string[];
}

/** ONNX operators that keep the shape, and the layer type each becomes. */
const SHAPE_KEEPING: Record<string, NetworkLayer['type']> = {
  Relu: 'relu',
  LeakyRelu: 'leakyRelu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Clip: 'relu6',
  HardSwish: 'hardswish',
  Gelu: 'gelu',
  BatchNormalization: 'batchNorm2d',
  Dropout: 'dropout',
  Identity: 'identity',
};

type Long = { toNumber(): number };
const num = (value: unknown): number =>
  typeof value === 'number'
    ? value
    : typeof (value as Long)?.toNumber === 'function'
      ? (value as Long).toNumber()
      : Number(value);

interface Attribute {
  name?: string | null;
  i?: unknown;
  ints?: unknown[] | null;
  s?: Uint8Array | null;
}

/** A float tensor from an initializer: float_data, or raw little-endian bytes. */
function tensorOf(t: {
  dims?: unknown[] | null;
  dataType?: number | null;
  floatData?: number[] | null;
  rawData?: Uint8Array | null;
  name?: string | null;
}): Tensor {
  const shape = (t.dims ?? []).map(num);
  if (t.dataType !== 1)
    throw new Conv2dError('model', t.name, `initializer '${t.name}' is not float32 (ONNX data type ${t.dataType})`);
  const count = shape.reduce((a, b) => a * b, 1);
  let data: Float32Array;
  if (t.rawData?.length) {
    if (t.rawData.length !== 4 * count)
      throw new Conv2dError(
        'model',
        t.name,
        `initializer '${t.name}' holds ${t.rawData.length} bytes for ${count} floats`,
      );
    data = new Float32Array(count);
    new Uint8Array(data.buffer).set(t.rawData);
  } else data = Float32Array.from(t.floatData ?? []);
  if (data.length !== count)
    throw new Conv2dError(
      'model',
      t.name,
      `initializer '${t.name}' holds ${data.length} values for its shape ${shape}`,
    );
  return { data, shape };
}

/** An integer tensor's values (int64 data, or raw little-endian bytes). */
function intsOf(t: {
  int64Data?: unknown[] | null;
  int32Data?: number[] | null;
  rawData?: Uint8Array | null;
  dataType?: number | null;
}): number[] {
  if (t.rawData?.length) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    const width = t.dataType === 6 ? 4 : 8;
    return Array.from({ length: t.rawData.length / width }, (_, i) =>
      width === 4 ? view.getInt32(4 * i, true) : Number(view.getBigInt64(8 * i, true)),
    );
  }
  return (t.int64Data?.length ? t.int64Data : (t.int32Data ?? [])).map(num);
}

/**
 * Reads the convolution skeleton of an ONNX model (the bytes of a `.onnx` file), decoded with the
 * `onnx-proto` package's default export.
 *
 * @example
 * import onnxProto from 'onnx-proto';
 * const model = onnxNetwork(new Uint8Array(await file.arrayBuffer()), onnxProto);
 * describeNetwork(model.inputShape, model.layers);
 */
export function onnxNetwork(bytes: Uint8Array, proto: OnnxProto): OnnxNetwork {
  type Model = import('onnx-proto').onnx.ModelProto;
  let model: Model;
  try {
    model = proto.onnx.ModelProto.decode(bytes) as Model;
  } catch (error) {
    throw new Conv2dError('model', `${bytes.length} bytes`, `not an ONNX model: ${(error as Error).message}`);
  }
  const graph = model.graph;
  if (!graph?.node) throw new Conv2dError('model', `${bytes.length} bytes`, 'not an ONNX model: it has no graph');
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const notes: string[] = [];
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? ''));
  if (inputs.length !== 1)
    throw new Conv2dError(
      'model',
      inputs.map((v) => v.name),
      `the model has ${inputs.length} inputs; convlab reads models of one input`,
    );
  const input = inputs[0]!;
  const dims = input.type?.tensorType?.shape?.dim ?? [];
  const inputShape = dims.map((d, i) => {
    if (d.dimValue !== undefined && d.dimValue !== null && num(d.dimValue) > 0) return num(d.dimValue);
    notes.push(`input dimension ${i} is symbolic ('${d.dimParam ?? '?'}'): read as 1`);
    return 1;
  });

  // Which layer name produced each tensor (the graph input is 'input').
  const producer = new Map<string, string>([[input.name ?? '', 'input']]);
  const constant = new Set<string>(initializers.keys());
  // The values of Constant nodes (a Pad's pads come as one).
  const constants = new Map<string, Parameters<typeof intsOf>[0]>(initializers);
  const layers: NetworkLayer[] = [];
  const weights = new Map<string, { weight: Tensor; bias: Tensor | null }>();
  const outputs = new Map<string, string>();
  const taken = new Set<string>(['input']);

  for (const node of graph.node) {
    const op = node.opType ?? '';
    const nodeInputs = (node.input ?? []).filter((name) => name !== '');
    if (op === 'Constant') {
      const value = (node.attribute ?? []).find((a) => a.name === 'value')?.t;
      for (const out of node.output ?? []) {
        constant.add(out);
        if (value) constants.set(out, value);
      }
      continue;
    }
    const data = nodeInputs.filter((name) => !constant.has(name));
    // A node that reads no data tensor computes shapes or constants: not part of the skeleton.
    if (data.length === 0) {
      for (const out of node.output ?? []) constant.add(out);
      continue;
    }
    const attr = new Map((node.attribute ?? []).map((a: Attribute) => [a.name ?? '', a]));
    const ints = (name: string) => (attr.get(name)?.ints ?? []).map(num);
    const int = (name: string, plain: number) => (attr.has(name) ? num(attr.get(name)!.i) : plain);
    const text = (name: string) => (attr.get(name)?.s ? new TextDecoder().decode(attr.get(name)!.s!) : '');
    let name = node.name || node.output?.[0] || `${layers.length}`;
    while (taken.has(name)) name = `${name}_`;
    const from = producer.get(data[0]!);
    const stop = (why: string) => {
      notes.push(`stopped at node '${node.name || node.output?.[0]}' (${op}): ${why}; the skeleton ends before it`);
    };
    if (from === undefined) continue; // after a stop: nothing downstream is read
    const pads = () => {
      const p = ints('pads');
      if (p.length === 0) return [0, 0];
      if (p[0] !== p[2] || p[1] !== p[3]) return null;
      return [p[0]!, p[1]!];
    };
    let layer: NetworkLayer | null = null;
    const autoPad = text('auto_pad');
    if (autoPad && autoPad !== 'NOTSET' && autoPad !== 'VALID') {
      stop(`auto_pad ${autoPad} is not written as PyTorch padding`);
      break;
    }
    if (op === 'Conv' || op === 'ConvTranspose') {
      const w = initializers.get(nodeInputs[1] ?? '');
      if (!w) {
        stop('its weight is not an initializer');
        break;
      }
      const weight = tensorOf(w);
      const biasProto = nodeInputs[2] ? initializers.get(nodeInputs[2]) : undefined;
      const bias = biasProto ? tensorOf(biasProto) : null;
      const padding = pads();
      if (!padding) {
        stop(`its pads ${ints('pads')} are uneven, which PyTorch's padding cannot say`);
        break;
      }
      const kernel = ints('kernel_shape').length ? ints('kernel_shape') : weight.shape.slice(2);
      const groups = int('group', 1);
      const common = {
        name,
        input: from,
        kernelSize: [kernel[0]!, kernel[1]!] as [number, number],
        stride: (ints('strides').length ? ints('strides') : [1, 1]) as [number, number],
        padding: padding as [number, number],
        dilation: (ints('dilations').length ? ints('dilations') : [1, 1]) as [number, number],
        groups,
        bias: bias !== null,
      };
      if (op === 'Conv') layer = { type: 'conv2d', outChannels: weight.shape[0]!, ...common };
      else {
        if (ints('output_shape').length) {
          stop('output_shape is given instead of output_padding');
          break;
        }
        const outputPadding = (ints('output_padding').length ? ints('output_padding') : [0, 0]) as [number, number];
        layer = { type: 'convTranspose2d', outChannels: weight.shape[1]! * groups, outputPadding, ...common };
      }
      weights.set(name, { weight, bias });
    } else if (op === 'MaxPool' || op === 'AveragePool') {
      const padding = pads();
      if (!padding) {
        stop(`its pads ${ints('pads')} are uneven`);
        break;
      }
      const kernel = ints('kernel_shape') as [number, number];
      layer = {
        type: op === 'MaxPool' ? 'maxPool2d' : 'avgPool2d',
        name,
        input: from,
        kernelSize: kernel,
        stride: (ints('strides').length ? ints('strides') : [1, 1]) as [number, number],
        padding: padding as [number, number],
        ...(op === 'MaxPool' && ints('dilations').length ? { dilation: ints('dilations') as [number, number] } : {}),
        ceilMode: int('ceil_mode', 0) === 1,
      };
    } else if (op === 'GlobalAveragePool' || op === 'GlobalMaxPool') {
      layer = {
        type: op === 'GlobalAveragePool' ? 'adaptiveAvgPool2d' : 'adaptiveMaxPool2d',
        name,
        input: from,
        outputSize: 1,
      };
    } else if (op in SHAPE_KEEPING) {
      layer = { type: SHAPE_KEEPING[op]!, name, input: from } as NetworkLayer;
    } else if (op === 'Add' || op === 'Sum' || op === 'Concat') {
      if (data.length === 1)
        layer = { type: 'identity', name, input: from }; // a constant added (a bias): shape kept
      else {
        if (op === 'Concat' && int('axis', 0) !== 1) {
          stop(`it joins along axis ${int('axis', 0)}, not the channels`);
          break;
        }
        const sources = data.map((t) => producer.get(t));
        if (sources.some((s) => s === undefined)) continue;
        layer = { type: op === 'Concat' ? 'concat' : 'add', name, inputs: sources as string[] };
      }
    } else if (op === 'Pad') {
      const mode = text('mode') || 'constant';
      const pads = nodeInputs[1] ? constants.get(nodeInputs[1]) : undefined;
      const values = pads ? intsOf(pads) : ints('pads');
      const axes = values.length / 2;
      if (mode !== 'constant' || axes !== 4 || values[0] || values[1] || values[4] || values[5]) {
        stop(`only zero padding of the two spatial axes is read (mode ${mode}, pads ${values})`);
        break;
      }
      // ONNX: [N, C, H, W begins, N, C, H, W ends]; ZeroPad2d: [left, right, top, bottom].
      layer = { type: 'pad', name, input: from, padding: [values[3]!, values[7]!, values[2]!, values[6]!] };
    } else if (op === 'Flatten') {
      if (int('axis', 1) !== 1) {
        stop(`it flattens from axis ${int('axis', 1)}, not 1`);
        break;
      }
      layer = { type: 'flatten', name, input: from };
    } else if (op === 'Gemm') {
      const b = initializers.get(nodeInputs[1] ?? '');
      if (!b) {
        stop('its weight is not an initializer');
        break;
      }
      const shape = b.dims?.map(num) ?? [];
      layer = {
        type: 'linear',
        name,
        input: from,
        outFeatures: int('transB', 0) ? shape[0]! : shape[1]!,
        bias: Boolean(nodeInputs[2]),
      };
    } else {
      stop('it changes the geometry in a way convlab does not read');
      break;
    }
    layers.push(layer);
    taken.add(name);
    for (const out of node.output ?? []) producer.set(out, name);
    outputs.set(name, node.output?.[0] ?? '');
  }
  if (layers.length === 0)
    throw new Conv2dError('model', `${bytes.length} bytes`, `no layer convlab reads: ${notes.join('; ')}`);
  return { inputShape, layers, weights, outputs, notes };
}
