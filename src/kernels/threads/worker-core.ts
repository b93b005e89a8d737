import type { WorkerInit } from '../../core/platform.js';
import { type Plan, runTasksFromCounter } from '../wasm/plan.js';
import { type KernelExports, instantiate } from '../wasm/runtime.js';

/**
 * The body of a convlab worker thread, the same in Node and in browsers (worker-node.ts and
 * worker-browser.ts only carry the messages): its own instance of the kernels over the shared
 * memory; for each job, take a plan's tasks from the shared counter until none are left, then reply.
 */

export interface Job {
  id: number;
  plan: Plan;
  slot: number;
}

/**
 * Instantiates the kernels over the shared memory and answers `{ ready: true }` (id 0) — the pool
 * waits for it, so a worker that cannot start is known before any job is handed to it.
 */
export function kernelWorker(
  init: WorkerInit,
  reply: (message: { id: number; error?: string; ready?: boolean }) => void,
): (job: Job) => void {
  const { memory } = init;
  const kernels: KernelExports = instantiate(init.module, memory);
  reply({ id: 0, ready: true });
  return ({ id, plan, slot }) => {
    try {
      const bias = plan.bias ? new Float32Array(memory.buffer, plan.bias, plan.O) : null;
      runTasksFromCounter(kernels, plan, memory, slot, bias);
      reply({ id });
    } catch (error) {
      reply({ id, error: (error as Error).message });
    }
  };
}
