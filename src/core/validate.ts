import { Conv2dError, formatValue } from '../errors/index.js';

/**
 * Argument checks shared by every entry point. Each throws a {@link Conv2dError} that names the
 * argument, the value and the rule.
 */

/** The largest integer an argument or a dimension may take: keeps every size computation exact. */
export const MAX_INT_ARGUMENT = 2 ** 31 - 1;

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** An integer in [min, MAX_INT_ARGUMENT]; `rule` is the message for a too-small value. */
export function checkIntegerAtLeast(argument: string, value: unknown, min: number, rule: string): number {
  if (!isInteger(value)) {
    const what = typeof value === 'number' && !Number.isFinite(value) ? 'a finite integer' : 'an integer';
    throw new Conv2dError(argument, value, `${argument} must be ${what}`);
  }
  if (value < min) throw new Conv2dError(argument, value, rule);
  if (value > MAX_INT_ARGUMENT)
    throw new Conv2dError(argument, value, `${argument} must be at most ${MAX_INT_ARGUMENT}`);
  return value;
}

/**
 * An int or an `[h, w]` pair of ints, each at least `min`, resolved to a pair (PyTorch's `_pair`).
 */
export function checkIntPair(argument: string, value: unknown, min: number, rule: string): [number, number] {
  if (Array.isArray(value)) {
    if (value.length !== 2) {
      throw new Conv2dError(
        argument,
        value,
        `${argument} must be an integer or a pair [height, width] of integers, but got ${value.length} values`,
      );
    }
    return [checkIntegerAtLeast(argument, value[0], min, rule), checkIntegerAtLeast(argument, value[1], min, rule)];
  }
  if (typeof value !== 'number') {
    throw new Conv2dError(argument, value, `${argument} must be an integer or a pair [height, width] of integers`);
  }
  const single = checkIntegerAtLeast(argument, value, min, rule);
  return [single, single];
}

/** Levenshtein distance, for "did you mean" hints on misspelled option keys. */
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/**
 * Checks that `options` is undefined, null or a plain object whose keys are all in `allowed`.
 * Unknown keys are errors, never silently ignored: `strides: 2` would otherwise run with stride 1.
 */
export function checkOptionKeys(
  options: unknown,
  allowed: readonly string[],
  argument = 'options',
): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new Conv2dError(argument, options, `${argument} must be an object with keys among ${allowed.join(', ')}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const nearest = allowed.reduce((best, name) => (editDistance(key, name) < editDistance(key, best) ? name : best));
    const hint =
      editDistance(key, nearest) <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean '${nearest}'?)` : '';
    throw new Conv2dError(
      argument,
      key,
      `unknown option ${formatValue(key)}${hint}; the options are ${allowed.join(', ')}`,
    );
  }
  return options as Record<string, unknown>;
}
