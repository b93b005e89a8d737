import { describeInfo } from '../core/describe.js';
import type { Conv2dInfo } from '../core/resolve.js';
import { type Lang, WORDS } from './i18n.js';

/**
 * The words over a picture: a title naming what the figure shows, the caption in the article's form,
 * and the output-size formula with the numbers in it. One tuple notation everywhere: (h, w).
 */

/** `(3, 7, 7)`, `(5, 2)`: the notation of shapes and pairs in every picture and chart. */
export function tuple(values: readonly (number | string)[]): string {
  return `(${values.join(', ')})`;
}

/** `Input shape: (3, 7, 7) — Output shape: (2, 3, 3) — K: (3, 3) — P: (1, 1) — S: (2, 2) — D: (2, 2) — G: 1` */
export function captionFor(info: Conv2dInfo, lang: Lang = 'en'): string {
  const w = WORDS[lang];
  const padding =
    info.padTop === info.padBottom && info.padLeft === info.padRight
      ? tuple([info.padTop, info.padLeft])
      : `(${info.padTop}+${info.padBottom}, ${info.padLeft}+${info.padRight})`;
  const c = w.colon;
  return (
    `${w.inputShape}${c}${tuple(info.inputShape)} — ${w.outputShape}${c}${tuple(info.outputShape)} — K${c}${tuple([info.kernelHeight, info.kernelWidth])} — ` +
    `P${c}${padding} — S${c}${tuple([info.strideHeight, info.strideWidth])} — D${c}${tuple([info.dilationHeight, info.dilationWidth])} — G${c}${info.groups}` +
    (info.paddingMode === 'zeros' ? '' : ` — ${w.paddingMode[info.paddingMode]}`)
  );
}

/**
 * What the figure shows, from the arguments that differ from nn.Conv2d's defaults: "Kernel size (5, 2)",
 * "Padding (1, 1) · stride (2, 2) · dilation (2, 2)", "Groups 3 (depthwise)"; a layer with only
 * defaults is named by its channels, "In channels 3 → out channels 4".
 */
export function titleFor(info: Conv2dInfo, lang: Lang = 'en'): string {
  const w = WORDS[lang];
  const parts: string[] = [];
  const pair = (h: number, v: number) => tuple([h, v]);
  const padded = info.padTop + info.padBottom + info.padLeft + info.padRight > 0;
  if (info.kernelHeight !== 3 || info.kernelWidth !== 3)
    parts.push(`${w.kernelSize} ${pair(info.kernelHeight, info.kernelWidth)}`);
  if (padded) {
    const padding =
      info.padTop === info.padBottom && info.padLeft === info.padRight
        ? pair(info.padTop, info.padLeft)
        : `(${info.padTop}+${info.padBottom}, ${info.padLeft}+${info.padRight})`;
    parts.push(`${w.padding} ${padding}${info.paddingMode === 'zeros' ? '' : `, ${w.paddingMode[info.paddingMode]}`}`);
  }
  if (info.strideHeight !== 1 || info.strideWidth !== 1)
    parts.push(`${w.stride} ${pair(info.strideHeight, info.strideWidth)}`);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1)
    parts.push(`${w.dilation} ${pair(info.dilationHeight, info.dilationWidth)}`);
  if (info.groups > 1)
    parts.push(`${w.groups} ${info.groups}${info.inChannelsPerGroup === 1 ? ` (${w.depthwise})` : ''}`);
  if (parts.length === 0) return w.channels(info.inChannels, info.outChannels);
  // Later parts start lower-case in English ("Padding (1, 1) · stride (2, 2)").
  return parts.map((p, i) => (i === 0 || lang !== 'en' ? p : p[0]!.toLowerCase() + p.slice(1))).join(' · ');
}

/** The output-size formula per axis with the numbers in it (describeConv2d's). */
export function formulaLines(info: Conv2dInfo): [string, string] {
  const { formula } = describeInfo(info);
  return [formula.height, formula.width];
}
