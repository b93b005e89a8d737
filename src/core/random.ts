/** Seeded data for measurements and checks: the same numbers for every contender, on every machine. */

/** Uniform in [−1, 1), seeded: random, never all zero, the same for every contender. */
export function randomFill(length: number, seed: number): Float32Array {
  let state = (seed * 2654435761) >>> 0 || 1;
  return Float32Array.from({ length }, () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 31 - 1;
  });
}
