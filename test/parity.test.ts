import { randomFill } from '../src/core/random.js';
import { describe, expect, it } from 'vitest';
import { type Conv2dInfo, type KernelName, type Tensor, conv2dReference, tensor } from '../src/index.js';
import { resolveConv2dCall } from '../src/core/call.js';
import { runConv2d, runConv2dAsync } from '../src/kernels/run.js';
import { kernelsSupporting } from '../src/kernels/table.js';
import { MR, NR } from '../src/kernels/wasm/plan.js';
import { BUILT, decode, expectKernelClose, loadTorchFixtures, seededTensor } from './helpers.js';

/**
 * Parity: every WebAssembly kernel, on every conformance fixture and on the tile edges, with 1 and 2
 * threads, against the reference kernel.
 */

/** The WebAssembly kernels that can run a layer, from the kernel table: the im2col GEMM runs any. */
const kernelsFor = (info: Conv2dInfo): KernelName[] => kernelsSupporting(info, 'wasm');

function reference(info: Conv2dInfo, input: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const output = new Float32Array(info.outputShape.reduce((a, b) => a * b, 1));
  conv2dReference(info, input.data, weight.data, bias?.data ?? null, output);
  return { data: output, shape: info.outputShape };
}

/**
 * Runs every WebAssembly kernel that supports the layer, forced, and checks each against the reference.
 * `fallsBack` maps a kernel to the one that should run instead (Winograd on non-finite values).
 */
async function expectKernelsMatch(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  options: Record<string, unknown>,
  fallsBack: Partial<Record<string, KernelName>> = {},
) {
  const info = resolveConv2dCall(input, weight, bias, options);
  const expected = reference(info, input, weight, bias);
  for (const kernel of kernelsFor(info)) {
    for (const threads of BUILT ? [1, 2] : [1]) {
      const output = new Float32Array(expected.data.length);
      const ran =
        threads === 1
          ? runConv2d(info, input.data, weight.data, bias?.data ?? null, output, 'wasm', kernel)
          : await runConv2dAsync(info, input.data, weight.data, bias?.data ?? null, output, 'wasm', threads, kernel);
      expect(ran).toBe(fallsBack[kernel] ?? kernel);
      try {
        expectKernelClose(ran, { data: output, shape: info.outputShape }, expected);
      } catch (error) {
        throw new Error(`${kernel}, ${threads} thread(s): ${(error as Error).message}`);
      }
    }
  }
}

describe('every kernel on the PyTorch fixtures, 1 and 2 threads', () => {
  for (const c of loadTorchFixtures().valid) {
    it(c.name, async () => {
      await expectKernelsMatch(decode(c.input), decode(c.weight), c.bias ? decode(c.bias) : null, c.options);
    });
  }
});

describe('a non-finite weight over zero padding: every kernel multiplies the padded zeros (issue 14)', () => {
  // One rule for all: 0 · Inf = NaN where a window covers padding, finite elsewhere (the definition).
  const cases: [string, number[], number[], Record<string, unknown>][] = [
    ['dense 3×3', [1, 4, 9, 10], [8, 4, 3, 3], { padding: 1 }],
    ['depthwise 3×3', [1, 8, 9, 10], [8, 1, 3, 3], { padding: 1, groups: 8 }],
  ];
  for (const [name, xs, ws, options] of cases) {
    it(name, async () => {
      const input = tensor(
        randomFill(
          xs.reduce((a, b) => a * b, 1),
          1,
        ),
        xs,
      );
      const weight = tensor(
        randomFill(
          ws.reduce((a, b) => a * b, 1),
          2,
        ),
        ws,
      );
      weight.data[0] = Number.POSITIVE_INFINITY; // w[0, 0, 0, 0]: the top-left tap of output channel 0
      const info = resolveConv2dCall(input, weight, null, options);
      const expected = reference(info, input, weight, null);
      // Output channel 0: NaN along the top row and left column (the tap reads padding), ±Inf inside.
      const [, , Ho, Wo] = info.outputShape as [number, number, number, number];
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++) {
          const v = expected.data[oy * Wo + ox]!;
          expect(oy === 0 || ox === 0 ? Number.isNaN(v) : Math.abs(v) === Number.POSITIVE_INFINITY).toBe(true);
        }
      // Winograd would spread the infinity over whole output tiles: it hands such calls to im2col.
      await expectKernelsMatch(input, weight, null, options, {
        'wasm-winograd-f4x4-3x3-simd128': `wasm-im2col-gemm-${MR}x${NR}-simd128`,
      });
    });
  }
});

