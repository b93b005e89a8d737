import { checkIntegerAtLeast } from './validate.js';

/**
 * Seeded random numbers for parameter initialisation: SplitMix32-style seeding into Mulberry32, a
 * small, fast generator with a 2^32 period — plenty for drawing weights, and the same stream in
 * Node and in the browser for the same seed.
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

/** A seed from the platform's randomness, for layers built without one. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/** Checks a user seed: an integer in [0, 2^31 − 1]. */
export function checkSeed(seed: unknown): number {
  return checkIntegerAtLeast('seed', seed, 0, 'seed must be a non-negative integer');
}

/**
 * The bound `nn.Conv2d` initialises with: weight by `kaiming_uniform_(a=√5)`, whose bound is
 * gain·√(3/fan_in) with gain = √(2/(1+a²)) = √(1/3), i.e. 1/√fan_in; bias by U(−1/√fan_in, 1/√fan_in).
 * fan_in = (C/groups)·kH·kW, the inputs one output cell sums.
 */
export function initBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}

/** Fills `target` with U(−bound, bound) draws from `random`. */
export function fillUniform(target: Float32Array, bound: number, random: () => number): Float32Array {
  for (let i = 0; i < target.length; i++) target[i] = (2 * random() - 1) * bound;
  return target;
}
