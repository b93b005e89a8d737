import { ConvlabError } from '../errors/index.js';

/**
 * Arguments written as text — command-line flags, custom-element attributes, URL values — parsed into
 * the library's options. Only the text is judged here (is it a number, a pair, a shape); every rule
 * about the values lives in the library, so a flag, an attribute and an option are refused alike.
 */

/** A usage error for text arguments: names the flag (or attribute), the text given and what it should be. */
export class UsageError extends ConvlabError {}

/** Parses `"3"` → 3 and `"3,2"` → [3, 2]; numbers that are not integers are passed on for the library to refuse. */
export function parseIntPair(flag: string, text: string): number | [number, number] {
  const parts = text.split(',').map((part) => part.trim());
  const numbers = parts.map(Number);
  if (parts.length > 2 || parts.some((part) => part === '') || numbers.some((n) => Number.isNaN(n))) {
    throw new UsageError(flag, text, `${flag} takes an integer or two integers separated by a comma (e.g. 3 or 3,2)`);
  }
  return numbers.length === 1 ? numbers[0]! : [numbers[0]!, numbers[1]!];
}

/** `--padding`: like {@link parseIntPair}, or a word ('same', 'valid', or anything else for the library to refuse). */
export function parsePadding(text: string): number | [number, number] | string {
  return /^[\s\d.,+-]*$/.test(text) ? parseIntPair('--padding', text) : text;
}

/** Parses a single number (integer rules are the library's). */
export function parseNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) throw new UsageError(flag, text, `${flag} takes an integer`);
  return value;
}

/** `--input 3,7,7` or `1,3,7,7`. */
export function parseShape(flag: string, text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const dims = parts.map(Number);
  if (parts.some((part) => part === '') || dims.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new UsageError(
      flag,
      text,
      `${flag} takes a shape as non-negative integers separated by commas: C,H,W or N,C,H,W (e.g. 3,7,7)`,
    );
  }
  return dims;
}
