import type { IntPair } from '../core/resolve.js';
import { checkIntPair } from '../core/validate.js';
import { Conv2dError } from '../errors/index.js';

/**
 * MaxPool2d and AvgPool2d as PyTorch shapes them (torch 1.13, checked against it by
 * scripts/fixtures/generate_network.py): per axis
 *
 *   out = floor_or_ceil((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1
 *
 * and with ceil_mode, the last window is dropped when it would start in the right padding
 * ((out − 1)·stride ≥ in + padding). Refusals in PyTorch's words: stride zero, kernel zero, padding
 * above half the kernel, an output of no cells.
 */

export interface PoolOptions {
  kernelSize: IntPair;
  /** Default: the kernel size. */
  stride?: IntPair | null;
  padding?: IntPair;
  /** MaxPool2d only. */
  dilation?: IntPair;
  ceilMode?: boolean;
}

export interface PoolAxis {
  kernel: number;
  stride: number;
  padding: number;
  dilation: number;
}

/** The pooling's settings per axis (height, width), checked as PyTorch checks them. */
export function resolvePoolSettings(
  kind: 'maxPool2d' | 'avgPool2d',
  options: PoolOptions,
): { axes: [PoolAxis, PoolAxis]; ceilMode: boolean } {
  const pair = (name: string, value: unknown, min: number, rule: string) => checkIntPair(name, value, min, rule);
  const kernel = pair(
    'kernelSize',
    options.kernelSize,
    0,
    'kernelSize must be a non-negative integer or a pair of them',
  );
  const stride =
    options.stride === undefined || options.stride === null
      ? kernel
      : pair('stride', options.stride, 0, 'stride must be a non-negative integer or a pair of them');
  if (stride[0] === 0 || stride[1] === 0)
    throw new Conv2dError('stride', options.stride ?? kernel, 'stride should not be zero');
  if (kernel[0] === 0 || kernel[1] === 0)
    throw new Conv2dError('kernelSize', options.kernelSize, 'kernel size should be greater than zero');
  const padding = pair(
    'padding',
    options.padding ?? 0,
    Number.NEGATIVE_INFINITY,
    'padding must be an integer or a pair of them',
  );
  if (padding[0] < 0 || padding[1] < 0)
    throw new Conv2dError('padding', options.padding, `pad must be non-negative, but got pad: ${Math.min(...padding)}`);
  if (kind === 'avgPool2d' && options.dilation !== undefined)
    throw new Conv2dError('dilation', options.dilation, 'AvgPool2d has no dilation (MaxPool2d has)');
  const dilation = pair(
    'dilation',
    options.dilation ?? 1,
    Number.NEGATIVE_INFINITY,
    'dilation must be an integer or a pair of them',
  );
  if (dilation[0] <= 0 || dilation[1] <= 0)
    throw new Conv2dError(
      'dilation',
      options.dilation,
      `dilation should be greater than zero, but got dilationH: ${dilation[0]} dilationW: ${dilation[1]}`,
    );
  for (let a = 0; a < 2; a++) {
    if (padding[a]! > kernel[a]! / 2)
      throw new Conv2dError(
        'padding',
        options.padding,
        `pad should be at most half of kernel size, but got pad=${padding[a]} and kernel_size=${kernel[a]}`,
      );
  }
  if (options.ceilMode !== undefined && typeof options.ceilMode !== 'boolean')
    throw new Conv2dError('ceilMode', options.ceilMode, 'ceilMode must be true or false');
  const axis = (a: 0 | 1): PoolAxis => ({
    kernel: kernel[a]!,
    stride: stride[a]!,
    padding: padding[a]!,
    dilation: dilation[a]!,
  });
  return { axes: [axis(0), axis(1)], ceilMode: options.ceilMode === true };
}

/** One axis's output size (may be 0 or less: the caller refuses it with the whole shape). */
export function poolOutputSize(
  size: number,
  { kernel, stride, padding, dilation }: PoolAxis,
  ceilMode: boolean,
): number {
  const span = size + 2 * padding - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= size + padding) out--;
  return out;
}
