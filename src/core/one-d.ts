import { Conv2dError, formatValue } from '../errors/index.js';
import { checkShape } from './tensor.js';
import { checkIntegerAtLeast } from './validate.js';

/**
 * The 1-D convolutions as 2-D ones of height 1: a (N, C, L) input is a (N, C, 1, L) image and a
 * (O, C/groups, k) kernel a (O, C/groups, 1, k) one, so every rule, kernel and backend of the 2-D
 * engine serves them (PyTorch computes conv1d the same way). This module maps the arguments across
 * and words errors back in 1-D terms.
 */

export type Operation1d = 'conv1d' | 'conv_transpose1d';

/** A 1-D argument: an int, or a list of one int (PyTorch's `_single`). */
export function checkSingle(argument: string, value: unknown, min: number, rule: string): number {
  if (Array.isArray(value)) {
    if (value.length !== 1) {
      throw new Conv2dError(
        argument,
        value,
        `expected ${argument} to be a single integer value or a list of 1 values to match the convolution dimensions, but got ${argument}=${formatValue(value)}`,
      );
    }
    return checkIntegerAtLeast(argument, value[0], min, rule);
  }
  return checkIntegerAtLeast(argument, value, min, rule);
}

/** A 1-D input (N, C, L) or (C, L) as a 2-D one, (N, C, 1, L) or (C, 1, L). */
export function inputAs2d(shape: unknown, operation: Operation1d, argument = 'input'): number[] {
  checkShape(shape, argument);
  if (shape.length !== 2 && shape.length !== 3) {
    throw new Conv2dError(
      argument,
      shape,
      `Expected 2D (unbatched) or 3D (batched) input to ${operation}, but got input of size: ${formatValue(shape)}`,
    );
  }
  return [...shape.slice(0, -1), 1, shape[shape.length - 1]!];
}

/** A 1-D kernel (A, B, k) as a 2-D one (A, B, 1, k). */
export function weightAs2d(shape: unknown, operation: Operation1d): number[] {
  checkShape(shape, 'weight');
  if (shape.length !== 3) {
    const layout = operation === 'conv1d' ? 'out_channels, in_channels/groups' : 'in_channels, out_channels/groups';
    throw new Conv2dError(
      'weight',
      shape,
      `weight must be 3-dimensional (${layout}, kernel_size), but got size ${formatValue(shape)}`,
    );
  }
  return [shape[0]!, shape[1]!, 1, shape[2]!];
}

/** A 2-D shape of height 1 back in 1-D: the 1 before the last axis dropped. */
export function shapeAs1d(shape: readonly number[]): number[] {
  return [...shape.slice(0, -2), shape[shape.length - 1]!];
}

/** The arguments that are one int in 1-D and a pair (height 1 or 0 first) in 2-D. */
const SPATIAL = new Set(['stride', 'padding', 'dilation', 'outputPadding']);

/**
 * A 1-D call's options as the 2-D call's: stride s → [1, s], dilation d → [1, d], padding p → [0, p]
 * ('same' and 'valid' as they are), output padding o → [0, o]; the other keys unchanged.
 */
export function optionsAs2d(options: unknown): Record<string, unknown> {
  if (options === undefined || options === null || typeof options !== 'object' || Array.isArray(options))
    return options as Record<string, unknown>;
  const raw = options as Record<string, unknown>;
  const mapped: Record<string, unknown> = { ...raw };
  const min: Record<string, [number, string]> = {
    stride: [1, 'non-positive stride is not supported'],
    dilation: [1, 'dilation should be greater than zero'],
    padding: [0, 'negative padding is not supported'],
    outputPadding: [0, 'negative output_padding is not supported'],
  };
  for (const key of SPATIAL) {
    const value = raw[key];
    if (value === undefined || (key === 'padding' && typeof value === 'string')) continue;
    const [least, rule] = min[key]!;
    const single = checkSingle(key, value, least, rule);
    mapped[key] = [key === 'stride' || key === 'dilation' ? 1 : 0, single];
  }
  if (raw.padding === 'same' && raw.stride !== undefined && checkSingle('stride', raw.stride, 1, '') !== 1) {
    throw new Conv2dError(
      'padding',
      'same',
      `padding='same' is not supported for strided convolutions (stride = ${formatValue(raw.stride)})`,
    );
  }
  return mapped;
}

/**
 * Runs a 2-D computation for a 1-D call, rewording its errors in 1-D terms: the 2-D shapes it names
 * become the caller's shapes, `(1 x L)` sizes become `(L)`, and the pairs of the spatial arguments
 * their second value.
 */
export function inOneDimension<T>(shapes: (readonly number[])[], compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (!(error instanceof Conv2dError)) throw error;
    throw reword(error, shapes);
  }
}

function reword(error: Conv2dError, shapes: (readonly number[])[]): Conv2dError {
  let rule = error.rule;
  let value = error.value;
  for (const shape of shapes) {
    const lifted = shape.length >= 2 ? [...shape.slice(0, -1), 1, shape[shape.length - 1]!] : null;
    if (!lifted) continue;
    rule = rule.split(formatValue(lifted)).join(formatValue(shape));
    if (Array.isArray(value) && formatValue(value) === formatValue(lifted)) value = [...shape];
  }
  rule = rule.replace(/\(1 x (-?\d+)\)/g, '($1)').replace(/size 1 x (\d+)/g, 'size $1');
  rule = rule.replace(/kernel_height: 1 kernel_width: /g, 'kernel_size: ');
  if (SPATIAL.has(error.argument) && Array.isArray(value) && value.length === 2) value = value[1];
  return new Conv2dError(error.argument, value, rule);
}
