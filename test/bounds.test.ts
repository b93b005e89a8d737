import { describe, expect, it } from 'vitest';
import { largestWhile, layerBounds } from '../src/index.js';

/** Control bounds found by probing the library's validation (src/core/bounds.ts), against the rules by hand. */
describe('layerBounds', () => {
  it('finds the largest kernel and dilation that fit the padded input', () => {
    // 7×7, padding 1, dilation 2: kernel ≤ floor((9 − 1) / 2) + 1 = 5; with kernel 3, dilation ≤ floor(8 / 2) = 4.
    const b = layerBounds([3, 7, 7], { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 });
    expect(b.height).toEqual({ kernel: 5, dilation: 4, padding: null });
    // Width 10 with padding (1, 0): kernel ≤ floor((10 − 1) / 2) + 1 = 5 there too, dilation ≤ floor(9 / 2) = 4.
    const w = layerBounds([1, 7, 10], { outChannels: 1, kernelSize: 3, padding: [1, 0], dilation: 2 });
    expect([w.width.kernel, w.width.dilation]).toEqual([5, 4]);
  });

  it('bounds padding by the copying modes only: reflect < size, circular ≤ size', () => {
    const layer = { outChannels: 2, kernelSize: 3, padding: 1 } as const;
    expect(layerBounds([2, 7, 9], { ...layer, paddingMode: 'reflect' }).width.padding).toBe(8);
    expect(layerBounds([2, 7, 9], { ...layer, paddingMode: 'circular' }).height.padding).toBe(7);
    expect(layerBounds([2, 7, 9], layer).height.padding).toBeNull();
  });

  it('largestWhile finds the edge of a monotone predicate, or null past the cap', () => {
    for (const edge of [0, 1, 2, 5, 64, 1000]) expect(largestWhile((n) => n <= edge, 0, 1 << 16)).toBe(edge);
    expect(largestWhile(() => true, 0, 100)).toBeNull();
  });
});
