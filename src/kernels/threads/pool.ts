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

/** How long a worker may take to load its script and instantiate the kernels. */
const WORKER_START_MS = 10_000;

export class WorkerPool {
  readonly #workers: KernelWorker[] = [];
  readonly #pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  /** Jobs posted to each worker and not answered yet. */
  readonly #busy = new Map<KernelWorker, number>();
  #nextId = 1;

  private constructor() {}

  /**
   * A pool of `count` workers over `heap`'s memory, each started and ready; or why there is none —
   * the platform cannot share the memory with workers, or a worker failed to start (a bundler that
   * did not ship the worker script, a blocked script): the caller then runs on one thread.
   */
  static async create(heap: WasmHeap, count: number): Promise<WorkerPool | string> {
    if (count < 1) return 'no worker was asked for';
    const pool = new WorkerPool();
    for (let i = 0; i < count; i++) {
      const worker = await platform().startWorker({ module: heap.module, memory: heap.memory });
      if (!worker) {
        await pool.close();
        return platform().name === 'browser'
          ? 'this page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)'
          : `the ${platform().name} platform has no worker threads`;
      }
      const ready = new Promise<string | null>((resolve) => {
        const timer = setTimeout(
          () => resolve(`a worker did not start within ${WORKER_START_MS / 1000} s`),
          WORKER_START_MS,
        );
        worker.onMessage((message) => {
          if (message.ready) {
            clearTimeout(timer);
            resolve(null);
            return;
          }
          // Jobs can overlap (a call may return before a late worker's reply; the next one posts):
          // the worker keeps the process alive until it has answered them all.
          const busy = (pool.#busy.get(worker) ?? 1) - 1;
          pool.#busy.set(worker, busy);
          if (busy === 0) worker.keepAlive(false);
          const job = pool.#pending.get(message.id);
          if (!job) return;
          pool.#pending.delete(message.id);
          if (message.error) job.reject(new Error(message.error));
          else job.resolve();
        });
        worker.onError((error) => {
          clearTimeout(timer);
          resolve(
            `a worker failed to start: ${error.message || 'its script could not be loaded'} (a bundler that does not bundle workers, such as esbuild, needs configure({ workerUrl }) pointing at a copy of convlab/dist/convlab-worker.js)`,
          );
          for (const job of pool.#pending.values()) job.reject(error);
          pool.#pending.clear();
        });
      });
      pool.#workers.push(worker);
      const failure = await ready;
      if (failure) {
        await pool.close();
        return failure;
      }
      worker.keepAlive(false); // an idle pool never keeps the process alive; a busy worker does (see run)
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
      this.#busy.set(worker, (this.#busy.get(worker) ?? 0) + 1);
      worker.keepAlive(true); // until its replies arrive
      worker.post({ id, plan, slot });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
    this.#workers.length = 0;
  }
}
