import { Conv2dError } from '../errors/index.js';
import { MAX_TENSOR_ELEMENTS, elementCount } from '../core/tensor.js';
import type { Backend } from '../core/execution.js';
import type { Conv2dInfo } from '../core/resolve.js';
import { conv2dReference } from './reference.js';
import { selectKernel, threadsPay } from './select.js';
import { type KernelName, type KernelOf, firstKernel, kernelEntry } from './table.js';
import { WorkerPool } from './threads/pool.js';
import { platform } from '../core/platform.js';
import { biasView, planCall, prepare, readOutput, runPrepared } from './wasm/conv.js';
import { COUNTER_SETS, type Plan, allTasksDone, resetTaskCounters, runTasksFromCounter } from './wasm/plan.js';
import { type WasmHeap, kernelModule, mainHeap, releaseHeap } from './wasm/runtime.js';

/** Dispatch: the kernel `selectKernel` names, on the calling thread or on the worker pool. */

/** Which backend a forced kernel belongs to (the table says); undefined when none is forced. */
function backendOf(kernel: KernelName | undefined) {
  return kernel === undefined ? undefined : kernelEntry(kernel)!.backend;
}

/**
 * What one call may add to the process, in bytes: its output and the kernels' memory together stay
 * within the 4 GiB a single tensor may take (MAX_TENSOR_ELEMENTS), so the limit holds for the
 * process and not only for one array. A WebAssembly kernel that would pass it gives way to the
 * reference kernel (no copies); forced, it is refused.
 */
const MAX_CALL_BYTES = 4 * MAX_TENSOR_ELEMENTS;
/** After a call whose kernel memory passed this, the heap is dropped (memory never shrinks otherwise). */
const RELEASE_HEAP_BYTES = 256 * 2 ** 20;

/**
 * The memory rule: a WebAssembly kernel whose memory, beside the output, would pass MAX_CALL_BYTES
 * gives way to the reference kernel under 'auto', and is refused, saying why, when asked for.
 */
function withinMemory(
  info: Conv2dInfo,
  kernel: KernelName,
  backend: Backend,
  threads: number,
  outputLength: number,
  forced = false,
): { kernel: KernelName; plan: Plan | null } {
  if (kernelEntry(kernel)!.backend !== 'wasm') return { kernel, plan: null };
  const plan = planCall(info, threads, kernel as KernelOf<'wasm'>);
  const bytes = plan.end;
  if (bytes + 4 * outputLength <= MAX_CALL_BYTES) return { kernel, plan };
  // A kernel that needs more memory than the next one of the table (Winograd keeps 4× the layer's
  // weights, transformed) gives way to it before the reference kernel does — unless it was forced.
  const next = forced ? undefined : firstKernel(info, 'wasm', kernel);
  if (next) return withinMemory(info, next, backend, threads, outputLength);
  if (backend === 'auto') return { kernel: 'reference', plan: null };
  throw new Conv2dError(
    'backend',
    'wasm',
    `the WebAssembly kernels would need ${(bytes / 2 ** 30).toFixed(1)} GiB of their own memory beside the ${((4 * outputLength) / 2 ** 30).toFixed(1)} GiB output (at most ${MAX_CALL_BYTES / 2 ** 30} GiB together); the reference kernel needs none (backend 'auto' or 'reference')`,
  );
}

/**
 * The kernel a call of `info` runs under the memory rule: `selected` (selectKernel's choice), or the
 * one it gives way to when its memory would pass the limit (`kernelForInfo` reports this).
 */
export function kernelWithinMemory(info: Conv2dInfo, selected: KernelName, backend: Backend): KernelName {
  return withinMemory(info, selected, backend, 1, elementCount(info.outputShape)).kernel;
}

/**
 * Fills the heap for `plan`; when its kernel cannot take these values (Winograd and an operand that is
 * not finite or too large, wasm/conv.ts), plans the next WebAssembly kernel of the table that suits
 * the layer instead — the im2col GEMM, which follows the definition cell by cell — or the reference
 * kernel where that would pass the memory rule. Returns what will run; plan null means the reference.
 */
