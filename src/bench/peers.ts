import { elementCount } from '../core/tensor.js';
import { createRequire } from 'node:module';
import { resolveConv2dCall } from '../core/call.js';
import { conv2d, conv2dAsync } from '../engine/conv2d.js';
import type { Conv2dInfo } from '../core/resolve.js';
import { kernelForInfo } from '../engine/kernel-for.js';
import type { BenchLayer } from './layers.js';
import { concatenated } from './data.js';
import type { OpLayer } from './op-layers.js';
import { onnxConvModel, onnxConvTransposeModel } from './onnx-model.js';
import type { ConvTranspose2dInfo } from '../core/transposed.js';
import { convTranspose2d, convTranspose2dAsync, transposedForm } from '../engine/conv-transpose2d.js';
import { conv2dBackward, conv2dBackwardAsync } from '../engine/conv2d-backward.js';

/**
 * The contenders. Each prepares a layer once (sessions, layouts, weights) and returns a call that
 * computes the output for the fixed input, NCHW. Peers are optional peer dependencies: a peer that is
 * not installed is reported as not installed, never a failure of convlab.
 */

export interface LayerData {
  layer: BenchLayer | OpLayer;
  /** The convolution (of the forward pass, for the backward pass); null for a transposed layer. */
  info: Conv2dInfo | null;
  /** The transposed convolution; null for the others. */
  transposed: ConvTranspose2dInfo | null;
  input: Float32Array;
  weight: Float32Array;
  bias: Float32Array;
  /** The output's gradient, for the backward pass; null for the others. */
  gradOutput: Float32Array | null;
}

/** What a layer asks of a contender: the forward convolution, a transposed one, or conv2d's backward pass. */
export const opOf = (layer: BenchLayer | OpLayer) => ('op' in layer ? layer.op : 'conv2d');

export interface Prepared {
  /** One forward pass; resolves when the output is readable. */
  run(): unknown;
  /** The output, NCHW, for the cross-check (outside the timing). */
  output(): Promise<Float32Array>;
  /** What ran (a kernel name, a backend), for the report. */
  detail?: string;
}

export interface Peer {
  id: string;
  label: string;
  threads: number;
  /** Whether this peer runs natively (onnxruntime-node) rather than portably (WebAssembly or JS). */
  native: boolean;
  /** Why the peer cannot run this layer, or null. */
  unsupported(data: LayerData): string | null;
  prepare(data: LayerData): Promise<Prepared>;
}

const require = createRequire(import.meta.url);

function convlabPeer(threads: number): Peer {
  return {
    id: `convlab-${threads}t`,
    label: `convlab ${threads}T`,
    threads,
    native: false,
    unsupported: () => null,
    async prepare({ layer, input, weight, bias, info, transposed, gradOutput }) {
      const x = { data: input, shape: layer.input },
        w = { data: weight, shape: layer.weight },
        b = { data: bias, shape: [bias.length] };
      const op = opOf(layer);
      if (op === 'convTranspose2d') {
        const out = { data: new Float32Array(elementCount(transposed!.outputShape)), shape: transposed!.outputShape };
        const options = { ...layer.options, threads, out } as Parameters<typeof convTranspose2d>[3];
        const run =
          threads === 1 ? () => convTranspose2d(x, w, b, options) : () => convTranspose2dAsync(x, w, b, options);
        return { run, output: async () => (await run()).data.slice(), detail: transposedForm(transposed!) };
      }
      if (op === 'conv2dBackward') {
        const dy = { data: gradOutput!, shape: info!.outputShape };
        const options = { ...(layer.options as BenchLayer['options']), threads };
        const run =
          threads === 1 ? () => conv2dBackward(dy, x, w, options) : () => conv2dBackwardAsync(dy, x, w, options);
        const output = async () => {
          const g = await run();
          return concatenated(g.gradInput.data, g.gradWeight.data, g.gradBias!.data);
        };
        return { run, output, detail: 'transposed + grouped conv' };
      }
      const forward = resolveConv2dCall(x, w, b, layer.options);
      const kernel = kernelForInfo(forward);
      // Like a caller running a layer in a loop: one output buffer, reused.
      const out = { data: new Float32Array(elementCount(forward.outputShape)), shape: forward.outputShape };
      const options = { ...(layer.options as BenchLayer['options']), threads, out };
      const run = threads === 1 ? () => conv2d(x, w, b, options) : () => conv2dAsync(x, w, b, options);
      return { run, output: async () => (await run()).data.slice(), detail: kernel };
    },
  };
}

