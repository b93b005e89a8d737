import { describe, expect, it } from 'vitest';
import { compareOutputs } from '../src/core/compare.js';

/** The one closeness check (src/core/compare.ts), on hand-made cases. */
describe('compareOutputs', () => {
  it("applies numpy's allclose rule and names the first bad element and the largest error", () => {
    expect(compareOutputs([1, 2, 3], [1, 2, 3])).toEqual({ agrees: true, firstBad: -1, maxError: 0, maxExpected: 3 });
    // 100 ± 0.0101: within 1e-4 + 1e-4·100 = 0.0101 only just.
    expect(compareOutputs([100.01], [100]).agrees).toBe(true);
    const bad = compareOutputs([0, 5, 1.5, 9], [0, 5, 1, 10]);
    expect(bad.agrees).toBe(false);
    expect(bad.firstBad).toBe(2);
    expect(bad.maxError).toBe(1);
    expect(bad.maxExpected).toBe(10);
    expect(compareOutputs([1.0005], [1], 1e-3, 0).agrees).toBe(true);
  });

  it('lets NaN match only NaN and an infinity only itself; refuses different lengths', () => {
    expect(compareOutputs([Number.NaN, Number.POSITIVE_INFINITY], [Number.NaN, Number.POSITIVE_INFINITY]).agrees).toBe(
      true,
    );
    const nan = compareOutputs([Number.NaN], [1]);
    expect([nan.agrees, nan.maxError]).toEqual([false, Number.POSITIVE_INFINITY]);
    expect(compareOutputs([Number.NEGATIVE_INFINITY], [Number.POSITIVE_INFINITY]).agrees).toBe(false);
    expect(compareOutputs([1, 2], [1]).agrees).toBe(false);
  });
});
