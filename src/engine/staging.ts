/**
 * Copies of an asynchronous call's operands, in buffers kept from earlier calls.
 *
 * `conv2dAsync` reads its tensors when it is called (the work may start later, and the caller may
 * refill its arrays meanwhile), so it copies them. Fresh memory costs a page fault on first touch of
 * every 4 KiB page — 12 µs each on this machine's VM, 5 ms for the 1.8 MB input of L5, several times
 * the convolution — so the copies go into buffers that earlier calls handed back, already touched.
 * A handful are kept, up to KEPT_BYTES; larger or surplus ones are left to the garbage collector.
 */

const KEPT_BUFFERS = 8;
const KEPT_BYTES = 64 * 2 ** 20;

/** Buffers free for the next copy, smallest first. */
const free: Float32Array[] = [];

/**
 * A buffer of `length` floats, its contents undefined: a kept one (the smallest free one that holds
 * it) or a new one. For intermediate results (the merged phases of a transposed convolution); hand it
 * back with {@link releaseStaged}.
 */
export function stagedBuffer(length: number): Float32Array {
  const at = free.findIndex((buffer) => buffer.length >= length);
  const buffer = at >= 0 ? free.splice(at, 1)[0]! : new Float32Array(length);
  return buffer.length === length ? buffer : buffer.subarray(0, length);
}

/** A copy of `data` in a kept buffer or a new one ({@link stagedBuffer}). */
export function stagedCopy(data: Float32Array): Float32Array {
  const copy = stagedBuffer(data.length);
  copy.set(data);
  return copy;
}

/** Hands the buffers behind copies from {@link stagedCopy} back, once the call no longer reads them. */
export function releaseStaged(...copies: (Float32Array | null)[]): void {
  for (const copy of copies) {
    if (!copy) continue;
    // By the ArrayBuffer: a copy is a view, and two views of one buffer are different objects.
    if (copy.buffer.byteLength > KEPT_BYTES || free.some((kept) => kept.buffer === copy.buffer)) continue;
    free.push(new Float32Array(copy.buffer));
  }
  free.sort((a, b) => a.length - b.length);
  // Keep the largest few within the budget: they serve the small copies too.
  let bytes = 0;
  for (let i = free.length - 1; i >= 0; i--) {
    bytes += free[i]!.byteLength;
    if (bytes > KEPT_BYTES || free.length - i > KEPT_BUFFERS) free.splice(i, 1);
  }
}
