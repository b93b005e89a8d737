import { IS_NODE } from '../../core/platform.js';
import type { Plan } from '../wasm/plan.js';
import type { WasmHeap } from '../wasm/runtime.js';

/**
 * A pool of worker threads that run plan tasks on the shared WebAssembly memory: worker_threads in
 * Node, module Web Workers in browsers (where shared memory needs `crossOriginIsolated`). Each worker
 * holds its own instance of the kernels over the same memory; a job is one message per worker with
 * the plan, and one reply when done. All threads, the calling one included, take tasks from one
 * shared counter, so a faster core does more of them.
 */

/** What the pool needs of a worker, in Node or in a browser. */
interface PoolWorker {
  post(message: unknown): void;
  onMessage(listener: (message: { id: number; error?: string }) => void): void;
  onError(listener: (error: Error) => void): void;
  /** Node only: whether the worker keeps the process alive. */
  keepAlive(on: boolean): void;
  terminate(): Promise<unknown>;
}

/** The worker script: beside this file when built; the built copy when running from TypeScript sources. */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../../../dist/kernels/threads/worker.js', here)
    : new URL('./worker.js', here);
}

async function startWorker(heap: WasmHeap): Promise<PoolWorker | null> {
  const init = { module: heap.module, memory: heap.memory };
  if (IS_NODE) {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(workerUrl(), { workerData: init });
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (listener) => worker.on('message', listener),
      onError: (listener) => worker.on('error', listener),
      keepAlive: (on) => (on ? worker.ref() : worker.unref()),
      terminate: () => worker.terminate(),
    };
  }
  const scope = globalThis as { Worker?: typeof Worker; crossOriginIsolated?: boolean };
  if (!scope.Worker || !scope.crossOriginIsolated) return null;
  // Written out literally so that bundlers (Vite, webpack) find the worker and bundle it; in the
  // built package worker.js sits beside this file.
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.postMessage({ init });
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    onError: (listener) => worker.addEventListener('error', (event) => listener(new Error(event.message))),
    keepAlive: () => {},
    terminate: async () => worker.terminate(),
  };
}

export class WorkerPool {
  readonly #workers: PoolWorker[] = [];
  readonly #pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #nextId = 1;

  private constructor() {}

  /** A pool of `count` workers over `heap`'s memory; null where workers cannot share it. */
  static async create(heap: WasmHeap, count: number): Promise<WorkerPool | null> {
    if (count < 1) return null;
    const pool = new WorkerPool();
    for (let i = 0; i < count; i++) {
      const worker = await startWorker(heap);
      if (!worker) return null;
      worker.onMessage(({ id, error }) => {
        worker.keepAlive(false);
        const job = pool.#pending.get(id);
        if (!job) return;
        pool.#pending.delete(id);
        if (error) job.reject(new Error(error)); else job.resolve();
      });
      worker.onError((error) => {
        for (const job of pool.#pending.values()) job.reject(error);
        pool.#pending.clear();
      });
      worker.keepAlive(false); // an idle pool never keeps the process alive; a busy worker does (see run)
      pool.#workers.push(worker);
    }
    return pool;
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Has worker `slot − 1` take tasks of `plan` from the shared counter, with scratch slot `slot`. */
  run(plan: Plan, slot: number): Promise<void> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const worker = this.#workers[slot - 1]!;
      worker.keepAlive(true); // until its reply arrives
      worker.post({ id, plan, slot });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
    this.#workers.length = 0;
  }
}
