import { checkIntegerAtLeast } from './validate.js';

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
