// A convlab worker thread: runs its share of a plan's tasks on the shared WebAssembly memory.
import { parentPort, workerData } from 'node:worker_threads';
import { type Plan, runTask } from '../wasm/plan.js';
import { instantiate } from '../wasm/runtime.js';

const { module, memory } = workerData as { module: WebAssembly.Module; memory: WebAssembly.Memory };
const kernels = instantiate(module, memory);

parentPort!.on('message', ({ id, plan, first, step }: { id: number; plan: Plan; first: number; step: number }) => {
  try {
    const bias = plan.bias ? new Float32Array(memory.buffer, plan.bias, plan.O) : null;
    for (let task = first; task < plan.tasks; task += step) runTask(kernels, plan, task, first, bias);
    parentPort!.postMessage({ id });
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message });
  }
});
