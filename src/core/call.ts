/** A conv2d call's tensors and options, checked against each other and settled (the engine runs what this returns). */
import { Conv2dError, formatValue } from '../errors/index.js';
import { type Conv2dInfo, type Conv2dOptions, checkInputShape, resolveConv2d, resolveSettings } from './resolve.js';
import { type Tensor, checkTensor } from './tensor.js';
import { EXECUTION_OPTION_KEYS, type ExecutionOptions } from './execution.js';
import { CONV2D_OPTION_KEYS } from './resolve.js';

/** What `conv2d` computes (PyTorch's arguments) and how it runs (backend, threads). */
export type Conv2dCallOptions = Conv2dOptions & ExecutionOptions;
export const CALL_OPTION_KEYS = [...CONV2D_OPTION_KEYS, ...EXECUTION_OPTION_KEYS];

/**
 * Checks the tensors of a convolution against each other and the options, and resolves them into a
 * {@link Conv2dInfo}. Messages follow PyTorch's `F.conv2d`.
 */
export function resolveConv2dCall(input: unknown, weight: unknown, bias: unknown, options: unknown): Conv2dInfo {
  checkTensor(input, 'input');
  checkTensor(weight, 'weight');
  if (bias !== null && bias !== undefined) checkTensor(bias, 'bias');
  return resolveConv2dShapes(input.shape, weight.shape, bias ? (bias as Tensor).shape : null, options);
}

/**
 * {@link resolveConv2dCall} from the tensors' shapes alone — for tensors whose data is elsewhere
 * (on the GPU). The same checks and messages.
 */
export function resolveConv2dShapes(
  inputShape: readonly number[],
  weightShape: readonly number[],
  biasShape: readonly number[] | null,
  options: unknown,
): Conv2dInfo {
  const settings = resolveSettings(options as Conv2dOptions | undefined, CALL_OPTION_KEYS);

  const {
    batched,
    batch,
    channels: inChannels,
    height: inHeight,
    width: inWidth,
  } = checkInputShape(inputShape, 'input');

  if (weightShape.length !== 4) {
    throw new Conv2dError(
      'weight',
      weightShape,
      `weight must be 4-dimensional (out_channels, in_channels/groups, kernel_height, kernel_width), but got size ${formatValue(weightShape)}`,
    );
  }
  const [outChannels, weightChannels, kernelHeight, kernelWidth] = weightShape as [number, number, number, number];
  if (kernelHeight < 1 || kernelWidth < 1) {
    throw new Conv2dError(
      'weight',
      weightShape,
      `kernel size should be greater than zero, but got kernel_height: ${kernelHeight} kernel_width: ${kernelWidth}`,
    );
  }
  if (outChannels < 1 || weightChannels < 1) {
    throw new Conv2dError(
      'weight',
      weightShape,
      'the out_channels and in_channels/groups dimensions of weight must be at least 1',
    );
  }
  const { groups } = settings;
  if (outChannels % groups !== 0) {
    throw new Conv2dError(
      'weight',
      weightShape,
      `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${formatValue(weightShape)} instead`,
    );
  }
  if (inChannels !== weightChannels * groups) {
    throw new Conv2dError(
      'input',
      inputShape,
      `Given groups=${groups}, weight of size ${formatValue(weightShape)}, expected input${formatValue(inputShape)} to have ${weightChannels * groups} channels, but got ${inChannels} channels instead`,
    );
  }
  const hasBias = biasShape !== null;
  if (biasShape && (biasShape.length !== 1 || biasShape[0] !== outChannels)) {
    throw new Conv2dError(
      'bias',
      biasShape,
      `Given weight of size ${formatValue(weightShape)}, expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size ${formatValue(biasShape)} instead`,
    );
  }

  return resolveConv2d(
    {
      batched,
      batch,
      inChannels,
      inHeight,
      inWidth,
      outChannels,
      kernelHeight,
      kernelWidth,
      hasBias,
      kernelArgument: 'weight',
    },
    settings,
  );
}
