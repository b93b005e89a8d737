// A convlab worker thread: takes a plan's tasks from the shared counter until none are left.
import { parentPort, workerData } from 'node:worker_threads';
import { type Plan, runTasksFromCounter } from '../wasm/plan.js';
import { instantiate } from '../wasm/runtime.js';

const { module, memory } = workerData as { module: WebAssembly.Module; memory: WebAssembly.Memory };
const kernels = instantiate(module, memory);

parentPort!.on('message', ({ id, plan, slot }: { id: number; plan: Plan; slot: number }) => {
  try {
    const bias = plan.bias ? new Float32Array(memory.buffer, plan.bias, plan.O) : null;
    runTasksFromCounter(kernels, plan, memory, slot, bias);
    parentPort!.postMessage({ id });
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message });
  }
});
