import { describe, expect, it } from 'vitest';
import { releaseStaged, stagedCopy } from '../src/engine/staging.js';

describe("conv2dAsync's operand copies (engine/staging.ts)", () => {
  it('copies the data, and never hands out a buffer still in use', () => {
    const a = Float32Array.from({ length: 1000 }, (_, i) => i);
    const first = stagedCopy(a);
    const second = stagedCopy(a);
    expect(Array.from(first)).toEqual(Array.from(a));
    expect(first.buffer).not.toBe(second.buffer);
    first[0] = -1;
    expect(a[0]).toBe(0); // a copy, not a view
    expect(second[0]).toBe(0);
    releaseStaged(first, second);
  });

  it('reuses a released buffer for a copy that fits, exactly as long as the data', () => {
    const big = stagedCopy(new Float32Array(4096).fill(1));
    releaseStaged(big);
    const small = stagedCopy(new Float32Array(100).fill(2));
    // A kept buffer (a new one would hold exactly the 100 floats), the smallest that fits.
    expect(small.buffer.byteLength).toBeGreaterThan(400);
    expect(small.length).toBe(100);
    expect(small.every((v) => v === 2)).toBe(true);
    releaseStaged(small);
  });

  it('keeps a buffer released twice only once: two later copies never share it', () => {
    // A size no other test uses, larger than every kept buffer: only this one can serve it.
    const n = 123_457;
    const copy = stagedCopy(new Float32Array(n));
    releaseStaged(copy, copy, null);
    const again = stagedCopy(new Float32Array(n).fill(1));
    const other = stagedCopy(new Float32Array(n).fill(2));
    expect(again.buffer).not.toBe(other.buffer);
    expect(again.every((v) => v === 1)).toBe(true);
    releaseStaged(again, other);
  });
});