type OrtModule = typeof import('onnxruntime-node');

function onnxruntimePeer(kind: 'node' | 'web', threads: number): Peer {
  return {
    id: `ort-${kind}-${threads}t`,
    label: `onnxruntime-${kind} ${threads}T`,
    threads,
    native: kind === 'node',
    unsupported: ({ layer }) =>
      opOf(layer) === 'conv2dBackward' ? "onnxruntime's inference builds have no gradient operators" : null,
    async prepare({ info, transposed, input, weight, bias }) {
      const ort = (kind === 'node'
        ? (await import('onnxruntime-node')).default
        : await import('onnxruntime-web')) as unknown as OrtModule;
      if (kind === 'web') {
        (ort.env.wasm as { numThreads?: number }).numThreads = threads;
      }
      const model = transposed
        ? await onnxConvTransposeModel(transposed, weight, bias)
        : await onnxConvModel(info!, weight, bias);
      const shape = transposed ?? info!;
      const session = await ort.InferenceSession.create(model, {
        ...(kind === 'node' ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
      });
      const feeds = {
        x: new ort.Tensor('float32', input, [shape.batch, shape.inChannels, shape.inHeight, shape.inWidth]),
      };
      const run = async () => (await session.run(feeds)).y!.data as Float32Array;
      return { run, output: run, detail: kind === 'web' ? 'wasm' : 'cpu' };
    },
  };
}

type Tf = typeof import('@tensorflow/tfjs-core');
let tfBackend: string | null = null;

async function tfjs(backend: 'wasm' | 'cpu'): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs-core');
  if (tfBackend !== backend) {
    if (backend === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(
        require.resolve('@tensorflow/tfjs-backend-wasm/package.json').replace(/package\.json$/, 'dist/'),
      );
    } else {
      await import('@tensorflow/tfjs-backend-cpu');
    }
    await tf.setBackend(backend);
    await tf.ready();
    tfBackend = backend;
  }
  return tf;
}

/** NCHW → NHWC, (O, C/g, kH, kW) → HWIO (or depthwise (kH, kW, C, multiplier)). */
function toNhwc(data: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let y = 0; y < h!; y++)
        for (let x = 0; x < w!; x++) {
          out[((b * h! + y) * w! + x) * c! + ch] = data[((b * c! + ch) * h! + y) * w! + x]!;
        }
  return out;
}

function toNchw(data: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let y = 0; y < h!; y++)
        for (let x = 0; x < w!; x++) {
          out[((b * c! + ch) * h! + y) * w! + x] = data[((b * h! + y) * w! + x) * c! + ch]!;
        }
  return out;
}

