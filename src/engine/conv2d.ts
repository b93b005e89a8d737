import { type Conv2dCallOptions, resolveConv2dCall } from '../core/call.js';
import { resolveExecution, resolveOut } from '../core/execution.js';
import { checkOutputAllocatable } from '../core/resolve.js';
import { type Tensor, elementCount } from '../core/tensor.js';
import { runConv2d, runConv2dAsync } from '../kernels/run.js';

/**
 * The public convolution calls: check and settle the arguments (core), then run the kernel the
 * dispatcher picks (kernels/run.ts). This module sits above both, so core imports no kernel.
 */

const tensorsOf = (input: Tensor, weight: Tensor, bias: Tensor | null | undefined) => (bias ? [input.data, weight.data, bias.data] : [input.data, weight.data]);

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
  const { backend } = resolveExecution(raw);
  const out = resolveOut(raw, info.outputShape, tensorsOf(input, weight, bias));
  if (!out) checkOutputAllocatable(info);
  const output = out ? out.data : new Float32Array(elementCount(info.outputShape));
  runConv2d(info, input.data, weight.data, bias ? bias.data : null, output, backend);
  return out ?? { data: output, shape: info.outputShape };
}

/**
 * {@link conv2d} on a pool of worker threads (`threads`, default: the machine's cores), sharing the
 * kernels' memory. Small layers, which threads cannot speed up, run on the calling thread.
 *
 * @example
 * const y = await conv2dAsync(x, w, b, { padding: 1, threads: 2 });
 */
export async function conv2dAsync(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: Conv2dCallOptions): Promise<Tensor> {
  const info = resolveConv2dCall(input, weight, bias, options);
  const raw = (options ?? {}) as Record<string, unknown>;
  const { backend, threads } = resolveExecution(raw);
  const out = resolveOut(raw, info.outputShape, tensorsOf(input, weight, bias));
  if (!out) checkOutputAllocatable(info);
  const output = out ? out.data : new Float32Array(elementCount(info.outputShape));
  await runConv2dAsync(info, input.data, weight.data, bias ? bias.data : null, output, backend, threads);
  return out ?? { data: output, shape: info.outputShape };
}
