import { describe, expect, it } from 'vitest';
import { Conv2d, Conv2dError, conv2d, describeConv2d, tensor } from '../src/index.js';
import { decode, expectClose, loadTorchFixtures } from './helpers.js';

/**
 * The conformance suite: every case computed by PyTorch (scripts/fixtures/generate_conv2d.py) must
 * be reproduced by convlab within the fixture's tolerance, and every configuration PyTorch refuses
 * must be refused with a Conv2dError naming the argument.
 */
const fixtures = loadTorchFixtures();
const { absolute, relative } = fixtures.tolerance;

describe(`conv2d matches PyTorch ${fixtures.torch}`, () => {
  it('has at least 150 valid cases', () => {
    expect(fixtures.valid.length).toBeGreaterThanOrEqual(150);
  });

  for (const c of fixtures.valid) {
    it(c.name, () => {
      const input = decode(c.input);
      const weight = decode(c.weight);
      const bias = c.bias ? decode(c.bias) : null;
      const expected = decode(c.output);
      const options = c.options as Parameters<typeof conv2d>[3];

      // The functional API.
      expectClose(conv2d(input, weight, bias, options), expected, absolute, relative);

      // The layer: built from the same configuration, given PyTorch's parameters.
      const [outChannels, , kH, kW] = c.weight.shape as [number, number, number, number];
      const inChannels = c.input.shape[c.input.shape.length - 3]!;
      const layer = new Conv2d(inChannels, outChannels, [kH, kW], { ...options, bias: bias !== null, seed: 1 });
      expect(layer.parameterCount).toBe(c.parameterCount);
      layer.weight = weight;
      if (bias) layer.bias = bias;
      expectClose(layer.forward(input), expected, absolute, relative);

      // The description predicts PyTorch's output shape and parameter count without computing.
      const description = describeConv2d(c.input.shape, {
        outChannels,
        kernelSize: [kH, kW],
        bias: bias !== null,
        ...options,
      });
      expect(description.outputShape).toEqual(c.output.shape);
      expect(description.parameterCount).toBe(c.parameterCount);
    });
  }
});

/** PyTorch messages convlab does not reproduce word for word (their words are not about the argument). */
const TORCH_WORDS_NOT_REPRODUCED = [
  /^conv2d\(\) received an invalid combination/,
  /^Argument #4/,
  /^expected stride to be/,
];

describe('configurations PyTorch refuses are refused', () => {
  for (const c of fixtures.refused) {
    it(`${c.name} → Conv2dError naming ${c.argument}`, () => {
      const input = tensor(new Float32Array(c.inputShape.reduce((a, b) => a * b, 1)), c.inputShape);
      const run = () => {
        if (c.api === 'module') {
          const { inChannels, outChannels, kernelSize } = c.module!;
          new Conv2d(inChannels, outChannels, kernelSize as number, { ...c.options, seed: 0 }).forward(input);
        } else {
          const weight = tensor(new Float32Array(c.weightShape!.reduce((a, b) => a * b, 1)), c.weightShape!);
          const bias = c.biasLength === null ? null : tensor(new Float32Array(c.biasLength), [c.biasLength]);
          conv2d(input, weight, bias, c.options);
        }
      };
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error, 'convlab accepted a configuration PyTorch refuses').toBeInstanceOf(Conv2dError);
      expect((error as Conv2dError).argument).toBe(c.argument);
      // The message names the argument and, where PyTorch has words, uses them.
      expect((error as Conv2dError).message).toContain(`Invalid ${c.argument} = `);
      if (!TORCH_WORDS_NOT_REPRODUCED.some((pattern) => pattern.test(c.torchError))) {
        const torchWords = c.torchError
          .split(/[:,([{]/)[0]!
          .replace(/\.$/, '')
          .trim();
        expect((error as Conv2dError).message).toContain(torchWords);
      }
    });
  }
});
