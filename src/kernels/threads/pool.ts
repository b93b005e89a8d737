import { IS_NODE } from '../../core/platform.js';
import type { Plan } from '../wasm/plan.js';
import type { WasmHeap } from '../wasm/runtime.js';

/**
 * A pool of worker threads that run plan tasks on the main thread's shared WebAssembly memory
 * (worker_threads in Node). Each worker holds its own instance of the kernels over the same memory;
 * a job is one message per worker with the plan, and one reply when done. All threads, the calling one
 * included, take tasks from one shared counter, so a faster core does more of them.
 */

interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: { id: number; error?: string }) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

/** The worker script: beside this file when built; the built copy when running from TypeScript sources. */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../../../dist/kernels/threads/worker.js', here)
    : new URL('./worker.js', here);
}

export class WorkerPool {
  readonly #workers: NodeWorker[] = [];
  readonly #pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #nextId = 1;

  private constructor() {}

  /** A pool of `count` workers over `heap`'s memory (Node only for now; null elsewhere). */
  static async create(heap: WasmHeap, count: number): Promise<WorkerPool | null> {
    if (!IS_NODE || count < 1) return null;
    const { Worker } = await import('node:worker_threads');
    const pool = new WorkerPool();
    for (let i = 0; i < count; i++) {
      const worker = new Worker(workerUrl(), { workerData: { module: heap.module, memory: heap.memory } }) as unknown as NodeWorker;
      worker.on('message', ({ id, error }) => {
        worker.unref();
        const job = pool.#pending.get(id);
        if (!job) return;
        pool.#pending.delete(id);
        if (error) job.reject(new Error(error)); else job.resolve();
      });
      worker.on('error', (error) => {
        for (const job of pool.#pending.values()) job.reject(error);
        pool.#pending.clear();
      });
      worker.unref(); // an idle pool never keeps the process alive; a busy worker does (see run)
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
      worker.ref(); // until its reply arrives
      worker.postMessage({ id, plan, slot });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
    this.#workers.length = 0;
  }
}
