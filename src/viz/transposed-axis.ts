/**
 * One axis of a transposed convolution, as the pictures draw it. With input size n, kernel k,
 * stride s, padding p, dilation d and output padding a:
 *
 * Scatter: input cell i stamps tap t of the kernel onto cell f = i·s + t·d of the stamped line,
 *   whose length is (n − 1)·s + d·(k − 1) + 1. Output cell y is stamped cell f = y + p: the first p
 *   cells are cropped off, and so are the last p − a (when a > p, the last a − p output cells lie
 *   past every stamp and hold only the bias).
 *
 * The equivalent direct convolution: s − 1 zeros inserted between input cells, d·(k − 1) − p zeros
 *   before them and d·(k − 1) − p + a after (a negative count crops), then a plain convolution with
 *   stride 1, the same dilation and the kernel flipped. Output cell y reads direct cells y + t'·d,
 *   t' = k − 1 − t, and direct cell r holds input cell (r − (d·(k − 1) − p)) / s when that is a whole
 *   number inside the input: the same input cell and tap as the scatter (y + p = i·s + t·d).
 */
export interface TransposedAxis {
  /** Cells of the stamped line, and of the drawn stamp canvas (which also holds any output past the stamps). */
  stamped: number;
  canvas: number;
  /** Output size, and the padding p that crops the first p stamped cells. */
  out: number;
  padding: number;
  outputPadding: number;
  /** Zeros inserted between input cells, and placed before them in the direct view (negative: cropped). */
  between: number;
  before: number;
  /** Cells of the direct view: out + d·(k − 1). */
  direct: number;
  /** What direct cell r holds: an input index (≥ 0), an inserted zero (−1) or a padding zero (−2). */
  directSource(r: number): number;
  /** The (input cell, tap) pairs whose stamps land on output cell y. */
  contributions(y: number): { cell: number; tap: number }[];
}

export const INSERTED_ZERO = -1;
export const PADDING_ZERO = -2;

export function transposedAxis(
  inSize: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
  outputPadding: number,
  out: number,
): TransposedAxis {
  const stamped = (inSize - 1) * stride + dilation * (kernel - 1) + 1;
  const before = dilation * (kernel - 1) - padding;
  const spread = (inSize - 1) * stride + 1;
  return {
    stamped,
    canvas: Math.max(stamped, padding + out),
    out,
    padding,
    outputPadding,
    between: stride - 1,
    before,
    direct: out + dilation * (kernel - 1),
    directSource(r) {
      const q = r - before;
      if (q < 0 || q >= spread) return PADDING_ZERO;
      return q % stride === 0 ? q / stride : INSERTED_ZERO;
    },
    contributions(y) {
      const result: { cell: number; tap: number }[] = [];
      for (let tap = 0; tap < kernel; tap++) {
        const offset = y + padding - tap * dilation;
        if (offset >= 0 && offset % stride === 0 && offset / stride < inSize)
          result.push({ cell: offset / stride, tap });
      }
      return result;
    },
  };
}
