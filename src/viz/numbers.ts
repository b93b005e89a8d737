/**
 * Numbers as the pictures print them: a typographic minus (U+2212), never "−0.00", and sums whose
 * printed terms add up to the printed result.
 */

export const MINUS = '\u2212';

/** `value` with `digits` decimals and a typographic minus; a value that rounds to zero prints unsigned. */
export function formatNumber(value: number, digits: number): string {
  const text = value.toFixed(digits);
  if (/^-0\.?0*$/.test(text)) return text.slice(1);
  return text.replace('-', MINUS);
}

/** `(−0.73)` for negatives, `0.70` otherwise: a term that can stand after a `+` or `·`. */
export function formatTerm(value: number, digits: number): string {
  const text = formatNumber(value, digits);
  return text.startsWith(MINUS) ? `(${text})` : text;
}

/** Integer count of 10^−digits units, printed. */
function fromUnits(units: number, digits: number): string {
  return formatNumber(units / 10 ** digits, digits);
}

/**
 * Prints `terms` and their `total` so that the printed terms add up exactly to the printed total:
 * the fewest decimals from `minDigits` to `maxDigits` at which rounding each term and the total agrees.
 * When no such precision exists (rare: many terms each rounding the same way), the terms are rounded
 * at `maxDigits` by the largest-remainder rule — each printed term is then within one unit of its last
 * digit of the exact value — so the sum still holds.
 */
export function consistentSum(
  terms: readonly number[],
  total: number,
  minDigits = 2,
  maxDigits = 5,
): { terms: string[]; total: string; digits: number } {
  for (let digits = minDigits; digits <= maxDigits; digits++) {
    const scale = 10 ** digits;
    const units = terms.map((t) => Math.round(t * scale));
    const totalUnits = Math.round(total * scale);
    if (units.reduce((a, b) => a + b, 0) === totalUnits) {
      return { terms: units.map((u) => fromUnits(u, digits)), total: fromUnits(totalUnits, digits), digits };
    }
  }
  const scale = 10 ** maxDigits;
  const floors = terms.map((t) => Math.floor(t * scale));
  const totalUnits = Math.round(total * scale);
  let missing = totalUnits - floors.reduce((a, b) => a + b, 0);
  // Hand the missing units to the terms with the largest fractional parts (there are at most terms.length of them).
  const order = terms.map((t, i) => ({ i, rest: t * scale - floors[i]! })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (missing <= 0) break;
    floors[i]!++;
    missing--;
  }
  return {
    terms: floors.map((u) => fromUnits(u, maxDigits)),
    total: fromUnits(totalUnits, maxDigits),
    digits: maxDigits,
  };
}
