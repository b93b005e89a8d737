// A convlab worker thread in Node (worker_threads): started with the kernels and the shared memory
// as workerData, then one message per job.
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerInit } from '../../core/platform.js';
import { kernelWorker } from './worker-core.js';

const run = kernelWorker(workerData as WorkerInit, (message) => parentPort!.postMessage(message));
parentPort!.on('message', run);
