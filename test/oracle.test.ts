import { randomBelow, randomFill, seededRandom } from '../src/core/random.js';
import { describe, it } from 'vitest';
import { conv2d, convTranspose2d, tensor } from '../src/index.js';
import { resolveConvTranspose2dCall } from '../src/core/transposed.js';
import { resolveConv2dCall } from '../src/core/call.js';
import { expectClose } from './helpers.js';
import { runOnnxConv, runOnnxConvTranspose } from './onnx-oracle.js';

/**
 * An independent oracle: random zero-padded configurations (every argument drawn at once) computed by
 * onnxruntime-node and by convlab. Fixed seed, so a failure names a case that can be rerun.
 */
const CASES = 60;

function draw(seed: number) {
  const random = seededRandom(seed);
  const next = (n: number) => randomBelow(random, n);
  const groups = [1, 1, 2, 3, 4][next(5)]!;
  const inChannels = groups * (1 + next(4));
  const outChannels = groups * (1 + next(3));
  const kernel: [number, number] = [1 + next(5), 1 + next(5)];
  const dilation: [number, number] = [1 + next(3), 1 + next(3)];
  const stride: [number, number] = [1 + next(3), 1 + next(3)];
  const padding: [number, number] | 'same' = next(6) === 0 ? 'same' : [next(4), next(4)];
  const extent = [dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1];
  // Inputs at least as large as the dilated kernel, so every draw is valid.
  const height = extent[0]! + next(8);
  const width = extent[1]! + next(8);
  const batch = 1 + next(2);
  return {
    inputShape: [batch, inChannels, height, width],
    weightShape: [outChannels, inChannels / groups, ...kernel],
    bias: next(3) !== 0,
    options: { stride: padding === 'same' ? 1 : stride, padding, dilation, groups },
  };
}

describe('conv2d agrees with onnxruntime-node on random configurations', () => {
  for (let seed = 1; seed <= CASES; seed++) {
    const c = draw(seed);
    it(`#${seed} x=${JSON.stringify(c.inputShape)} w=${JSON.stringify(c.weightShape)} ${JSON.stringify(c.options)} bias=${c.bias}`, async () => {
      const input = tensor(
        randomFill(
          c.inputShape.reduce((a, b) => a * b),
          seed,
        ),
        c.inputShape,
      );
      const weight = tensor(
        randomFill(
          c.weightShape.reduce((a, b) => a * b),
          seed + 1000,
        ),
        c.weightShape,
      );
      const bias = c.bias ? tensor(randomFill(c.weightShape[0]!, seed + 2000), [c.weightShape[0]!]) : null;
      const info = resolveConv2dCall(input, weight, bias, c.options);
      const expected = await runOnnxConv(info, input, weight, bias, c.options.padding);
      expectClose(conv2d(input, weight, bias, c.options), expected);
    });
  }
});

/**
 * A random transposed convolution both accept: output padding below the stride (onnxruntime's rule;
 * PyTorch also allows it below the dilation, which the PyTorch fixtures cover).
 */
function drawTransposed(seed: number) {
  const random = seededRandom(seed);
  const next = (n: number) => randomBelow(random, n);
  const groups = [1, 1, 2, 3][next(4)]!;
  const inChannels = groups * (1 + next(3));
  const outChannels = groups * (1 + next(3));
  const kernel: [number, number] = [1 + next(5), 1 + next(5)];
  const stride: [number, number] = [1 + next(4), 1 + next(4)];
  const dilation: [number, number] = [1 + next(3), 1 + next(3)];
  const outputPadding: [number, number] = [next(stride[0]), next(stride[1])];
  // 2·padding below the dilated kernel, so even a one-cell input gives a non-empty output.
  const padding: [number, number] = [
    next(Math.floor((dilation[0] * (kernel[0] - 1)) / 2) + 1),
    next(Math.floor((dilation[1] * (kernel[1] - 1)) / 2) + 1),
  ];
  return {
    inputShape: [1 + next(2), inChannels, 1 + next(6), 1 + next(6)],
    weightShape: [inChannels, outChannels / groups, ...kernel],
    bias: next(3) !== 0,
    options: { stride, padding, outputPadding, dilation, groups },
  };
}

describe('convTranspose2d agrees with onnxruntime-node (ONNX ConvTranspose) on random configurations', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const c = drawTransposed(seed);
    it(`#${seed} x=${JSON.stringify(c.inputShape)} w=${JSON.stringify(c.weightShape)} ${JSON.stringify(c.options)} bias=${c.bias}`, async () => {
      const size = (shape: number[]) => shape.reduce((a, b) => a * b);
      const input = tensor(randomFill(size(c.inputShape), seed), c.inputShape);
      const weight = tensor(randomFill(size(c.weightShape), seed + 1000), c.weightShape);
      const outChannels = c.weightShape[1]! * c.options.groups;
      const bias = c.bias ? tensor(randomFill(outChannels, seed + 2000), [outChannels]) : null;
      const info = resolveConvTranspose2dCall(input, weight, bias, c.options);
      const expected = await runOnnxConvTranspose(info, input, weight, bias);
      expectClose(convTranspose2d(input, weight, bias, c.options), expected);
    });
  }
});
