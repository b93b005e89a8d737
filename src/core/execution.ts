import { Conv2dError, formatValue } from '../errors/index.js';
import { CORES } from './platform.js';
import { checkIntegerAtLeast } from './validate.js';

/** How to run a convolution (not what it computes). */
export interface ExecutionOptions {
  /**
   * `'auto'` (default) picks the fastest path for the layer; `'reference'` forces the plain reference
   * loops; `'wasm'` forces the WebAssembly SIMD kernels (an error where they are unavailable).
   */
  backend?: 'auto' | 'reference' | 'wasm';
  /**
   * Threads for `conv2dAsync` (default: the machine's cores). `conv2d`, being synchronous, always runs
   * on the calling thread.
   */
  threads?: number;
}

export const EXECUTION_OPTION_KEYS = ['backend', 'threads'] as const;
export const BACKENDS = ['auto', 'reference', 'wasm'] as const;
export type Backend = (typeof BACKENDS)[number];

/** The most threads convlab will start. */
export const MAX_THREADS = 64;

/** The machine's cores: os.availableParallelism in Node, navigator.hardwareConcurrency in browsers. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(MAX_THREADS, CORES));
}

export function resolveExecution(raw: Record<string, unknown>): { backend: Backend; threads: number } {
  const backend = raw.backend ?? 'auto';
  if (typeof backend !== 'string' || !(BACKENDS as readonly string[]).includes(backend)) {
    throw new Conv2dError('backend', backend, `backend must be one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}, but got ${formatValue(backend)}`);
  }
  const threads = raw.threads === undefined ? defaultThreads()
    : checkIntegerAtLeast('threads', raw.threads, 1, `threads must be an integer from 1 to ${MAX_THREADS}`);
  if (threads > MAX_THREADS) throw new Conv2dError('threads', threads, `threads must be an integer from 1 to ${MAX_THREADS}`);
  return { backend: backend as Backend, threads };
}
