/**
 * The one seeded generator: parameter initialisation, the values the pictures show, benchmark and
 * sweep inputs, test data — the same numbers for the same seed in Node and in every browser.
 *
 * Mulberry32 (Tommy Ettinger), seeded SplitMix32-style: a 32-bit state advanced by a Weyl step and
 * scrambled by two multiply-xorshift rounds. Small, fast, a 2^32 period — plenty for drawing weights
 * and test tensors — and nearby seeds give unrelated streams.
 */
export function seededRandom(seed: number): () => number {
  let state = (seed ^ 0x9e3779b9) >>> 0;
  // Mix the seed so nearby seeds give unrelated streams.
  state = Math.imul(state ^ (state >>> 16), 0x85ebca6b) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32; // in [0, 1)
  };
}

/** `length` draws, uniform in [−1, 1), from {@link seededRandom}: never all zero, the same everywhere. */
export function randomFill(length: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length }, () => 2 * random() - 1);
}

/** An integer in [0, n) from a stream of {@link seededRandom}. */
export function randomBelow(random: () => number, n: number): number {
  return Math.floor(random() * n);
}
