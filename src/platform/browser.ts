import {
  type KernelWorker,
  type Platform,
  type WebGpuEntry,
  type WorkerInit,
  currentSettings,
} from '../core/platform.js';

/**
 * The browser platform: cores from `navigator.hardwareConcurrency`, kernel workers as module Web
 * Workers (shared WebAssembly memory needs a cross-origin isolated page: served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`), the GPU
 * from `navigator.gpu`. Nothing here names a Node module, so bundlers need no configuration.
 */

const scope = globalThis as {
  navigator?: { hardwareConcurrency?: number; userAgent?: string; gpu?: GPU };
  crossOriginIsolated?: boolean;
  Worker?: typeof Worker;
};

export const browserPlatform: Platform = {
  name: 'browser',
  get cores() {
    return scope.navigator?.hardwareConcurrency ?? 1;
  },
  get machine() {
    return scope.navigator?.userAgent?.match(/(Chrome|Firefox|Safari)\/[\d.]+/)?.[0] ?? 'a browser';
  },
  runtime: 'browser',
  get workers() {
    return Boolean(scope.Worker && scope.crossOriginIsolated);
  },
  async startWorker(init: WorkerInit): Promise<KernelWorker | null> {
    if (!scope.Worker || !scope.crossOriginIsolated) return null;
    // Written out literally so that bundlers (Vite, webpack) find the worker and bundle it; in the
    // built package worker-browser.js sits in kernels/threads/. Where a bundler does not (esbuild),
    // configure({ workerUrl }) names the one-file copy, dist/convlab-worker.js.
    const { workerUrl } = currentSettings();
    const worker =
      workerUrl !== undefined
        ? new Worker(workerUrl, { type: 'module' })
        : new Worker(new URL('../kernels/threads/worker-browser.js', import.meta.url), { type: 'module' });
    worker.postMessage({ init });
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
      onError: (listener) => worker.addEventListener('error', (event) => listener(new Error(event.message))),
      keepAlive: () => {},
      terminate: async () => worker.terminate(),
    };
  },
  async gpu(): Promise<WebGpuEntry | string> {
    return (
      scope.navigator?.gpu ??
      'this browser does not offer WebGPU (navigator.gpu is missing; it needs a recent Chrome, Edge or Safari, and a secure context: https or localhost)'
    );
  },
};
