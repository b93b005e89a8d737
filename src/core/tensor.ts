import { Conv2dError, formatValue } from '../errors/index.js';

/** A dense float32 tensor in C (row-major) order: `data[i]` for index (a, b, c) of shape (A, B, C) is at `(a·B + b)·C + c`. */
export interface Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/**
 * The largest tensor convlab will allocate, in elements (2^30 float32 = 4 GiB). A configuration whose
 * output would be larger is refused before anything is allocated.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 30;

/** Number of elements of a shape (1 for the scalar shape []). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/**
 * Refuses, before anything is allocated, a tensor of `shape` larger than {@link MAX_TENSOR_ELEMENTS};
 * `argument` names it (the output, a layer's weight). Returns the element count.
 */
export function checkAllocatable(argument: string, shape: readonly number[]): number {
  const elements = elementCount(shape);
  if (elements > MAX_TENSOR_ELEMENTS) {
    const gib = (elements * 4) / 2 ** 30;
    const count = elements < 1e15 ? String(elements) : elements.toExponential(2);
    throw new Conv2dError(
      argument,
      shape,
      `the ${argument} would have ${count} elements (${gib < 1e6 ? gib.toFixed(1) : gib.toExponential(1)} GiB); convlab allocates at most ${MAX_TENSOR_ELEMENTS} elements (4 GiB) per tensor`,
    );
  }
  return elements;
}

/** Checks that `shape` is a list of non-negative safe integers; `argument` names it in the error. */
export function checkShape(shape: unknown, argument: string): asserts shape is number[] {
  if (!Array.isArray(shape))
    throw new Conv2dError(argument, shape, 'a shape must be an array of non-negative integers');
  for (const dim of shape) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw new Conv2dError(
        argument,
        shape,
        `every dimension must be a non-negative integer, but got ${formatValue(dim)}`,
      );
    }
  }
  if (!Number.isSafeInteger(elementCount(shape))) {
    throw new Conv2dError(argument, shape, 'the number of elements is too large to represent');
  }
}

/**
 * Wraps data in a tensor of the given shape. A `Float32Array` is used as is (no copy); a number
 * array is converted to float32.
 *
 * @example
 * const x = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
 */
export function tensor(data: Float32Array | readonly number[], shape: readonly number[]): Tensor {
  checkShape(shape, 'shape');
  let values: Float32Array;
  if (data instanceof Float32Array) values = data;
  else if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      if (typeof data[i] !== 'number') {
        throw new Conv2dError('data', data[i], `every element must be a number, but element ${i} is not`);
      }
    }
    values = Float32Array.from(data);
  } else throw new Conv2dError('data', data, 'data must be a Float32Array or an array of numbers');
  const expected = elementCount(shape);
  if (values.length !== expected) {
    throw new Conv2dError(
      'data',
      `${values.length} elements`,
      `shape [${shape.join(', ')}] needs ${expected} elements`,
    );
  }
  return { data: values, shape: [...shape] };
}

/** Checks that `value` is a tensor: a Float32Array whose length is the product of a valid shape. */
export function checkTensor(value: unknown, argument: string): asserts value is Tensor {
  if (typeof value !== 'object' || value === null || !('data' in value) || !('shape' in value)) {
    throw new Conv2dError(
      argument,
      value,
      'expected a tensor { data: Float32Array, shape: number[] } (use tensor(data, shape))',
    );
  }
  const { data, shape } = value as { data: unknown; shape: unknown };
  checkShape(shape, `${argument}.shape`);
  if (!(data instanceof Float32Array)) {
    throw new Conv2dError(`${argument}.data`, data, 'tensor data must be a Float32Array');
  }
  const expected = elementCount(shape);
  if (data.length !== expected) {
    throw new Conv2dError(
      `${argument}.data`,
      `${data.length} elements`,
      `shape [${shape.join(', ')}] needs ${expected} elements`,
    );
  }
}
