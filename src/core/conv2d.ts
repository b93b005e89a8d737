import { Conv2dError, formatValue } from '../errors/index.js';
import { type Conv2dInfo, type Conv2dOptions, checkOutputAllocatable, resolveConv2d, resolveSettings } from './resolve.js';
import { type Tensor, checkTensor, elementCount } from './tensor.js';
import { EXECUTION_OPTION_KEYS, type ExecutionOptions, resolveExecution, resolveOut } from './execution.js';

const tensorsOf = (input: Tensor, weight: Tensor, bias: Tensor | null | undefined) => (bias ? [input.data, weight.data, bias.data] : [input.data, weight.data]);
import { runConv2d, runConv2dAsync } from '../kernels/run.js';
import { CONV2D_OPTION_KEYS } from './resolve.js';

/** What `conv2d` computes (PyTorch's arguments) and how it runs (backend, threads). */
export type Conv2dCallOptions = Conv2dOptions & ExecutionOptions;
const CALL_OPTION_KEYS = [...CONV2D_OPTION_KEYS, ...EXECUTION_OPTION_KEYS];

/**
 * Checks the tensors of a convolution against each other and the options, and resolves them into a
 * {@link Conv2dInfo}. Messages follow PyTorch's `F.conv2d`.
 */
export function resolveConv2dCall(input: unknown, weight: unknown, bias: unknown, options: unknown): Conv2dInfo {
  checkTensor(input, 'input');
  checkTensor(weight, 'weight');
  if (bias !== null && bias !== undefined) checkTensor(bias, 'bias');
  const settings = resolveSettings(options as Conv2dOptions | undefined, CALL_OPTION_KEYS);

  if (input.shape.length !== 3 && input.shape.length !== 4) {
    throw new Conv2dError('input', input.shape,
      `Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ${formatValue(input.shape)}`);
  }
  const batched = input.shape.length === 4;
  const [batch, inChannels, inHeight, inWidth] = batched ? input.shape : [1, ...input.shape];
  if (inChannels! < 1 || inHeight! < 1 || inWidth! < 1) {
    throw new Conv2dError('input', input.shape, 'the channel, height and width dimensions of the input must be at least 1');
  }

  if (weight.shape.length !== 4) {
    throw new Conv2dError('weight', weight.shape,
      `weight must be 4-dimensional (out_channels, in_channels/groups, kernel_height, kernel_width), but got size ${formatValue(weight.shape)}`);
  }
  const [outChannels, weightChannels, kernelHeight, kernelWidth] = weight.shape as [number, number, number, number];
  if (kernelHeight < 1 || kernelWidth < 1) {
    throw new Conv2dError('weight', weight.shape,
      `kernel size should be greater than zero, but got kernel_height: ${kernelHeight} kernel_width: ${kernelWidth}`);
  }
  if (outChannels < 1 || weightChannels < 1) {
    throw new Conv2dError('weight', weight.shape, 'the out_channels and in_channels/groups dimensions of weight must be at least 1');
  }
  const { groups } = settings;
  if (outChannels % groups !== 0) {
    throw new Conv2dError('weight', weight.shape,
      `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${formatValue(weight.shape)} instead`);
  }
  if (inChannels !== weightChannels * groups) {
    throw new Conv2dError('input', input.shape,
      `Given groups=${groups}, weight of size ${formatValue(weight.shape)}, expected input${formatValue(input.shape)} to have ${weightChannels * groups} channels, but got ${inChannels} channels instead`);
  }
  const hasBias = bias !== null && bias !== undefined;
  if (hasBias && ((bias as Tensor).shape.length !== 1 || (bias as Tensor).shape[0] !== outChannels)) {
    throw new Conv2dError('bias', (bias as Tensor).shape,
      `Given weight of size ${formatValue(weight.shape)}, expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size ${formatValue((bias as Tensor).shape)} instead`);
  }

  return resolveConv2d({
    batched, batch: batch!, inChannels: inChannels!, inHeight: inHeight!, inWidth: inWidth!,
    outChannels, kernelHeight, kernelWidth, hasBias, kernelArgument: 'weight',
  }, settings);
}

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
