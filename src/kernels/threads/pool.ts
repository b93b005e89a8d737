import { type KernelWorker, platform } from '../../core/platform.js';
import type { Plan } from '../wasm/plan.js';
import type { WasmHeap } from '../wasm/runtime.js';

/**
 * A pool of worker threads that run plan tasks on the shared WebAssembly memory, started by the
 * platform: worker_threads in Node, module Web Workers in browsers (where shared memory needs
 * `crossOriginIsolated`). Each worker
 * holds its own instance of the kernels over the same memory; a job is one message per worker with
 * the plan, and one reply when done. All threads, the calling one included, take tasks from one
 * shared counter, so a faster core does more of them.
 */

export class WorkerPool {
  readonly #workers: KernelWorker[] = [];
  readonly #pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #nextId = 1;

  private constructor() {}

  /** A pool of `count` workers over `heap`'s memory; null where workers cannot share it. */
  static async create(heap: WasmHeap, count: number): Promise<WorkerPool | null> {
    if (count < 1) return null;
    const pool = new WorkerPool();
    for (let i = 0; i < count; i++) {
      const worker = await platform().startWorker({ module: heap.module, memory: heap.memory });
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