function tfjsPeer(backend: 'wasm' | 'cpu'): Peer {
  return {
    id: `tfjs-${backend}`,
    label: `tfjs-${backend}`,
    threads: 1,
    native: false,
    unsupported({ layer, info, transposed }) {
      if (transposed) {
        if (transposed.groups !== 1) return 'TF.js has no grouped transposed convolution';
        if (transposed.dilationHeight > 1 || transposed.dilationWidth > 1)
          return 'TF.js has no dilated transposed convolution';
        return null;
      }
      if (!info) return 'no convolution';
      const depthwise = info.groups === info.inChannels && info.inChannelsPerGroup === 1;
      if (opOf(layer) === 'conv2dBackward' && (info.groups !== 1 || info.dilationHeight > 1 || info.dilationWidth > 1))
        return "TF.js's conv2d gradient takes neither groups nor dilation";
      if (info.groups !== 1 && !depthwise) return 'TF.js has no grouped convolution other than depthwise';
      if ((info.strideHeight > 1 || info.strideWidth > 1) && (info.dilationHeight > 1 || info.dilationWidth > 1)) {
        return 'TF.js refuses stride > 1 together with dilation > 1';
      }
      return null;
    },
    async prepare(data) {
      const tf = await tfjs(backend);
      if (data.transposed) return tfjsTransposed(tf, data.transposed, data, backend);
      const info = data.info!;
      const { input, weight, bias } = data;
      const {
        batch: N,
        inChannels: C,
        inHeight: H,
        inWidth: W,
        outChannels: O,
        kernelHeight: kH,
        kernelWidth: kW,
      } = info;
      const x = tf.tensor4d(toNhwc(input, [N, C, H, W]), [N, H, W, C]);
      const depthwise = info.groups > 1;
      const multiplier = O / C;
      // HWIO from OIHW (for depthwise, I = C and O = multiplier).
      const filter = new Float32Array(weight.length);
      for (let o = 0; o < O; o++)
        for (let i = 0; i < info.inChannelsPerGroup; i++)
          for (let y = 0; y < kH; y++)
            for (let xx = 0; xx < kW; xx++) {
              const value = weight[((o * info.inChannelsPerGroup + i) * kH + y) * kW + xx]!;
              if (depthwise)
                filter[((y * kW + xx) * C + Math.floor(o / multiplier)) * multiplier + (o % multiplier)] = value;
              else filter[((y * kW + xx) * C + i) * O + o] = value;
            }
      const f = depthwise ? tf.tensor4d(filter, [kH, kW, C, multiplier]) : tf.tensor4d(filter, [kH, kW, C, O]);
      const b = tf.tensor1d(bias);
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [
        [0, 0],
        [info.padTop, info.padBottom],
        [info.padLeft, info.padRight],
        [0, 0],
      ];
      const strides: [number, number] = [info.strideHeight, info.strideWidth];
      const dilations: [number, number] = [info.dilationHeight, info.dilationWidth];
      if (data.gradOutput) {
        // The kernels tf.grad runs for a conv2d (Conv2DBackpropInput and Conv2DBackpropFilter; tfjs-core
        // alone does not register conv2d's gradient, the full @tensorflow/tfjs package does), and the
        // bias's, a sum.
        const dy = tf.tensor4d(toNhwc(data.gradOutput, [N, O, info.outHeight, info.outWidth]), [
          N,
          info.outHeight,
          info.outWidth,
          O,
        ]);
        const attrs = { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
        const run = async () => {
          const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, {
            ...attrs,
            inputShape: [N, H, W, C],
          } as never) as import('@tensorflow/tfjs-core').Tensor;
          const dk = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
            ...attrs,
            filterShape: [kH, kW, C, O],
          } as never) as import('@tensorflow/tfjs-core').Tensor;
          const db = tf.sum(dy, [0, 1, 2]);
          const values = [await dx.data(), await dk.data(), await db.data()] as Float32Array[];
          for (const t of [dx, dk, db]) t.dispose();
          return values;
        };
        const output = async () => {
          const [dx, dk, db] = await run();
          const gradWeight = new Float32Array(weight.length);
          for (let o = 0; o < O; o++)
            for (let i = 0; i < C; i++)
              for (let y = 0; y < kH; y++)
                for (let xx = 0; xx < kW; xx++)
                  gradWeight[((o * C + i) * kH + y) * kW + xx] = dk![((y * kW + xx) * C + i) * O + o]!;
          return concatenated(toNchw(dx!, [N, C, H, W]), gradWeight, db!);
        };
        return { run, output, detail: `${backend}, Conv2DBackpropInput + Conv2DBackpropFilter` };
      }
      const forward = () =>
        tf.tidy(() => {
          const y = depthwise
            ? tf.depthwiseConv2d(x, f as never, strides, pad, 'NHWC', dilations)
            : tf.conv2d(x, f, strides, pad, 'NHWC', dilations);
          return tf.add(y, b);
        });
      const run = async () => {
        const y = forward();
        const data = await y.data();
        y.dispose();
        return data as Float32Array;
      };
      return { run, output: async () => toNchw(await run(), [N, O, info.outHeight, info.outWidth]), detail: backend };
    },
  };
}

