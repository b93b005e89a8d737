import { describe, expect, it } from 'vitest';
import { KERNEL_PRESETS, filterRgba } from '../src/index.js';

/** filterRgba (src/viz/filter.ts) in Node, against outputs computed by hand. */

const preset = (name: string) => KERNEL_PRESETS.find((p) => p.name === name)!;

/** A 3 × 2 picture: red a ramp 0, 10, 20; green 51 everywhere; blue 30, 0, 30; alpha varies. */
function picture(): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(3 * 2 * 4);
  const red = [0, 10, 20],
    blue = [30, 0, 30];
  for (let y = 0; y < 2; y++)
    for (let x = 0; x < 3; x++) rgba.set([red[x]!, 51, blue[x]!, 100 + 50 * y + x], 4 * (3 * y + x));
  return rgba;
}

const channel = (rgba: Uint8ClampedArray, c: number) => Array.from({ length: 6 }, (_, i) => rgba[4 * i + c]);

describe('filterRgba', () => {
  it('Sobel x with replicated edges: 4·(right − left) per pixel, as |·|', () => {
    const out = filterRgba(picture(), 3, 2, preset('Sobel x').weights, 'abs');
    // Red, x = 0: left replicates 0, right 10 → 40; x = 1: 20 − 0 → 80; x = 2: right replicates 20, 20 − 10 → 40.
    expect(channel(out, 0)).toEqual([40, 80, 40, 40, 80, 40]);
    // Green is flat: no edge.
    expect(channel(out, 1)).toEqual([0, 0, 0, 0, 0, 0]);
    // Blue, x = 0: 0 − 30 → |−120|; x = 1: 30 − 30 → 0; x = 2: 30 − 0 → 120.
    expect(channel(out, 2)).toEqual([120, 0, 120, 120, 0, 120]);
    // Alpha is kept.
    expect(channel(out, 3)).toEqual([100, 101, 102, 150, 151, 152]);
  });

  it('a kernel summing to 1 keeps a flat channel; emboss maps it around mid-grey (v/2 + ½)', () => {
    expect(channel(filterRgba(picture(), 3, 2, preset('box blur').weights, 'clamp'), 1)).toEqual([
      51, 51, 51, 51, 51, 51,
    ]);
    // Emboss sums to 1: 51 → 51/2 + 127.5 = 153.
    expect(channel(filterRgba(picture(), 3, 2, preset('emboss').weights, 'offset'), 1)).toEqual([
      153, 153, 153, 153, 153, 153,
    ]);
    // Identity, clamped: the picture back.
    expect(filterRgba(picture(), 3, 2, preset('identity').weights, 'clamp')).toEqual(picture());
  });
});
