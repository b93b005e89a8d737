// A convlab worker thread in a browser (a module Web Worker): the first message carries the kernels
// and the shared memory, each later one a job.
import type { WorkerInit } from '../../core/platform.js';
import { type Job, kernelWorker } from './worker-core.js';

const scope = globalThis as unknown as {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: Job | { init: WorkerInit } }) => void): void;
};
let run: ((job: Job) => void) | null = null;
scope.addEventListener('message', ({ data }) => {
  if ('init' in data) run = kernelWorker(data.init, (message) => scope.postMessage(message));
  else run!(data);
});