/** TF.js's conv2dTranspose on a transposed layer: filter (kH, kW, C_out, C_in), output NHWC. */
function tfjsTransposed(tf: Tf, info: ConvTranspose2dInfo, data: LayerData, backend: string): Prepared {
  const { batch: N, inChannels: C, inHeight: H, inWidth: W, outChannels: O, kernelHeight: kH, kernelWidth: kW } = info;
  const x = tf.tensor4d(toNhwc(data.input, [N, C, H, W]), [N, H, W, C]);
  const filter = new Float32Array(data.weight.length);
  for (let c = 0; c < C; c++)
    for (let o = 0; o < O; o++)
      for (let y = 0; y < kH; y++)
        for (let xx = 0; xx < kW; xx++)
          filter[((y * kW + xx) * O + o) * C + c] = data.weight[((c * O + o) * kH + y) * kW + xx]!;
  const f = tf.tensor4d(filter, [kH, kW, O, C]);
  const b = tf.tensor1d(data.bias);
  // TF.js's padding is the forward convolution's: PyTorch's crop; the output shape carries the output padding.
  const pad = [
    [0, 0],
    [info.padTop, info.padBottom],
    [info.padLeft, info.padRight],
    [0, 0],
  ] as never;
  const forward = () =>
    tf.tidy(() =>
      tf.add(
        tf.conv2dTranspose(x, f, [N, info.outHeight, info.outWidth, O], [info.strideHeight, info.strideWidth], pad),
        b,
      ),
    );
  const run = async () => {
    const y = forward();
    const values = await y.data();
    y.dispose();
    return values as Float32Array;
  };
  return {
    run,
    output: async () => toNchw(await run(), [N, O, info.outHeight, info.outWidth]),
    detail: `${backend}, conv2dTranspose`,
  };
}

/** convlab on the GPU (WebGPU), end to end: upload, run, read back. */
function webgpuPeer(): Peer {
  return {
    id: 'convlab-webgpu',
    label: 'convlab WebGPU',
    threads: 1,
    native: false,
    unsupported: () => null,
    async prepare({ layer, input, weight, bias, info, gradOutput }) {
      const x = { data: input, shape: layer.input },
        w = { data: weight, shape: layer.weight },
        b = { data: bias, shape: [bias.length] };
      const op = opOf(layer);
      const call =
        op === 'convTranspose2d'
          ? async () =>
              (await convTranspose2dAsync(x, w, b, { ...(layer.options as object), backend: 'webgpu' as const })).data
          : op === 'conv2dBackward'
            ? async () => {
                const dy = { data: gradOutput!, shape: info!.outputShape };
                const g = await conv2dBackwardAsync(dy, x, w, { ...(layer.options as object), backend: 'webgpu' });
                return concatenated(g.gradInput.data, g.gradWeight.data, g.gradBias!.data);
              }
            : async () =>
                (await conv2dAsync(x, w, b, { ...(layer.options as BenchLayer['options']), backend: 'webgpu' })).data;
      await call(); // acquires the device, or reports why not
      return { run: call, output: call, detail: 'webgpu' };
    },
  };
}

/** Contenders run only when asked (`--backend webgpu`). */
export const OPTIONAL_PEERS: readonly Peer[] = [webgpuPeer()];

export const PEERS: readonly Peer[] = [
  convlabPeer(1),
  convlabPeer(2),
  onnxruntimePeer('web', 1),
  onnxruntimePeer('web', 2),
  tfjsPeer('wasm'),
  tfjsPeer('cpu'),
  onnxruntimePeer('node', 1),
  onnxruntimePeer('node', 2),
];
