import { elementCount } from '../core/tensor.js';
import { createRequire } from 'node:module';
import { resolveConv2dCall } from '../core/call.js';
import { conv2d, conv2dAsync } from '../engine/conv2d.js';
import type { Conv2dInfo } from '../core/resolve.js';
import { kernelForInfo } from '../engine/kernel-for.js';
import type { BenchLayer } from './layers.js';
import { onnxConvModel } from './onnx-model.js';

/**
 * The contenders. Each prepares a layer once (sessions, layouts, weights) and returns a call that
 * computes the output for the fixed input, NCHW. Peers are optional peer dependencies: a peer that is
 * not installed is reported as not installed, never a failure of convlab.
 */

export interface LayerData {
  layer: BenchLayer;
  info: Conv2dInfo;
  input: Float32Array;
  weight: Float32Array;
  bias: Float32Array;
}

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
    async prepare({ layer, input, weight, bias }) {
      const x = { data: input, shape: layer.input },
        w = { data: weight, shape: layer.weight },
        b = { data: bias, shape: [layer.weight[0]] };
      const info = resolveConv2dCall(x, w, b, layer.options);
      const kernel = kernelForInfo(info);
      // Like a caller running a layer in a loop: one output buffer, reused.
      const out = { data: new Float32Array(elementCount(info.outputShape)), shape: info.outputShape };
      const options = { ...layer.options, threads, out };
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
    unsupported: () => null,
    async prepare({ info, input, weight, bias }) {
      const ort = (kind === 'node'
        ? (await import('onnxruntime-node')).default
        : await import('onnxruntime-web')) as unknown as OrtModule;
      if (kind === 'web') {
        (ort.env.wasm as { numThreads?: number }).numThreads = threads;
      }
      const session = await ort.InferenceSession.create(await onnxConvModel(info, weight, bias), {
        ...(kind === 'node' ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
      });
      const feeds = { x: new ort.Tensor('float32', input, [info.batch, info.inChannels, info.inHeight, info.inWidth]) };
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
    unsupported({ info }) {
      const depthwise = info.groups === info.inChannels && info.inChannelsPerGroup === 1;
      if (info.groups !== 1 && !depthwise) return 'TF.js has no grouped convolution other than depthwise';
      if ((info.strideHeight > 1 || info.strideWidth > 1) && (info.dilationHeight > 1 || info.dilationWidth > 1)) {
        return 'TF.js refuses stride > 1 together with dilation > 1';
      }
      return null;
    },
    async prepare({ info, input, weight, bias }) {
      const tf = await tfjs(backend);
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

/** convlab on the GPU (WebGPU), end to end: upload, run, read back. */
function webgpuPeer(): Peer {
  return {
    id: 'convlab-webgpu',
    label: 'convlab WebGPU',
    threads: 1,
    native: false,
    unsupported: () => null,
    async prepare({ layer, input, weight, bias }) {
      const x = { data: input, shape: layer.input },
        w = { data: weight, shape: layer.weight },
        b = { data: bias, shape: [layer.weight[0]] };
      const options = { ...layer.options, backend: 'webgpu' as const };
      await conv2dAsync(x, w, b, options); // acquires the device, or reports why not
      const run = () => conv2dAsync(x, w, b, options);
      return { run, output: async () => (await run()).data, detail: 'webgpu' };
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
