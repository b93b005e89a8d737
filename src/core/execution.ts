import { Conv2dError, formatValue } from '../errors/index.js';
import { platform } from './platform.js';
import { type Tensor, checkTensor } from './tensor.js';
import { checkIntegerAtLeast } from './validate.js';

/** How to run a convolution (not what it computes). */
export interface ExecutionOptions {
  /**
   * `'auto'` (default) picks the fastest path for the layer; `'reference'` forces the plain reference
   * loops; `'wasm'` forces the WebAssembly SIMD kernels (an error where they are unavailable);
   * `'webgpu'` runs on the GPU (`conv2dAsync` only: the GPU answers asynchronously).
   * A list is a preference order, like onnxruntime's execution providers: `['webgpu', 'wasm']` runs
   * on the GPU where there is one and on the WebAssembly kernels otherwise — the first backend that is
   * available here is used; only when none is does the call fail, with the last one's reason.
   */
  backend?: Backend | readonly Backend[];
  /**
   * Threads for `conv2dAsync` (default: the machine's cores). `conv2d`, being synchronous, always runs
   * on the calling thread.
   */
  threads?: number;
  /**
   * A tensor of the output's shape to write into, instead of allocating one per call (fresh memory
   * is slow to touch: reuse buffers in loops). It is returned. It must not share memory with the input.
   */
  out?: Tensor;
}

export const EXECUTION_OPTION_KEYS = ['backend', 'threads', 'out'] as const;
export const BACKENDS = ['auto', 'reference', 'wasm', 'webgpu'] as const;
export type Backend = (typeof BACKENDS)[number];

/** The most threads convlab will start. */
export const MAX_THREADS = 64;

/** The machine's cores: os.availableParallelism in Node, navigator.hardwareConcurrency in browsers. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(MAX_THREADS, platform().cores));
}

export function resolveExecution(raw: Record<string, unknown>): { backends: Backend[]; threads: number } {
  const given = raw.backend ?? 'auto';
  const list = Array.isArray(given) ? given : [given];
  if (list.length === 0) throw new Conv2dError('backend', given, 'backend must name at least one backend');
  for (const backend of list) {
    if (typeof backend !== 'string' || !(BACKENDS as readonly string[]).includes(backend)) {
      throw new Conv2dError(
        'backend',
        given,
        `backend must be one of ${BACKENDS.map((b) => `'${b}'`).join(', ')} (or a list of them in order of preference), but got ${formatValue(given)}`,
      );
    }
  }
  const threads =
    raw.threads === undefined
      ? defaultThreads()
      : checkIntegerAtLeast('threads', raw.threads, 1, `threads must be an integer from 1 to ${MAX_THREADS}`);
  if (threads > MAX_THREADS)
    throw new Conv2dError('threads', threads, `threads must be an integer from 1 to ${MAX_THREADS}`);
  return { backends: list as Backend[], threads };
}

/** Checks a caller's `out` tensor against the output shape; null when none was given. */
export function resolveOut(
  raw: Record<string, unknown>,
  outputShape: readonly number[],
  inputs: Float32Array[],
): Tensor | null {
  const out = raw.out;
  if (out === undefined || out === null) return null;
  checkTensor(out, 'out');
  if (out.shape.length !== outputShape.length || out.shape.some((d, i) => d !== outputShape[i])) {
    throw new Conv2dError('out', out.shape, `out must have the output's shape ${formatValue(outputShape)}`);
  }
  for (const input of inputs) {
    if (sharesMemory(input, out.data))
      throw new Conv2dError('out', out.shape, 'out must not share memory with the input, weight or bias');
  }
  return out;
}

/** A NaN with a payload no computation makes: the probe's marker. */
const MARKER_BITS = 0x7fc0_c0de;

/**
 * Whether two float arrays share memory. One buffer: compare the byte ranges. Two
 * SharedArrayBuffer objects can still be views of one memory (structuredClone of a
 * SharedArrayBuffer gives a second object over the same bytes), which no property shows; then a
 * marker is written into one array's first and last element and the other's first, looked for in
 * the other array, and the values put back — two contiguous ranges overlap only if one holds an end
 * of the other. Only for that case, so ordinary calls pay nothing.
 */
function sharesMemory(a: Float32Array, b: Float32Array): boolean {
  if (a.buffer === b.buffer)
    return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
  if (!(a.buffer instanceof SharedArrayBuffer && b.buffer instanceof SharedArrayBuffer)) return false;
  if (a.length === 0 || b.length === 0) return false;
  const probe = (write: Float32Array, at: number, read: Float32Array): boolean => {
    const bits = new Uint32Array(write.buffer, write.byteOffset, write.length);
    const readBits = new Uint32Array(read.buffer, read.byteOffset, read.length);
    const saved = bits[at]!;
    bits[at] = MARKER_BITS;
    const seen = readBits.includes(MARKER_BITS);
    bits[at] = saved;
    return seen;
  };
  return probe(b, 0, a) || probe(b, b.length - 1, a) || probe(a, 0, b);
}
