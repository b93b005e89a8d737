import { ConvlabError } from '../errors/index.js';
import { type LayerOptions, resolveLayer } from './describe.js';
import type { IntPair } from './resolve.js';

/**
 * How far each argument of a layer can go, found by asking the library's own validation (ezyang's
 * convolution-visualizer calls it paramsOK/maxWhile) instead of writing the rules a second time:
 * whatever resolveLayer accepts is in bounds, so a control's limit can never disagree with the error
 * the library would give.
 */

/**
 * The largest n in [from, cap] for which `ok(n)` holds, where ok holds up to some n and fails after
 * (`ok(from)` must hold); null when `ok(cap)` holds too (no bound below the cap). Doubling steps, then
 * bisection: about 2·log₂(cap) probes.
 */
export function largestWhile(ok: (n: number) => boolean, from: number, cap: number): number | null {
  if (ok(cap)) return null;
  let good = from,
    step = 1;
  while (good + step < cap && ok(good + step)) {
    good += step;
    step *= 2;
  }
  let bad = Math.min(cap, good + step);
  while (bad - good > 1) {
    const middle = good + Math.floor((bad - good) / 2);
    if (ok(middle)) good = middle;
    else bad = middle;
  }
  return good;
}

/** Per axis, the largest kernel size, dilation and padding the layer accepts with the other arguments as they are; null: no bound. */
export interface AxisBounds {
  kernel: number | null;
  dilation: number | null;
  padding: number | null;
}

/** Probes stop here: a control larger than this is not useful, and the probes stay cheap. */
const PROBE_CAP = 1 << 16;

const pairOf = (value: IntPair | undefined, fallback: number): [number, number] =>
  value === undefined ? [fallback, fallback] : typeof value === 'number' ? [value, value] : [value[0], value[1]];

/** {@link AxisBounds} for height and width of a valid layer on `inputShape`. */
export function layerBounds(
  inputShape: readonly number[],
  layer: LayerOptions,
): { height: AxisBounds; width: AxisBounds } {
  resolveLayer(inputShape, layer); // the layer itself must be valid
  const accepts = (changed: Partial<LayerOptions>) => {
    try {
      resolveLayer(inputShape, { ...layer, ...changed });
      return true;
    } catch (error) {
      if (error instanceof ConvlabError) return false;
      throw error;
    }
  };
  const axis = (i: 0 | 1): AxisBounds => {
    const withValue = (key: 'kernelSize' | 'dilation' | 'padding', fallback: number) => (n: number) => {
      const pair = pairOf(
        key === 'padding' && typeof layer.padding === 'string' ? 0 : (layer[key] as IntPair),
        fallback,
      );
      pair[i] = n;
      return accepts({ [key]: pair });
    };
    return {
      kernel: largestWhile(withValue('kernelSize', 1), 1, PROBE_CAP),
      dilation: largestWhile(withValue('dilation', 1), 1, PROBE_CAP),
      padding: typeof layer.padding === 'string' ? null : largestWhile(withValue('padding', 0), 0, PROBE_CAP),
    };
  };
  return { height: axis(0), width: axis(1) };
}
