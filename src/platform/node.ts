import { availableParallelism, cpus } from 'node:os';
import type { KernelWorker, Platform, WebGpuEntry, WorkerInit } from '../core/platform.js';

/**
 * The Node platform: cores from `os`, kernel workers on `worker_threads`, the GPU through the
 * optional `webgpu` package (dawn.node), loaded only when a GPU is asked for.
 */

/** The worker script: beside the built threads module; the built copy when running from TypeScript sources. */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../../dist/kernels/threads/worker-node.js', here)
    : new URL('../kernels/threads/worker-node.js', here);
}

/**
 * dawn.node's GPU object, kept for the life of the process: if it were garbage-collected, dawn.node
 * would crash at the next await (docs/gpu.md).
 */
let dawn: GPU | null = null;

export const nodePlatform: Platform = {
  name: 'node',
  get cores() {
    return availableParallelism();
  },
  get machine() {
    return cpus()[0]?.model ?? 'unknown processor';
  },
  runtime: `Node ${process.version}`,
  workers: true,
  async startWorker(init: WorkerInit): Promise<KernelWorker> {
    // Loaded with the first worker: importing worker_threads costs ~4 ms, which a process that only
    // calls conv2d (one thread) need not pay.
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(workerUrl(), { workerData: init });
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (listener) => worker.on('message', listener),
      onError: (listener) => worker.on('error', listener),
      keepAlive: (on) => (on ? worker.ref() : worker.unref()),
      terminate: () => worker.terminate(),
    };
  },
  async gpu(): Promise<WebGpuEntry | string> {
    if (dawn) return dawn;
    let webgpu: { create(flags: string[]): GPU; globals: Record<string, unknown> };
    try {
      webgpu = (await import('webgpu')) as never;
    } catch {
      return "WebGPU in Node needs the optional dependency 'webgpu' (npm install webgpu)";
    }
    Object.assign(globalThis, webgpu.globals);
    // Dawn rounds GPU timestamps to 100 µs by default (a browser's guard against timing attacks);
    // a Node process measures its own kernels, so it asks for them unrounded.
    dawn = webgpu.create(['disable-dawn-features=timestamp_quantization']);
    return dawn;
  },
};
