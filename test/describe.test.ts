import { describe, expect, it } from 'vitest';
import { Conv2d, Conv2dError, describeConv2d } from '../src/index.js';

/** Closed forms the description must agree with (PyTorch's docs for nn.Conv2d). */
const outSize = (size: number, before: number, after: number, dilation: number, kernel: number, stride: number) =>
  Math.floor((size + before + after - dilation * (kernel - 1) - 1) / stride) + 1;

describe('describeConv2d', () => {
  it("the article's title figure: (3, 7, 7) → 2, k3 p1 s2 d2", () => {
    const d = describeConv2d([3, 7, 7], { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 });
    expect(d.outputShape).toEqual([2, 3, 3]);
    expect(d.parameterCount).toBe(56); // 2·3·3·3 weights + 2 biases
    expect(d.parameters).toEqual({ weight: 54, bias: 2 });
    expect(d.formula.height).toBe('H_out = floor((7 + 1 + 1 − 2·(3−1) − 1) / 2) + 1 = 3');
    expect(d.formula.width).toBe('W_out = floor((7 + 1 + 1 − 2·(3−1) − 1) / 2) + 1 = 3');
    expect(d.padding).toEqual({ top: 1, bottom: 1, left: 1, right: 1, requested: [1, 1] });
    expect(d.macs).toBe(2 * 3 * 3 * 27); // O·H_out·W_out · (C/g)·kH·kW
    expect(d.flops).toBe(2 * d.macs);
    expect(d.receptiveField).toEqual({ height: 5, width: 5, channels: 3, taps: 27 });
  });

  it('formula shows asymmetric same padding and per-axis numbers', () => {
    const d = describeConv2d([1, 2, 9, 10], { outChannels: 3, kernelSize: [4, 2], dilation: [1, 3], padding: 'same' });
    expect(d.padding).toEqual({ top: 1, bottom: 2, left: 1, right: 2, requested: 'same' });
    expect(d.formula.height).toBe('H_out = floor((9 + 1 + 2 − 1·(4−1) − 1) / 1) + 1 = 9');
    expect(d.formula.width).toBe('W_out = floor((10 + 1 + 2 − 3·(2−1) − 1) / 1) + 1 = 10');
    expect(d.outputShape).toEqual([1, 3, 9, 10]);
  });

  it('counts parameters and MACs by the closed forms over a grid of layers', () => {
    for (const [C, O, k, g, s, p, dl, bias] of [
      [3, 64, 7, 1, 2, 3, 1, true],
      [64, 64, 3, 1, 1, 1, 1, false],
      [144, 144, 3, 144, 1, 1, 1, true],
      [128, 128, 3, 4, 1, 1, 1, true],
      [16, 32, 5, 2, 3, 2, 2, false],
      [24, 384, 1, 3, 1, 0, 1, true],
    ] as const) {
      const H = 37,
        W = 29;
      const d = describeConv2d([2, C, H, W], {
        outChannels: O,
        kernelSize: k,
        groups: g,
        stride: s,
        padding: p,
        dilation: dl,
        bias,
      });
      const Ho = outSize(H, p, p, dl, k, s),
        Wo = outSize(W, p, p, dl, k, s);
      expect(d.outputShape).toEqual([2, O, Ho, Wo]);
      expect(d.parameterCount).toBe(O * (C / g) * k * k + (bias ? O : 0));
      expect(d.macs).toBe(2 * O * Ho * Wo * (C / g) * k * k);
      expect(d.receptiveField.height).toBe(dl * (k - 1) + 1);
      // The layer reports the same count as the description.
      expect(new Conv2d(C, O, k, { groups: g, bias, seed: 0 }).parameterCount).toBe(d.parameterCount);
    }
  });

  it('the layer describes itself, and refuses a shape with other channels', () => {
    const layer = new Conv2d(3, 2, 3, { padding: 1, stride: 2, dilation: 2, bias: false, seed: 0 });
    expect(layer.describe([3, 7, 7]).parameterCount).toBe(54);
    expect(layer.describe([4, 3, 7, 7]).outputShape).toEqual([4, 2, 3, 3]);
    expect(() => layer.describe([4, 7, 7])).toThrow(Conv2dError);
  });

  it('refuses what conv2d refuses, naming the layer argument', () => {
    const cases: [Parameters<typeof describeConv2d>[1], string][] = [
      [{ outChannels: 2, kernelSize: 9 }, 'kernelSize'],
      [{ outChannels: 2, kernelSize: 0 }, 'kernelSize'],
      [{ outChannels: 0, kernelSize: 3 }, 'outChannels'],
      [{ outChannels: 2, kernelSize: 3, groups: 2 }, 'groups'],
      [{ outChannels: 2, kernelSize: 3, padding: 'same', stride: 2 }, 'padding'],
      [{ outChannels: 2, kernelSize: 3, padding: 7, paddingMode: 'reflect' }, 'padding'],
      [{ outChannels: 2, kernelSize: 3, bias: 'yes' as never }, 'bias'],
      [{ outChannels: 2, kernelSize: 3, seed: 1 } as never, 'layerOptions'],
    ];
    for (const [layer, argument] of cases) {
      expect(() => describeConv2d([3, 7, 7], layer), JSON.stringify(layer)).toThrow(
        expect.objectContaining({ argument }),
      );
    }
    expect(() => describeConv2d([7, 7], { outChannels: 2, kernelSize: 3 })).toThrow(
      expect.objectContaining({ argument: 'inputShape' }),
    );
  });
});