function prepareOrFallBack(
  heap: WasmHeap,
  info: Conv2dInfo,
  chosen: { kernel: KernelName; plan: Plan },
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  threads: number,
  outputLength: number,
): { kernel: KernelName; plan: Plan | null } {
  const prepared = prepare(heap, chosen.plan, info, input, weight, bias);
  if (prepared) return { kernel: chosen.kernel, plan: prepared };
  const next = firstKernel(info, 'wasm', chosen.kernel)!;
  const fallback = withinMemory(info, next, 'auto', threads, outputLength);
  if (!fallback.plan) return fallback;
  return { kernel: fallback.kernel, plan: prepare(heap, fallback.plan, info, input, weight, bias) };
}

const asyncOnly = () =>
  new Conv2dError('backend', 'webgpu', 'the GPU answers asynchronously: use conv2dAsync (or Conv2d.forwardAsync)');

function heapFor(backend: Backend, use: 'sync' | 'async' = 'sync'): WasmHeap | null {
  if (backend === 'reference') return null;
  const heap = mainHeap(use);
  if (!heap && backend === 'wasm') {
    throw new Conv2dError(
      'backend',
      'wasm',
      `the WebAssembly kernels are unavailable here: ${kernelModule().support.reason}`,
    );
  }
  return heap;
}

/**
 * Runs the convolution on the calling thread; returns the kernel that ran. `force` names a kernel to
 * run instead of `selectKernel`'s choice (for tests and benchmarks; it must suit the layer).
 */
export function runConv2d(
  info: Conv2dInfo,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  output: Float32Array,
  backend: Backend,
  force?: KernelName,
): KernelName {
  const forced = backendOf(force);
  if (backend === 'webgpu' || forced === 'webgpu') throw asyncOnly();
  const heap = heapFor(forced ?? backend);
  const { kernel, plan } = withinMemory(
    info,
    force ?? selectKernel(info, { wasm: heap !== null }, backend),
    force ? 'wasm' : backend,
    1,
    output.length,
    force !== undefined,
  );
  if (!plan) {
    conv2dReference(info, input, weight, bias, output);
    return kernel;
  }
  const ran = prepareOrFallBack(heap!, info, { kernel, plan }, input, weight, bias, 1, output.length);
  if (ran.plan) runPrepared(heap!, ran.plan, output);
  else conv2dReference(info, input, weight, bias, output);
  if (plan.end > RELEASE_HEAP_BYTES || (ran.plan?.end ?? 0) > RELEASE_HEAP_BYTES) releaseHeap('sync');
  return ran.kernel;
}

let pool: WorkerPool | null = null;
let poolStarting: Promise<WorkerPool | null> | null = null;
/** Why the last attempt to start workers failed (then calls run on one thread), or null. */
let workersUnavailable: string | null = null;

/** The shared pool, grown to at least `workers` workers (started on first use, kept for the process); null where workers cannot run. */
async function workerPool(heap: WasmHeap, workers: number): Promise<WorkerPool | null> {
  while (poolStarting) await poolStarting;
  if (pool && pool.size >= workers) return pool;
  if (workersUnavailable) return null;
  poolStarting = (async () => {
    const started = await WorkerPool.create(heap, workers);
    if (typeof started === 'string') {
      workersUnavailable = started;
      return pool; // a smaller pool that did start is still good
    }
    const old = pool;
    pool = started;
    if (old) await old.close();
    return pool;
  })();
  try {
    return await poolStarting;
  } finally {
    poolStarting = null;
  }
}

/**
 * How many threads conv2dAsync can use here, and if only one, why: starts the pool once to find out
 * (a worker that fails to load is noticed, not assumed).
 */
export async function threadSupport(wanted: number): Promise<{ threads: number; reason?: string }> {
  const heap = mainHeap('async');
  if (!heap)
    return { threads: 1, reason: `the WebAssembly kernels are unavailable here: ${kernelModule().support.reason}` };
  if (!kernelModule().support.sharedMemory) {
    return {
      threads: 1,
      reason:
        platform().name === 'browser'
          ? 'WebAssembly memory cannot be shared here: the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)'
          : 'WebAssembly memory cannot be shared here',
    };
  }
  if (wanted < 2) return { threads: 1 };
  const workers = await heapQueue.then(() => workerPool(heap, wanted - 1));
  return workers
    ? { threads: workers.size + 1 }
    : { threads: 1, ...(workersUnavailable ? { reason: workersUnavailable } : {}) };
}