describe('tile edges', () => {
  let seed = 1;
  const make = (shape: number[]) =>
    tensor(
      randomFill(
        shape.reduce((a, b) => a * b, 1),
        seed++,
      ),
      shape,
    );
  // Output channels below, equal to, above and a multiple of the micro-kernel's MR rows, and 1.
  const channelCounts = [1, MR - 1, MR, MR + 1, 2 * MR, 3 * MR + 1];
  // Output widths around the NR-pixel tile and the 16-wide depthwise vector loop.
  const widths = [1, NR - 1, NR, NR + 1, 2 * NR, 17, 33];

  for (const O of channelCounts) {
    for (const Wout of widths) {
      it(`x=[1,3,5,${Wout + 2}] w=[${O},3,3,3] (O=${O}, W_out=${Wout})`, async () => {
        await expectKernelsMatch(make([1, 3, 5, Wout + 2]), make([O, 3, 3, 3]), make([O]), {});
      });
      it(`1x1: x=[2,${O + 2},3,${Wout}] w=[${O},${O + 2},1,1]`, async () => {
        await expectKernelsMatch(make([2, O + 2, 3, Wout]), make([O, O + 2, 1, 1]), null, {});
      });
      it(`depthwise x${(O % 3) + 1}: x=[1,${O},6,${Wout}] k3 p1`, async () => {
        const multiplier = (O % 3) + 1;
        await expectKernelsMatch(make([1, O, 6, Wout]), make([O * multiplier, 1, 3, 3]), make([O * multiplier]), {
          groups: O,
          padding: 1,
        });
      });
    }
  }

  it.each([
    [[1, 4, 11, 13], [6, 4, 3, 3], { stride: 3, dilation: 2, padding: 2 }],
    [[2, 6, 12, 9], [9, 2, 2, 3], { stride: [3, 1], dilation: [1, 3], groups: 3, padding: [1, 3] }],
    [[1, 5, 13, 13], [5, 1, 5, 5], { stride: 3, groups: 5, padding: 2, dilation: 1 }],
    [[1, 3, 17, 19], [3, 1, 3, 3], { stride: [1, 2], groups: 3, dilation: 3, padding: 'valid' }],
    [[1, 2, 9, 40], [3, 2, 4, 2], { padding: 'same', dilation: [2, 3] }],
    [[1, 2, 8, 8], [4, 2, 3, 3], { padding: 2, paddingMode: 'reflect', stride: 2 }],
    [[1, 4, 8, 8], [4, 1, 3, 3], { padding: 3, paddingMode: 'circular', groups: 4 }],
    [[1, 4, 7, 9], [8, 2, 1, 1], { padding: 1, paddingMode: 'replicate', groups: 2 }],
    // Wide rows: whole 8-pixel panels on one output row, for the vector im2col paths (stride 1, 2, 3).
    [[1, 3, 6, 45], [4, 3, 3, 3], { stride: 2, padding: 1 }],
    [[2, 2, 5, 50], [3, 2, 2, 2], { stride: [1, 3] }],
    [[1, 2, 7, 40], [5, 2, 3, 3], { dilation: 2, padding: [0, 3] }],
    [[1, 3, 9, 64], [4, 3, 7, 7], { stride: 2, padding: 3 }],
    [[1, 4, 12, 70], [6, 4, 5, 1], { stride: [1, 3], padding: [2, 0] }],
    [[1, 2, 6, 90], [3, 2, 2, 3], { stride: [2, 4], dilation: [1, 2] }],
    // Many im2col tiles per image (large K makes the tile small) and a partial last tile.
    [[1, 200, 9, 23], [7, 200, 3, 3], { padding: 1 }],
    // Winograd: several blocks of 4 × 4 tiles with a partial last one, outputs not a multiple of 4
    // wide or high, channel counts off the micro-kernel's rows, the work split over output channels
    // (few tiles, many channels), groups, padding modes and no padding.
    [[1, 16, 70, 66], [6, 16, 3, 3], { padding: 1 }],
    [[1, 40, 30, 31], [37, 40, 3, 3], { padding: [0, 2] }],
    [[1, 128, 14, 14], [130, 128, 3, 3], { padding: 1 }],
    [[2, 32, 19, 23], [20, 16, 3, 3], { padding: 'same', paddingMode: 'reflect', groups: 2 }],
    [[1, 16, 6, 5], [8, 16, 3, 3], { padding: 2, paddingMode: 'circular' }],
    [[3, 24, 11, 9], [9, 24, 3, 3], { padding: 'valid' }],
    // Dilated Winograd: sub-grids of unequal sizes (odd sides), padding smaller and larger than the
    // dilation, dilation 3 (gathered), different in each direction, and with a padding mode.
    [[1, 16, 29, 27], [12, 16, 3, 3], { padding: 2, dilation: 2 }],
    [[1, 16, 23, 30], [8, 16, 3, 3], { padding: [1, 3], dilation: 2 }],
    [[2, 8, 17, 19], [8, 8, 3, 3], { padding: 'same', dilation: [3, 2] }],
    [[1, 8, 15, 14], [5, 8, 3, 3], { padding: 0, dilation: [1, 3] }],
    [[1, 16, 12, 13], [6, 8, 3, 3], { padding: 2, dilation: 2, groups: 2, paddingMode: 'reflect' }],
  ])('odd strides, dilations, groups, modes: x=%j w=%j %j', async (xShape, wShape, options) => {
    await expectKernelsMatch(make(xShape), make(wShape), make([wShape[0]!]), options);
  });
});

