import type { Conv2dInfo } from '../core/resolve.js';
import { randomFill } from '../core/random.js';
import type { Tensor } from '../core/tensor.js';
import { Conv2dError, formatValue } from '../errors/index.js';
import { conv2dReference } from '../kernels/reference.js';
import { type LinkMap, forEachTap } from './links.js';
import { consistentSum } from './numbers.js';

/**
 * Values mode's numbers: one image of the input, the weights and the bias — given, or seeded so that
 * the same arguments always draw the same numbers — every output from the reference kernel, and the
 * sum line of any output cell as per-channel partial sums plus the bias.
 */

/** The values shown when none are given: seeded, in [−scale, scale], one decimal — readable in a cell. */
function seededValues(length: number, seed: number, scale: number): Float32Array {
  return randomFill(length, seed).map((v) => Math.round(v * scale * 10) / 10);
}

function tensorData(value: unknown, argument: string, shape: number[]): Float32Array {
  const t = value as Tensor;
  if (
    !t ||
    !(t.data instanceof Float32Array) ||
    t.shape.length !== shape.length ||
    t.shape.some((d, i) => d !== shape[i])
  ) {
    throw new Conv2dError(
      argument,
      (t as Tensor | undefined)?.shape ?? value,
      `${argument} must be a tensor of shape ${formatValue(shape)}`,
    );
  }
  return t.data;
}

/**
 * The values a picture shows for one tensor: image `batch` (`imageSize` values) of the given tensor,
 * its shape checked against `shape` (naming `argument`), or seeded values — the same every time.
 */
export function givenOrSeeded(
  value: unknown,
  argument: string,
  shape: number[],
  imageSize: number,
  seed: number,
  scale: number,
  batch = 0,
): Float32Array {
  return value === undefined
    ? seededValues(imageSize, seed, scale)
    : tensorData(value, argument, shape).subarray(batch * imageSize, (batch + 1) * imageSize);
}

/** How many channel sums the sum line spells out before folding the rest into one term. */
const SUM_TERMS_SHOWN = 6;
/** How many groups get a sum line in values mode. */
export const SUM_LINES_SHOWN = 4;

/** Index of weight [o, c, ky, kx] in the (O, C/groups, kH, kW) weight. */
export function weightIndex(info: Conv2dInfo, o: number, c: number, ky: number, kx: number): number {
  return ((o * info.inChannelsPerGroup + c) * info.kernelHeight + ky) * info.kernelWidth + kx;
}

export interface ShownValues {
  /** One image (C, H, W), the weight (O, C/groups, kH, kW), the bias (O) or null, the outputs (O, H_out, W_out). */
  input: Float32Array;
  weight: Float32Array;
  bias: Float32Array | null;
  outputs: Float32Array;
  inputValue(c: number, y: number, x: number): number;
  /** `y[0, 1, 1] = Σc0 (−0.73) + Σc1 (0.70) + b (−0.50) = −0.77`: printed terms add up to the printed result. */
  sumLine(o: number, oy: number, ox: number): string;
  /** The widest sum line any step can print (every term at the most digits): for the layout. */
  widestSumLine: string;
}

export function shownValues(
  info: Conv2dInfo,
  map: LinkMap,
  given: { input?: unknown; weight?: unknown; bias?: unknown },
  batch: number,
): ShownValues {
  const {
    inChannels: C,
    inHeight: H,
    inWidth: W,
    outChannels: O,
    inChannelsPerGroup: Cg,
    outChannelsPerGroup: Og,
  } = info;
  const { outHeight: Ho, outWidth: Wo } = info;
  const imageSize = C * H * W;
  const input = givenOrSeeded(given.input, 'input', info.inputShape, imageSize, 1, 1, batch);
  const weight = givenOrSeeded(given.weight, 'weight', info.weightShape, O * info.taps, 2, 1);
  const bias =
    !info.hasBias || given.bias === null
      ? null
      : given.bias === undefined
        ? seededValues(O, 3, 0.5)
        : tensorData(given.bias, 'bias', [O]);
  const outputs = new Float32Array(O * Ho * Wo);
  conv2dReference({ ...info, batch: 1 }, input, weight, bias, outputs);
  const inputValue = (c: number, y: number, x: number) => input[(c * H + y) * W + x]!;

  /** `y[0, 1, 1] = Σc0 (−0.73) + Σc1 (0.70) + b (−0.50) = −0.77` */
  function sumLineText(
    o: number,
    oy: number,
    ox: number,
    firstChannel: number,
    terms: string[],
    biasTerm: string | null,
    total: string,
  ): string {
    const labels = terms.map((_, i) => {
      if (i < SUM_TERMS_SHOWN || Cg <= SUM_TERMS_SHOWN + 1) return `Σc${firstChannel + i}`;
      return `Σc${firstChannel + i}…c${firstChannel + Cg - 1}`;
    });
    const parts = terms.map((t, i) => `${labels[i]} (${t})`);
    if (biasTerm !== null) parts.push(`b (${biasTerm})`);
    return `y[${o}, ${oy}, ${ox}] = ${parts.join(' + ')} = ${total}`;
  }

  /** The sum line of output cell (o, oy, ox): partial sums per input channel (the rest folded), bias, total. */
  function sumLine(o: number, oy: number, ox: number): string {
    const g = Math.floor(o / Og);
    const partial = new Float64Array(Cg);
    forEachTap(map, oy, ox, (c, ky, kx, py, px) => {
      const y = map.rowSource[py]!,
        x = map.colSource[px]!;
      if (y >= 0 && x >= 0) partial[c]! += weight[weightIndex(info, o, c, ky, kx)]! * inputValue(g * Cg + c, y, x);
    });
    const shown =
      Cg <= SUM_TERMS_SHOWN + 1
        ? Array.from(partial)
        : [...partial.subarray(0, SUM_TERMS_SHOWN), partial.subarray(SUM_TERMS_SHOWN).reduce((a, b) => a + b, 0)];
    const terms = bias ? [...shown, bias[o]!] : shown;
    const printed = consistentSum(terms, outputs[(o * Ho + oy) * Wo + ox]!);
    const biasTerm = bias ? printed.terms.pop()! : null;
    return sumLineText(o, oy, ox, g * Cg, printed.terms, biasTerm, printed.total);
  }
  const widestSumLine = sumLineText(
    0,
    0,
    0,
    0,
    Array(Math.min(Cg, SUM_TERMS_SHOWN + 1)).fill('−88.88888'),
    '−88.88888',
    '−88.88888',
  );
  return { input, weight, bias, outputs, inputValue, sumLine, widestSumLine };
}
