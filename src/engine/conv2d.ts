import { type Conv2dCallOptions, resolveConv2dCall } from '../core/call.js';
import { type Backend, resolveExecution, resolveOut } from '../core/execution.js';
import { Conv2dError } from '../errors/index.js';
import { type Conv2dInfo, checkOutputAllocatable } from '../core/resolve.js';
import { type Tensor, elementCount } from '../core/tensor.js';
import { runConv2d, runConv2dAsync, runsAtOnce } from '../kernels/run.js';
import { releaseStaged, stagedCopy } from './staging.js';

/**
 * The public convolution calls: check and settle the arguments (core), then run the kernel the
 * dispatcher picks (kernels/run.ts). This module sits above both, so core imports no kernel.
 */

/**
 * Runs `attempt` with each backend in order of preference until one is available here: a backend
 * that cannot run (no GPU, no WebAssembly SIMD, the GPU asked of the synchronous call) throws a
 * Conv2dError about `backend` before computing anything, and the next one is tried.
 */
function firstAvailable<T>(backends: readonly Backend[], attempt: (backend: Backend) => T): T;
function firstAvailable<T>(backends: readonly Backend[], attempt: (backend: Backend) => Promise<T>): Promise<T>;
function firstAvailable<T>(
  backends: readonly Backend[],
  attempt: (backend: Backend) => T | Promise<T>,
): T | Promise<T> {
  const unavailable = (error: unknown) => error instanceof Conv2dError && error.argument === 'backend';
  const tryFrom = (i: number): T | Promise<T> => {
    const last = i === backends.length - 1;
    try {
      const result = attempt(backends[i]!);
      if (result instanceof Promise)
        return last
          ? result
          : result.catch((error) => {
              if (unavailable(error)) return tryFrom(i + 1);
              throw error;
            });
      return result;
    } catch (error) {
      if (last || !unavailable(error)) throw error;
      return tryFrom(i + 1);
    }
  };
  return tryFrom(0);
}

const tensorsOf = (input: Tensor, weight: Tensor, bias: Tensor | null | undefined) =>
  bias ? [input.data, weight.data, bias.data] : [input.data, weight.data];

/**
 * 2-D convolution with PyTorch's `torch.nn.functional.conv2d` semantics, on the calling thread.
 *
 * @param input  (N, C, H, W), or unbatched (C, H, W)
 * @param weight (O, C/groups, kH, kW)
 * @param bias   (O), or null/undefined for none
 * @param options PyTorch's stride, padding, dilation, groups, paddingMode; and `backend`
 * @returns (N, O, H_out, W_out), or (O, H_out, W_out) for an unbatched input
 * @throws Conv2dError naming the argument, the value and the rule, for every configuration PyTorch refuses
 *
 * @example
 * const x = tensor(new Float32Array(3 * 7 * 7).fill(1), [1, 3, 7, 7]);
 * const w = tensor(new Float32Array(2 * 3 * 3 * 3).fill(0.1), [2, 3, 3, 3]);
 * const y = conv2d(x, w, null, { stride: 2, padding: 1, dilation: 2 }); // y.shape = [1, 2, 3, 3]
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: Conv2dCallOptions): Tensor {
  const info = resolveConv2dCall(input, weight, bias, options);
  const raw = (options ?? {}) as Record<string, unknown>;
  const { backends } = resolveExecution(raw);
  const out = resolveOut(raw, info.outputShape, tensorsOf(input, weight, bias));
  if (!out) checkOutputAllocatable(info);
  const output = out ? out.data : new Float32Array(elementCount(info.outputShape));
  return computeNow(info, backends, input, weight, bias, output, out);
}

/** The call computed on the calling thread, by the first backend available, into `output`. */
function computeNow(
  info: Conv2dInfo,
  backends: readonly Backend[],
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  output: Float32Array,
  out: Tensor | null,
): Tensor {
  convolveInto(info, backends, input.data, weight.data, bias ? bias.data : null, output);
  return out ?? { data: output, shape: info.outputShape };
}

/**
 * The convolution `info` describes, computed on the calling thread by the first of `backends`
 * available here, into `output`. For the operations built of convolutions (the transposed
 * convolution's phases, the gradients), which resolve their own `info`.
 */
export function convolveInto(
  info: Conv2dInfo,
  backends: readonly Backend[],
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  output: Float32Array,
): void {
  firstAvailable(backends, (backend) => runConv2d(info, input, weight, bias, output, backend));
}

/**
 * {@link convolveInto} on the worker pool or the GPU, as {@link conv2dAsync} runs it: a layer too
 * small for threads at once, the others on copies of the operands taken now — unless `owned`: the
 * caller's operands are its own and will not change until the promise settles (the transposed
 * convolution's phases, the gradients' rearranged tensors), so no copy is needed.
 */
export async function convolveIntoAsync(
  info: Conv2dInfo,
  backends: readonly Backend[],
  threads: number,
  input: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  output: Float32Array,
  owned = false,
): Promise<void> {
  if (backends.every((backend) => runsAtOnce(info, backend, threads))) {
    convolveInto(info, backends, input, weight, bias, output);
    return;
  }
  if (owned) {
    await firstAvailable(backends, (backend) => runConv2dAsync(info, input, weight, bias, output, backend, threads));
    return;
  }
  // Captured now: the work may start after other calls queued on the kernels' memory, or after the
  // GPU answers, and the caller may reuse its buffers meanwhile (issue 14).
  const x = stagedCopy(input),
    w = stagedCopy(weight),
    b = bias ? stagedCopy(bias) : null;
  try {
    await firstAvailable(backends, (backend) => runConv2dAsync(info, x, w, b, output, backend, threads));
  } finally {
    releaseStaged(x, w, b);
  }
}

/**
 * {@link conv2d} on a pool of worker threads (`threads`, default: the machine's cores), sharing the
 * kernels' memory. Small layers, which threads cannot speed up, run on the calling thread.
 *
 * The input, weight and bias are read when the call is made, whatever the layer's size or backend:
 * changing their data while the promise is pending does not change the result (a layer too small
 * for threads is computed at once; the others work on copies made first, in buffers reused from
 * call to call). Only `out` is written later, when the promise resolves.
 *
 * @example
 * const y = await conv2dAsync(x, w, b, { padding: 1, threads: 2 });
 */
export async function conv2dAsync(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: Conv2dCallOptions,
): Promise<Tensor> {
  const info = resolveConv2dCall(input, weight, bias, options);
  const raw = (options ?? {}) as Record<string, unknown>;
  const { backends, threads } = resolveExecution(raw);
  const out = resolveOut(raw, info.outputShape, tensorsOf(input, weight, bias));
  if (!out) checkOutputAllocatable(info);
  const output = out ? out.data : new Float32Array(elementCount(info.outputShape));
  await convolveIntoAsync(info, backends, threads, input.data, weight.data, bias ? bias.data : null, output);
  return out ?? { data: output, shape: info.outputShape };
}
