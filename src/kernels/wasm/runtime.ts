import {
  MAX_MEMORY_PAGES,
  RELAXED_UNSHARED_WASM_BASE64,
  RELAXED_WASM_BASE64,
  SIMD_UNSHARED_WASM_BASE64,
  SIMD_WASM_BASE64,
} from './generated/kernels.js';
import { MR, NR } from './tile.js';

/**
 * Loading the WebAssembly kernels: feature detection (SIMD128, relaxed SIMD, shared memory), one
 * compiled module, and instances bound to one shared memory — the main thread's and each worker's.
 */

/** The kernels' exports; every pointer is a byte offset into the shared memory. */
export interface KernelExports {
  microTileRows(): number;
  microTileColumns(): number;
  im2col(
    input: number,
    C: number,
    H: number,
    W: number,
    kH: number,
    kW: number,
    sH: number,
    sW: number,
    dH: number,
    dW: number,
    padT: number,
    padL: number,
    Wo: number,
    p0: number,
    pn: number,
    col: number,
  ): void;
  packWeights(weight: number, M: number, K: number, packed: number): void;
  gemm(
    packed: number,
    B: number,
    panelBytes: number,
    rowBytes: number,
    out: number,
    ldo: number,
    M: number,
    N: number,
    K: number,
    bias: number,
    tail: number,
  ): void;
  depthwisePlane(
    x: number,
    Wp: number,
    w: number,
    kH: number,
    kW: number,
    sH: number,
    sW: number,
    dH: number,
    dW: number,
    biasValue: number,
    Ho: number,
    Wo: number,
    out: number,
    tail: number,
  ): void;
  winogradWeights(
    weight: number,
    Cg: number,
    Og: number,
    gr: number,
    oFirst: number,
    oEnd: number,
    packed: number,
    blockStride: number,
    scratch: number,
  ): void;
  winogradInput(
    input: number,
    planeBytes: number,
    rowStride: number,
    colStep: number,
    Cg: number,
    H: number,
    W: number,
    padT: number,
    padL: number,
    tilesX: number,
    t0: number,
    tn: number,
    V: number,
    xiStride: number,
    patch: number,
  ): void;
  winogradOutput(
    M: number,
    xiStride: number,
    Og: number,
    T: number,
    tilesX: number,
    t0: number,
    tn: number,
    Ho: number,
    Wo: number,
    out: number,
    planeBytes: number,
    rowStride: number,
    colStep: number,
    bias: number,
    scratch: number,
  ): void;
  withinMagnitude(data: number, n: number, bound: number): number;
  sameBits(a: number, b: number, n: number): number;
  padZeros(
    input: number,
    C: number,
    H: number,
    W: number,
    padT: number,
    padL: number,
    Wp: number,
    planeFloats: number,
    out: number,
  ): void;
}

/** The native decoder where there is one (Uint8Array.fromBase64: recent browsers, Node 25+). */
const fromBase64 = (Uint8Array as { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> }).fromBase64;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  if (fromBase64) return fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export interface WasmSupport {
  /** Whether the kernels can run here at all (WebAssembly SIMD128). */
  available: boolean;
  /** Whether the fused multiply-add flavour is in use. */
  relaxedSimd: boolean;
  /** Whether the kernels' memory is shared, so worker threads can run them (false on pages that are not cross-origin isolated). */
  sharedMemory: boolean;
  /** Why not, when not available. */
  reason?: string;
}

let compiled: { module: WebAssembly.Module | null; support: WasmSupport } | null = null;

function sharedMemoryWorks(): boolean {
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/**
 * Compiles, once, the best build this platform validates: relaxed SIMD if it can, else SIMD128; on
 * shared memory where that exists (threads possible), else on ordinary memory (one thread).
 */
export function kernelModule(): { module: WebAssembly.Module | null; support: WasmSupport } {
  if (compiled) return compiled;
  const sharedMemory = sharedMemoryWorks();
  const candidates: [string, boolean][] = sharedMemory
    ? [
        [RELAXED_WASM_BASE64, true],
        [SIMD_WASM_BASE64, false],
      ]
    : [
        [RELAXED_UNSHARED_WASM_BASE64, true],
        [SIMD_UNSHARED_WASM_BASE64, false],
      ];
  for (const [base64, relaxedSimd] of candidates) {
    const bytes = decodeBase64(base64);
    if (WebAssembly.validate(bytes)) {
      compiled = { module: new WebAssembly.Module(bytes), support: { available: true, relaxedSimd, sharedMemory } };
      return compiled;
    }
  }
  compiled = {
    module: null,
    support: {
      available: false,
      relaxedSimd: false,
      sharedMemory,
      reason: 'this platform does not validate WebAssembly SIMD128',
    },
  };
  return compiled;
}

/** An instance of the kernels on `memory` (the main thread's, or a worker's copy of the same memory). */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  // The planner packs MR × NR panels: a module built with another tile would compute garbage.
  if (kernels.microTileRows() !== MR || kernels.microTileColumns() !== NR) {
    throw new Error(
      `convlab: the WebAssembly kernels were built with a ${kernels.microTileRows()}×${kernels.microTileColumns()} tile, the planner expects ${MR}×${NR} (rebuild: node scripts/build-wasm.mjs)`,
    );
  }
  return kernels;
}

export const PAGE_BYTES = 65536;
export { MAX_MEMORY_PAGES };

/** The main thread's memory and instance; grown on demand, never shrunk. */
export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  readonly kernels: KernelExports;
  readonly module: WebAssembly.Module;
  #f32: Float32Array;

  constructor(module: WebAssembly.Module, shared: boolean) {
    this.module = module;
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_MEMORY_PAGES, shared });
    this.kernels = instantiate(module, this.memory);
    this.#f32 = new Float32Array(this.memory.buffer);
  }

  /** Makes the memory at least `bytes` long. */
  ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE_BYTES);
      if (have / PAGE_BYTES + pages > MAX_MEMORY_PAGES)
        throw new RangeError(
          `the WebAssembly kernels need ${bytes} bytes, more than the 4 GiB a wasm32 memory can hold`,
        );
      this.memory.grow(pages);
    }
    if (this.#f32.buffer.byteLength !== this.memory.buffer.byteLength) this.#f32 = new Float32Array(this.memory.buffer);
  }

  /** A float32 view of the whole memory (valid until the next `ensure`). */
  get f32(): Float32Array {
    return this.#f32;
  }
}

const heaps: { sync: WasmHeap | null; async: WasmHeap | null } = { sync: null, async: null };

/**
 * The heap for synchronous calls (`'sync'`) or for the worker pool (`'async'`): two memories, so a
 * synchronous call never overwrites buffers that workers are still reading. Null when the kernels
 * cannot run here.
 */
/**
 * Drops a heap so its memory can be collected (WebAssembly memory can grow but never shrink): the
 * dispatcher does this after a call that needed a large one. The next call makes a fresh, small heap.
 */
export function releaseHeap(use: 'sync' | 'async'): void {
  heaps[use] = null;
}

export function mainHeap(use: 'sync' | 'async' = 'sync'): WasmHeap | null {
  const existing = heaps[use];
  if (existing) return existing;
  const { module, support } = kernelModule();
  if (!support.available || !module) return null;
  const heap = new WasmHeap(module, support.sharedMemory);
  heaps[use] = heap;
  return heap;
}
