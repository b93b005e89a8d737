import { randomFill } from '../src/core/random.js';
import { describe, expect, it } from 'vitest';
import { Conv2d, Conv2dError, conv2d, tensor } from '../src/index.js';

describe('Conv2d initialisation (as nn.Conv2d.reset_parameters)', () => {
  it('draws weight and bias uniformly in ±1/√fan_in, fan_in = C/groups·kH·kW', () => {
    const layer = new Conv2d(8, 16, [3, 5], { groups: 2, seed: 42 });
    const bound = 1 / Math.sqrt((8 / 2) * 3 * 5);
    expect(layer.weight.shape).toEqual([16, 4, 3, 5]);
    expect(layer.bias!.shape).toEqual([16]);
    const w = Array.from(layer.weight.data);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    // A uniform draw on ±b has mean 0 and variance b²/3; with 960 draws both are within a few %.
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.1 * bound);
    expect(variance / ((bound * bound) / 3)).toBeGreaterThan(0.85);
    expect(variance / ((bound * bound) / 3)).toBeLessThan(1.15);
    expect(Math.max(...Array.from(layer.bias!.data, Math.abs))).toBeLessThanOrEqual(bound);
    // The extremes are reached: not a narrower distribution.
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * bound);
  });

  it('one seed gives identical layers; another seed different ones', () => {
    const a = new Conv2d(3, 4, 3, { seed: 7 });
    const b = new Conv2d(3, 4, 3, { seed: 7 });
    const c = new Conv2d(3, 4, 3, { seed: 8 });
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    expect(Array.from(a.bias!.data)).toEqual(Array.from(b.bias!.data));
    expect(Array.from(a.weight.data)).not.toEqual(Array.from(c.weight.data));
    expect(a.seed).toBe(7);
    // Without a seed, layers differ (and record the seed they drew, which reproduces them).
    const d = new Conv2d(3, 4, 3);
    expect(Array.from(new Conv2d(3, 4, 3, { seed: d.seed }).weight.data)).toEqual(Array.from(d.weight.data));
  });

  it('bias: false has no bias and fewer parameters', () => {
    const layer = new Conv2d(3, 4, 3, { bias: false, seed: 1 });
    expect(layer.bias).toBeNull();
    expect(layer.parameterCount).toBe(4 * 3 * 9);
  });

  it('refuses a weight past the tensor limit before allocating it (issue 14: 8 GiB filled, or a RangeError)', () => {
    const heapBefore = process.memoryUsage().arrayBuffers;
    for (const [c, o, k] of [
      [1, 2 ** 31 - 1, 1],
      [2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1],
      [2 ** 16, 2 ** 15, 1], // 2^31 elements: one past… twice the limit
    ] as const) {
      expect(() => new Conv2d(c, o, k)).toThrow(
        expect.objectContaining({
          argument: 'weight',
          rule: expect.stringMatching(/would have [\d.e+]+ elements .* at most 1073741824/),
        }),
      );
    }
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(2 ** 26);
    // At the limit itself a layer is built (2^30 elements would take 4 GiB: checked by arithmetic only).
    expect(() => new Conv2d(2 ** 10, 2 ** 10, 1, { bias: false, seed: 1 })).not.toThrow();
  });

  it('refuses bad seeds', () => {
    for (const seed of [-1, 1.5, Number.NaN, '1', 2 ** 31]) {
      expect(() => new Conv2d(3, 4, 3, { seed: seed as number })).toThrow(
        expect.objectContaining({ argument: 'seed' }),
      );
    }
  });
});

describe('Conv2d parameters are assignable, shape-checked', () => {
  it('forward uses assigned weight and bias, like conv2d', () => {
    const layer = new Conv2d(2, 3, 2, { stride: 2, seed: 3 });
    const weight = tensor(randomFill(3 * 2 * 2 * 2, 5), [3, 2, 2, 2]);
    const bias = tensor([0.5, -1, 2], [3]);
    layer.weight = weight;
    layer.bias = bias;
    const x = tensor(randomFill(2 * 2 * 6 * 6, 9), [2, 2, 6, 6]);
    expect(Array.from(layer.forward(x).data)).toEqual(Array.from(conv2d(x, weight, bias, { stride: 2 }).data));
    layer.bias = null;
    expect(layer.parameterCount).toBe(24);
    expect(Array.from(layer.forward(x).data)).toEqual(Array.from(conv2d(x, weight, null, { stride: 2 }).data));
  });

  it('refuses a weight or bias of the wrong shape', () => {
    const layer = new Conv2d(4, 6, 3, { groups: 2, seed: 0 });
    expect(() => {
      layer.weight = tensor(new Float32Array(6 * 4 * 9), [6, 4, 3, 3]);
    }).toThrow(/weight must have shape \[6, 2, 3, 3\]/);
    expect(() => {
      layer.bias = tensor(new Float32Array(4), [4]);
    }).toThrow(Conv2dError);
    expect(() => {
      layer.weight = { data: new Float32Array(3), shape: [6, 2, 3, 3] };
    }).toThrow(Conv2dError);
  });

  it('refuses bad constructor arguments, naming them', () => {
    expect(() => new Conv2d(0, 4, 3)).toThrow(expect.objectContaining({ argument: 'inChannels' }));
    expect(() => new Conv2d(3, 2.5, 3)).toThrow(expect.objectContaining({ argument: 'outChannels' }));
    expect(() => new Conv2d(3, 4, [3, 0])).toThrow(expect.objectContaining({ argument: 'kernelSize' }));
    expect(() => new Conv2d(3, 4, 3, { bias: 1 as never })).toThrow(expect.objectContaining({ argument: 'bias' }));
    expect(() => new Conv2d(3, 4, 3, { kernel_size: 3 } as never)).toThrow(
      expect.objectContaining({ argument: 'options' }),
    );
  });
});
