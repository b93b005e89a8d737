import type { Conv2dInfo } from '../../core/resolve.js';
import { gpuDevice } from './device.js';
import { WebgpuConv } from './layer.js';
import { type WebgpuKernel, planWebgpu } from './plan.js';
import type { Epilogue } from './wgsl.js';

/**
 * conv2dAsync's GPU path. Prepared layers (pipelines, buffers, uploaded weights) are kept per
 * configuration, the most recently used last, so calling one layer again — a Conv2d's forwardAsync
 * in a loop, say — uploads only its input; its weights stay on the GPU until their values change.
 * The cache keeps at most CACHED_LAYERS layers and CACHED_BYTES of GPU memory; a layer is freed only
 * when no call is using it (calls in flight count their layer as used).
 */

const CACHED_LAYERS = 8;
const CACHED_BYTES = 1 << 30;

interface Entry {
  layer: Promise<WebgpuConv>;
  /** The layer once created. */
  ready: WebgpuConv | null;
  /** Calls in flight on it. */
  users: number;
}

const entries = new Map<string, Entry>();

/** Frees the least recently used idle layers beyond the cache's limits. */
function evict(): void {
  const list = [...entries.entries()];
  let total = 0;
  for (let i = list.length - 1; i >= 0; i--) {
    const [key, entry] = list[i]!;
    total += entry.ready?.bytes ?? 0;
    const beyond = i < list.length - CACHED_LAYERS || (total > CACHED_BYTES && i < list.length - 1);
    if (beyond && entry.users === 0 && entry.ready) {
      entries.delete(key);
      entry.ready.destroy();
    }
  }
}

/**
 * Runs `work` on the prepared layer for `info` (made, or found in the cache, for the table's kernel
 * or `kernel`), counting it as in use meanwhile: the one home of the cache's bookkeeping.
 */
export async function withLayer<T>(
  info: Conv2dInfo,
  kernel: WebgpuKernel | undefined,
  work: (layer: WebgpuConv) => Promise<T>,
  epilogue: Epilogue = 'none',
): Promise<T> {
  const plan = planWebgpu(info, kernel, undefined, (await gpuDevice()).limits);
  const key = JSON.stringify([info, plan, epilogue]);
  let entry = entries.get(key);
  if (entry) {
    entries.delete(key); // re-inserted below: most recent last
  } else {
    const created: Entry = { layer: WebgpuConv.create(info, plan, epilogue), ready: null, users: 0 };
    created.layer.then(
      (layer) => {
        created.ready = layer;
      },
      () => {
        if (entries.get(key) === created) entries.delete(key);
      },
    );
    entry = created;
  }
  entries.set(key, entry);
  entry.users++;
  try {
    return await work(await entry.layer);
  } finally {
    entry.users--;
    evict();
  }
}

/** Runs the convolution on the GPU and writes the result into `output`; returns the kernel that ran. */
export async function conv2dWebgpu(
  info: Conv2dInfo,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  output: Float32Array,
  kernel?: WebgpuKernel,
): Promise<WebgpuKernel> {
  // An empty output (a batch of 0) has nothing to compute: WebGPU refuses zero-sized buffers (issue 14).
  if (output.length === 0) return planWebgpu(info, kernel, undefined, (await gpuDevice()).limits).kernel;
  return withLayer(info, kernel, async (layer) => {
    await layer.run(input, output, { weight, bias });
    return layer.plan.kernel;
  });
}

/** Prepared layers held now (for tests). */
export function cachedLayerCount(): number {
  return entries.size;
}
