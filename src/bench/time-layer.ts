import { type LayerOptions, convOptionsOf, resolveLayer } from '../core/describe.js';
import type { Backend } from '../core/execution.js';
import { randomFill } from '../core/random.js';
import { type Conv2dInfo, macsOf } from '../core/resolve.js';
import { MAX_TENSOR_ELEMENTS, type Tensor, elementCount } from '../core/tensor.js';
import { Conv2dError } from '../errors/index.js';
import { conv2d, conv2dAsync } from '../engine/conv2d.js';
import { kernelForInfo } from '../engine/kernel-for.js';
import type { KernelName } from '../kernels/table.js';
import { type MeasureOptions, type Timing, measure, measureSync } from './measure.js';

/**
 * Timing a layer as a user would run it: seeded tensors made once, one output buffer reused, the
 * public `conv2d` / `conv2dAsync`, measured by `measure`. The page's "measure" button, the sweeps and
 * `convlab bench --kernels` all time through here.
 */

/**
 * Refuses, before anything is allocated, a layer whose tensors — input, weight, output — would
 * together pass the 2^30 elements (4 GiB) convlab allocates: timing it would hold them all at once.
 */
export function checkLayerMemory(info: Conv2dInfo): void {
  const elements = elementCount(info.inputShape) + elementCount(info.weightShape) + elementCount(info.outputShape);
  if (elements > MAX_TENSOR_ELEMENTS) {
    throw new Conv2dError(
      'inputShape',
      info.inputShape,
      `running this layer needs ${elements.toExponential(2)} elements of input, weight and output together (${((elements * 4) / 2 ** 30).toFixed(1)} GiB); convlab allocates at most ${MAX_TENSOR_ELEMENTS} (4 GiB)`,
    );
  }
}

/** Seeded input, weight and bias for a resolved layer (seeds 1, 2, 3): the same numbers everywhere. */
export function layerTensors(info: Conv2dInfo, withBias = info.hasBias): { x: Tensor; w: Tensor; b: Tensor | null } {
  checkLayerMemory(info);
  return {
    x: { data: randomFill(elementCount(info.inputShape), 1), shape: info.inputShape },
    w: { data: randomFill(elementCount(info.weightShape), 2), shape: info.weightShape },
    b: withBias ? { data: randomFill(info.outChannels, 3), shape: [info.outChannels] } : null,
  };
}

export interface LayerTimingOptions extends MeasureOptions {
  /** As in `conv2d` (default 'auto'). */
  backend?: Backend;
  /** 1 (default): the synchronous `conv2d`; more: `conv2dAsync` on that many threads. */
  threads?: number;
}

export interface LayerTiming extends Timing {
  /** The kernel the table chooses for the layer on this platform. */
  kernel: KernelName;
  /** 2·MACs / median time. */
  gflops: number;
}

function prepare(inputShape: readonly number[], layer: LayerOptions, options: LayerTimingOptions) {
  const info = resolveLayer(inputShape, layer);
  const { x, w, b } = layerTensors(info);
  const out = { data: new Float32Array(elementCount(info.outputShape)), shape: info.outputShape };
  const backend = options.backend ?? 'auto';
  const threads = options.threads ?? 1;
  const callOptions = { ...convOptionsOf(layer), backend, threads, out };
  const finish = (timing: Timing): LayerTiming => ({
    ...timing,
    kernel: kernelForInfo(info, backend),
    gflops: (2 * macsOf(info)) / timing.medianMs / 1e6,
  });
  return { x, w, b, callOptions, finish, synchronous: threads === 1 && backend !== 'webgpu' };
}

/** Times the layer on seeded data; on the GPU or with threads through `conv2dAsync`. */
export async function timeLayer(
  inputShape: readonly number[],
  layer: LayerOptions,
  options: LayerTimingOptions = {},
): Promise<LayerTiming> {
  const { x, w, b, callOptions, finish, synchronous } = prepare(inputShape, layer, options);
  const run = synchronous ? () => conv2d(x, w, b, callOptions) : () => conv2dAsync(x, w, b, callOptions);
  return finish(await measure(run, options));
}

/** {@link timeLayer} for the synchronous `conv2d` (one thread, CPU), answering without yielding. */
export function timeLayerSync(
  inputShape: readonly number[],
  layer: LayerOptions,
  options: Omit<LayerTimingOptions, 'threads'> = {},
): LayerTiming {
  const { x, w, b, callOptions, finish } = prepare(inputShape, layer, { ...options, threads: 1 });
  return finish(measureSync(() => conv2d(x, w, b, callOptions), options));
}
