import type { Conv2dInfo } from '../../core/resolve.js';
import { gpuDevice } from './device.js';
import { WebgpuConv } from './layer.js';
import { type WebgpuKernel, planWebgpu } from './plan.js';

/**
 * conv2dAsync's GPU path. Prepared layers (pipelines, buffers, uploaded weights) are kept per
 * configuration, the most recently used first, so calling one layer again — a Conv2d's forwardAsync
 * in a loop, say — uploads only its input; its weights stay on the GPU until their values change.
 * The cache holds at most CACHED_LAYERS layers and CACHED_BYTES of GPU memory.
 */

const CACHED_LAYERS = 8;
const CACHED_BYTES = 1 << 30;
const layers = new Map<string, Promise<WebgpuConv>>();

async function preparedLayer(info: Conv2dInfo, kernel?: WebgpuKernel): Promise<WebgpuConv> {
  const plan = planWebgpu(info, kernel, undefined, (await gpuDevice()).limits);
  const key = JSON.stringify([info, plan]);
  let layer = layers.get(key);
  if (layer) {
    layers.delete(key); // re-inserted below: most recent last
  } else {
    layer = WebgpuConv.create(info, plan);
  }
  layers.set(key, layer);
  layer.catch(() => layers.delete(key));
  await evict();
  return layer;
}

async function evict(): Promise<void> {
  const entries = [...layers.entries()];
  let total = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const [key, promise] = entries[i]!;
    const layer = await promise.catch(() => null);
    total += layer?.bytes ?? 0;
    if (i < entries.length - CACHED_LAYERS || (total > CACHED_BYTES && i < entries.length - 1)) {
      layers.delete(key);
      layer?.release(); // after the runs already queued on it
    }
  }
}

/** Runs the convolution on the GPU and writes the result into `output`; returns the kernel that ran. */
export async function conv2dWebgpu(info: Conv2dInfo, input: Float32Array, weight: Float32Array, bias: Float32Array | null, output: Float32Array,
  kernel?: WebgpuKernel): Promise<WebgpuKernel> {
  const layer = await preparedLayer(info, kernel);
  await layer.run(input, output, { weight, bias });
  return layer.plan.kernel;
}
