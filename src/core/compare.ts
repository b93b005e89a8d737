/**
 * The one closeness check: numpy's `allclose` rule, elementwise |actual − expected| ≤ absolute +
 * relative·|expected|, with NaN agreeing only with NaN and an infinity only with itself. Used by the
 * tests, the benchmark's cross-check, the GPU device check and the browser tests.
 */

export interface Closeness {
  /** Every element within tolerance (and the lengths equal). */
  agrees: boolean;
  /** The first element out of tolerance, or −1. */
  firstBad: number;
  /** max |actual − expected| (Infinity where lengths differ or a NaN meets a number). */
  maxError: number;
  /** max |expected|: divides maxError into a relative error that does not depend on scale. */
  maxExpected: number;
}

export function compareOutputs(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  absolute = 1e-4,
  relative = 1e-4,
): Closeness {
  if (actual.length !== expected.length)
    return { agrees: false, firstBad: 0, maxError: Number.POSITIVE_INFINITY, maxExpected: 0 };
  let firstBad = -1,
    maxError = 0,
    maxExpected = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    if (Number.isFinite(e) && Math.abs(e) > maxExpected) maxExpected = Math.abs(e);
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const error = Math.abs(a - e);
    // Unequal with a NaN or an infinity on either side is never within tolerance.
    const finite = Number.isFinite(a) && Number.isFinite(e);
    if (!finite || !(error <= absolute + relative * Math.abs(e))) {
      if (firstBad < 0) firstBad = i;
      if (!(error <= maxError)) maxError = Number.isNaN(error) ? Number.POSITIVE_INFINITY : error;
    } else if (error > maxError) maxError = error;
  }
  return { agrees: firstBad < 0, firstBad, maxError, maxExpected };
}

/**
 * Agreement relative to the output's scale: |actual − expected| ≤ relative · max|expected| everywhere
 * (infinities and NaN as in compareOutputs). The bound for kernels whose rounding follows the size of
 * the operands rather than of each output: Winograd's transforms add and subtract the cells of a patch
 * (and the taps of a kernel) before they multiply, so an output near zero carries rounding the size
 * of its neighbours'. `maxError / maxExpected` is the relative error the benchmark reports.
 */
export function compareToScale(actual: ArrayLike<number>, expected: ArrayLike<number>, relative = 1e-4): Closeness {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(expected[i]!);
    if (e > scale && e !== Number.POSITIVE_INFINITY) scale = e;
  }
  return compareOutputs(actual, expected, relative * scale, 0);
}

/** Node's Buffer, where there is one: its compare is a memcmp, ~10× a loop in JavaScript. */
const NodeBuffer = (
  globalThis as {
    Buffer?: {
      from(
        buffer: ArrayBufferLike,
        offset: number,
        length: number,
      ): Uint8Array & { equals(other: Uint8Array): boolean };
    };
  }
).Buffer;

/** Bit-for-bit equality (so NaNs and −0 count as changes only when their bits change). */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  if (NodeBuffer)
    return NodeBuffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      NodeBuffer.from(b.buffer, b.byteOffset, b.byteLength),
    );
  const x = new Int32Array(a.buffer, a.byteOffset, a.length),
    y = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