describe("Winograd's transformed weights, kept between calls while the weights are the same", () => {
  const winograd = 'wasm-winograd-f4x4-3x3-simd128';
  const im2col = `wasm-im2col-gemm-${MR}x${NR}-simd128`;
  const make = seededTensor;

  async function run(x: Tensor, w: Tensor, threads: number, kernel: KernelName = winograd) {
    const info = resolveConv2dCall(x, w, null, { padding: 1 });
    const output = new Float32Array(info.outputShape.reduce((a, b) => a * b, 1));
    const ran =
      threads === 1
        ? runConv2d(info, x.data, w.data, null, output, 'wasm', kernel)
        : await runConv2dAsync(info, x.data, w.data, null, output, 'wasm', threads, kernel);
    expect(ran).toBe(kernel);
    expectKernelClose(ran, { data: output, shape: info.outputShape }, reference(info, x, w, null));
  }

  for (const threads of BUILT ? [1, 2] : [1]) {
    it(`notices weights changed in place, one value or the last, and other calls in between (${threads} thread(s))`, async () => {
      const x = make([1, 32, 20, 20], 1);
      const w = make([36, 32, 3, 3], 2);
      await run(x, w, threads);
      await run(x, w, threads); // reused
      w.data[5] = 3; // a tap of output channel 0
      await run(x, w, threads);
      w.data[w.data.length - 1] = -2; // the last tap of the last channel
      await run(x, w, threads);
      // Another layer on the same memory, then the first again: its weights are transformed anew.
      await run(make([1, 8, 9, 9], 3), make([5, 8, 3, 3], 4), threads, im2col);
      await run(x, w, threads);
      // The same values in a new array are the same weights.
      await run(x, tensor(Float32Array.from(w.data), w.shape), threads);
      // Another layer of the same shape on Winograd: new weights, same layout.
      await run(x, make([36, 32, 3, 3], 5), threads);
    });
  }
});
