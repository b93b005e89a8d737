// A convlab worker thread (worker_threads in Node, a module Web Worker in browsers): takes a plan's
// tasks from the shared counter until none are left, on its own instance of the kernels.
import { IS_NODE } from '../../core/platform.js';
import { type Plan, runTasksFromCounter } from '../wasm/plan.js';
import { type KernelExports, instantiate } from '../wasm/runtime.js';

interface Init { module: WebAssembly.Module; memory: WebAssembly.Memory }
interface Job { id: number; plan: Plan; slot: number }

let memory: WebAssembly.Memory | null = null;
let kernels: KernelExports | null = null;
let reply: (message: unknown) => void;

function start(init: Init): void {
  memory = init.memory;
  kernels = instantiate(init.module, init.memory);
}

function run({ id, plan, slot }: Job): void {
  try {
    const bias = plan.bias ? new Float32Array(memory!.buffer, plan.bias, plan.O) : null;
    runTasksFromCounter(kernels!, plan, memory!, slot, bias);
    reply({ id });
  } catch (error) {
    reply({ id, error: (error as Error).message });
  }
}

if (IS_NODE) {
  const { parentPort, workerData } = await import('node:worker_threads');
  start(workerData as Init);
  reply = (message) => parentPort!.postMessage(message);
  parentPort!.on('message', run);
} else {
  const scope = globalThis as unknown as { postMessage(message: unknown): void; addEventListener(type: 'message', listener: (event: { data: Job | { init: Init } }) => void): void };
  reply = (message) => scope.postMessage(message);
  scope.addEventListener('message', ({ data }) => ('init' in data ? start(data.init) : run(data)));
}
