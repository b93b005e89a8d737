import { randomFill } from '../src/core/random.js';
import { compareOutputs, compareToScale } from '../src/core/compare.js';
import { kernelEntry } from '../src/kernels/table.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { type Tensor, tensor } from '../src/index.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/**
 * Whether the build is there: worker threads run the built worker script (dist/), so the unit tests
 * (`npm run test:unit`, no build) check threaded paths only when it exists; `npm test` always builds.
 */
export const BUILT = existsSync(fileURLToPath(new URL('../dist/kernels/threads/worker-node.js', import.meta.url)));

interface EncodedTensor {
  shape: number[];
  data: string;
}

export interface ValidCase {
  name: string;
  input: EncodedTensor;
  weight: EncodedTensor;
  bias: EncodedTensor | null;
  options: {
    stride: number | number[];
    padding: number | number[] | string;
    dilation: number | number[];
    groups: number;
    paddingMode: string;
  };
  parameterCount: number;
  output: EncodedTensor;
}

export interface RefusedCase {
  name: string;
  argument: string;
  api: 'module' | 'functional';
  inputShape: number[];
  weightShape: number[] | null;
  biasLength: number | null;
  module: { inChannels: number; outChannels: number; kernelSize: number | number[] } | null;
  options: Record<string, unknown>;
  torchError: string;
}

export interface TorchFixtures {
  torch: string;
  tolerance: { absolute: number; relative: number };
  valid: ValidCase[];
  refused: RefusedCase[];
}

/** JSON cannot hold Infinity: the generator writes {"nonFinite": "Infinity"}. */
function reviveNonFinite(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && 'nonFinite' in value)
    return Number((value as { nonFinite: string }).nonFinite);
  return value;
}

export function loadTorchFixtures(): TorchFixtures {
  return JSON.parse(readFileSync(`${FIXTURES}conv2d-torch.json`, 'utf8'), reviveNonFinite) as TorchFixtures;
}

export function decode(encoded: EncodedTensor): Tensor {
  const bytes = Buffer.from(encoded.data, 'base64');
  const data = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(data.buffer).set(bytes);
  return tensor(data, encoded.shape);
}

/**
 * Elementwise |actual − expected| ≤ absolute + relative·|expected| (numpy's allclose), with a
 * message that names the first bad index and the largest error.
 */
export function expectClose(actual: Tensor, expected: Tensor, absolute = 1e-4, relative = 1e-4): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.data.length).toBe(expected.data.length);
  const { agrees, firstBad, maxError } = compareOutputs(actual.data, expected.data, absolute, relative);
  if (!agrees) {
    throw new Error(
      `mismatch at index ${firstBad}: got ${actual.data[firstBad]}, expected ${expected.data[firstBad]} (largest error ${maxError})`,
    );
  }
}

/**
 * The closeness check a kernel is held to (its table entry's `rounding`): elementwise, or relative to
 * the output's scale (Winograd), both at 1e-4.
 */
export function kernelAgrees(kernel: string, actual: ArrayLike<number>, expected: ArrayLike<number>): boolean {
  return kernelEntry(kernel)?.rounding === 'scale'
    ? compareToScale(actual, expected).agrees
    : compareOutputs(actual, expected).agrees;
}

/** expectClose, by the check the kernel is held to (see kernelAgrees). */
export function expectKernelClose(kernel: string, actual: Tensor, expected: Tensor): void {
  if (kernelEntry(kernel)?.rounding !== 'scale') {
    expectClose(actual, expected);
    return;
  }
  expect(actual.shape).toEqual(expected.shape);
  const { agrees, firstBad, maxError, maxExpected } = compareToScale(actual.data, expected.data);
  if (!agrees)
    throw new Error(
      `mismatch at index ${firstBad}: got ${actual.data[firstBad]}, expected ${expected.data[firstBad]} (largest error ${maxError}, ${maxError / maxExpected} of the output's scale)`,
    );
}

/** A tensor of the given shape filled by the seeded generator (core/random.ts): the same values every run. */
export function seededTensor(shape: number[], seed: number): Tensor {
  return tensor(
    randomFill(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

export interface TransposedCase {
  name: string;
  input: EncodedTensor;
  weight: EncodedTensor;
  bias: EncodedTensor | null;
  options: Record<string, unknown>;
  output: EncodedTensor;
  outputSize?: number[] | null;
  parameterCount?: number;
}
export interface BackwardCase {
  name: string;
  input: EncodedTensor;
  weight: EncodedTensor;
  gradOutput: EncodedTensor;
  options: Record<string, unknown> & { bias: boolean };
  gradInput: EncodedTensor;
  gradWeight: EncodedTensor;
  gradBias: EncodedTensor | null;
}
export interface TransposedRefused {
  name: string;
  argument: string;
  op: 'conv_transpose2d' | 'conv1d' | 'conv_transpose1d';
  api: 'module' | 'functional';
  inputShape: number[];
  weightShape: number[] | null;
  biasLength: number | null;
  module: { inChannels: number; outChannels: number; kernelSize: number | number[] } | null;
  outputSize: number[] | null;
  options: Record<string, unknown>;
  torchError: string;
}
/** scripts/fixtures/generate_transposed.py's cases (test/fixtures/transposed-torch.json). */
export function loadTransposedFixtures() {
  return JSON.parse(readFileSync(`${FIXTURES}transposed-torch.json`, 'utf8')) as {
    torch: string;
    tolerance: { absolute: number; relative: number };
    transposed2d: TransposedCase[];
    backward: BackwardCase[];
    conv1d: TransposedCase[];
    transposed1d: TransposedCase[];
    causal1d: TransposedCase[];
    refused: TransposedRefused[];
  };
}