/** One asynchronous call at a time owns the heap: calls queue here. */
let heapQueue: Promise<unknown> = Promise.resolve();

/**
 * The workers' replies to the last call on each set of task counters, when the call returned before
 * them (its tasks were all done): a set is not reset for a new call until they are in, so a worker
 * that woke late never takes a task of the next plan with the last one's. Calls take the sets in
 * turn, so the replies of one arrive while the next runs.
 */
const lateReplies: Promise<unknown>[] = COUNTER_SETS.map(() => Promise.resolve());
let lastSet = 0;

/**
 * Whether {@link runConv2dAsync} would compute this call at once on the calling thread — on one
 * thread, or a layer too small for threads to pay — rather than queue it for the worker pool or the
 * GPU: then the caller need not copy its operands first.
 */
export function runsAtOnce(info: Conv2dInfo, backend: Backend, threads: number): boolean {
  if (backend === 'webgpu') return false;
  if (threads === 1) return true;
  return !threadsPay(info, selectKernel(info, { wasm: kernelModule().support.available }, backend));
}

/** Runs the convolution with up to `threads` threads; returns the kernel that ran. `force` as in {@link runConv2d}. */
export async function runConv2dAsync(
  info: Conv2dInfo,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  output: Float32Array,
  backend: Backend,
  threads: number,
  force?: KernelName,
): Promise<KernelName> {
  const forced = backendOf(force);
  if (backend === 'webgpu' || forced === 'webgpu') {
    const { conv2dWebgpu } = await import('./webgpu/conv.js');
    return conv2dWebgpu(
      info,
      input,
      weight,
      bias,
      output,
      forced === 'webgpu' ? (force as KernelOf<'webgpu'>) : undefined,
    );
  }
  const heap = heapFor(forced ?? backend, 'async');
  const chosen = force ?? selectKernel(info, { wasm: heap !== null }, backend);
  const worthThreads = force !== undefined || threadsPay(info, chosen);
  if (threads === 1 || !worthThreads) return runConv2d(info, input, weight, bias, output, backend, force);
  const { kernel, plan: threadedPlan } = withinMemory(
    info,
    chosen,
    force ? 'wasm' : backend,
    threads,
    output.length,
    force !== undefined,
  );
  if (!threadedPlan) return runConv2d(info, input, weight, bias, output, backend, force);
  const run = heapQueue.then(async () => {
    const workers = kernelModule().support.sharedMemory ? await workerPool(heap!, threads - 1) : null;
    if (!workers) return runConv2d(info, input, weight, bias, output, backend, force);
    const ran = prepareOrFallBack(
      heap!,
      info,
      { kernel, plan: threadedPlan },
      input,
      weight,
      bias,
      threads,
      output.length,
    );
    if (!ran.plan) {
      conv2dReference(info, input, weight, bias, output);
      return ran.kernel;
    }
    const set = (lastSet + 1) % COUNTER_SETS.length;
    lastSet = set;
    const plan = { ...ran.plan, counters: COUNTER_SETS[set]! };
    const participants = Math.min(threads, workers.size + 1, plan.prologueTasks + plan.tasks);
    await lateReplies[set];
    resetTaskCounters(heap!.memory, plan);
    const others = Array.from({ length: participants - 1 }, (_, i) => workers.run(plan, i + 1));
    // The next call on this set of counters waits for these workers, whatever happens here.
    lateReplies[set] = Promise.allSettled(others);
    runTasksFromCounter(heap!.kernels, plan, heap!.memory, 0, biasView(heap!, plan));
    // A worker still on a task answers when it is done (or with its error); when every task is done
    // already, the answers of workers that woke late (~0.1–0.4 ms here) are not waited for.
    if (!allTasksDone(heap!.memory, plan)) await Promise.all(others);
    readOutput(heap!, plan, output);
    // A large call's memory is let go: the workers hold it too, so they go with it (restarted on demand).
    if (plan.end > RELEASE_HEAP_BYTES) {
      await Promise.all(lateReplies);
      const old = pool;
      pool = null;
      releaseHeap('async');
      await old?.close();
    }
    return ran.kernel;
  });
  heapQueue = run.catch(() => undefined);
  return run;
}
