import {
  type TransposedLayerOptions,
  describeTransposedInfo,
  resolveTransposedLayer,
} from '../core/describe-transposed.js';
import type { Tensor } from '../core/tensor.js';
import type { ConvTranspose2dInfo } from '../core/transposed.js';
import { checkOptionKeys } from '../core/validate.js';
import { convTranspose2dReference } from '../kernels/reference-transposed.js';
import { tuple } from './captions.js';
import type { Lang, Words } from './i18n.js';
import { type HeaderLine, placeLines, textWidth } from './layout.js';
import type { Linked } from './links.js';
import { formatNumber } from './numbers.js';
import {
  Drawing,
  type Frame,
  Grid,
  NO_LINKS,
  checkPictureCanvas,
  checkStep,
  checkCellCount,
  checkShownImage,
  printedProducts,
  type Picture,
  STYLE_OPTION_KEYS,
  type StyleOptions,
  checkOneChannel,
  resolveStyle,
  tapName,
} from './picture.js';
import { TAP_HUES, tapHue } from './theme.js';
import { INSERTED_ZERO, PADDING_ZERO, type TransposedAxis, transposedAxis } from './transposed-axis.js';
import { givenOrSeeded } from './values.js';

/**
 * The transposed convolution, animated two linked ways, one output cell a step:
 *
 * - the scatter view (top): input, kernel, and the stamped output before the crop. The input cells
 *   whose stamps land on the current output cell are lit, each in the hue of the kernel tap that
 *   lands there, with its whole stamp outlined in that hue. Cells that `padding` crops off are grey;
 *   the rows and columns `output_padding` adds are outlined in dashes.
 * - the equivalent direct convolution (bottom): s − 1 zeros inserted between input cells, padded by
 *   d·(k − 1) − p (plus output_padding after), the kernel flipped, the window of the same output
 *   cell outlined. The lit cells under the window are the same input cells, in the same hues, and
 *   the flipped kernel's lit taps are the same weights: the two views compute the same sum.
 *
 * In values mode the cells hold numbers and the header spells out the current cell's sum.
 */

export interface TransposedVizOptions extends StyleOptions {
  /** Which image of a batched input the values come from; default 0. */
  batch?: number;
  /** The tensors shown in values mode (shapes must match the layer); default: seeded random values. */
  input?: Tensor;
  weight?: Tensor;
  bias?: Tensor | null;
}

export const TRANSPOSED_VIZ_OPTION_KEYS = [...STYLE_OPTION_KEYS, 'batch', 'input', 'weight', 'bias'] as const;

/** One stamp landing on an output cell: input cell (iy, ix) through kernel tap (ky, kx). */
export interface Stamp {
  iy: number;
  ix: number;
  ky: number;
  kx: number;
}

export interface TransposedAnimation extends Picture {
  info: ConvTranspose2dInfo;
  /** The stamps that land on output cell (oy, ox): the same input cells and taps both views light. */
  stampsAt(oy: number, ox: number): Stamp[];
  /** The numbers drawn in values mode (one image; the outputs from the scatter definition), else null. */
  values: { input: Float32Array; weight: Float32Array; bias: Float32Array | null; outputs: Float32Array } | null;
}

export function createTransposedAnimation(
  inputShape: readonly number[],
  layer: TransposedLayerOptions,
  options: TransposedVizOptions = {},
): TransposedAnimation {
  const raw = checkOptionKeys(options, TRANSPOSED_VIZ_OPTION_KEYS, 'vizOptions');
  const info = resolveTransposedLayer(inputShape, layer);
  checkOneChannel(inputShape, info.inChannels, info.outChannels, 'transposed convolution');
  const { mode, lang, words, palette, S, captionSize, labelSize, small, ...style } = resolveStyle(raw);
  const batch = checkShownImage(raw.batch, info.batch);
  const { inHeight: H, inWidth: W, kernelHeight: kH, kernelWidth: kW, outHeight: Ho, outWidth: Wo } = info;
  const rows = transposedAxis(H, kH, info.strideHeight, info.padTop, info.dilationHeight, info.outputPaddingHeight, Ho);
  const cols = transposedAxis(W, kW, info.strideWidth, info.padLeft, info.dilationWidth, info.outputPaddingWidth, Wo);
  const cells = H * W + 2 * kH * kW + rows.canvas * cols.canvas + rows.direct * cols.direct + Ho * Wo;
  checkCellCount(inputShape, cells, 'a smaller input or kernel');

  // Tensors given in structure mode are checked all the same (a wrong shape is an error in either mode).
  const given = raw.input !== undefined || raw.weight !== undefined || raw.bias !== undefined;
  const computed = mode === 'values' || given ? transposedValues(info, raw, batch) : null;
  const values = mode === 'values' ? computed : null;
  const stampsAt = (oy: number, ox: number): Stamp[] =>
    rows
      .contributions(oy)
      .flatMap((r) => cols.contributions(ox).map((c) => ({ iy: r.cell, ix: c.cell, ky: r.tap, kx: c.tap })));

  // The header: title, caption, formula; in values mode the sum line and its legend.
  const t = words.transposed;
  const title = style.title ?? transposedTitle(info, words, lang);
  const caption = transposedCaption(info, words);
  const { formula } = describeTransposedInfo(info);
  const header: HeaderLine[] = [
    { text: title, size: captionSize + 3, bold: true },
    { text: caption, size: captionSize },
    { text: `${formula.height}    ${formula.width}`, size: captionSize - 1, muted: true },
    ...(values
      ? [
          { text: '', size: captionSize },
          { text: t.sumLegend, size: captionSize - 2, muted: true },
        ]
      : []),
  ];

  // Where everything sits: three columns (input | kernel | output), the scatter view over the direct one;
  // the direct view's output sits under the stamped output's uncropped cells, column for column.
  const margin = Math.max(12, S);
  const columnGap = Math.max(40, 3 * S);
  const headed = placeLines(header, margin, margin);
  const column1 = margin;
  const column2 = column1 + Math.max(W, cols.direct) * S + columnGap;
  const column3 = column2 + kW * S + columnGap;
  const headingSize = labelSize + 1;
  const legend = t.legend(info.padTop + info.padLeft > 0, info.outputPaddingHeight + info.outputPaddingWidth > 0);
  // Per axis when the axes differ: "1" or "(1, 2)".
  const axes = (h: number, w: number) => (h === w ? String(h) : tuple([h, w]));
  const directHeading = t.direct(
    axes(rows.between, cols.between),
    axes(rows.before, cols.before),
    axes(rows.before + info.outputPaddingHeight, cols.before + info.outputPaddingWidth),
  );

  const headingA = headed.bottom + Math.round(S * 0.3) + headingSize;
  const labelsA = headingA + Math.round(labelSize * 1.7);
  const topA = labelsA + Math.max(8, Math.round(S * 0.4));
  const heightA = Math.max(H, kH, rows.canvas) * S;
  const centred = (top: number, span: number, cellsTall: number) => top + Math.round((span - cellsTall * S) / 2);
  const inputGrid = new Grid(column1, centred(topA, heightA, H), H, W, S);
  const kernelGrid = new Grid(column2, centred(topA, heightA, kH), kH, kW, S);
  const canvasGrid = new Grid(column3, centred(topA, heightA, rows.canvas), rows.canvas, cols.canvas, S);
  const legendY = topA + heightA + labelSize + Math.round(S * 0.4);
  const headingB = (legend ? legendY : topA + heightA) + Math.round(S * 1.2) + headingSize;
  const labelsB = headingB + Math.round(labelSize * 1.7);
  const topB = labelsB + Math.max(8, Math.round(S * 0.4));
  const heightB = Math.max(rows.direct, kH, Ho) * S;
  const directGrid = new Grid(column1, centred(topB, heightB, rows.direct), rows.direct, cols.direct, S);
  const flippedGrid = new Grid(column2, centred(topB, heightB, kH), kH, kW, S);
  const outputGrid = new Grid(column3 + info.padLeft * S, centred(topB, heightB, Ho), Ho, Wo, S);
  const steps = Ho * Wo;
  const hue = (ky: number, kx: number) => tapHue(ky, kx, kW);
  const taps = kH * kW;
  const weightText = (ky: number, kx: number) =>
    values ? formatNumber(values.weight[ky * kW + kx]!, 1) : tapName(ky * kW + kx, taps);
  const spanH = info.dilationHeight * (kH - 1) + 1,
    spanW = info.dilationWidth * (kW - 1) + 1;

  function sumLine(oy: number, ox: number, stamps: Stamp[]): string {
    const v = values!;
    const pairs = stamps.map((s) => [v.input[s.iy * W + s.ix]!, v.weight[s.ky * kW + s.kx]!] as const);
    const printed = printedProducts(pairs, v.outputs[oy * Wo + ox]!, v.bias ? [v.bias[0]!] : []);
    return sumText(oy, ox, printed.terms, v.bias ? printed.extra[0]! : null, printed.total);
  }

  // The widest sum line any step prints, for the canvas width (values mode).
  let widestSum = 0;
  for (let step = 0; values && step < steps; step++) {
    const oy = Math.floor(step / Wo),
      ox = step % Wo;
    widestSum = Math.max(widestSum, textWidth(sumLine(oy, ox, stampsAt(oy, ox)), captionSize));
  }

  const width = Math.ceil(
    Math.max(
      Math.max(canvasGrid.x + canvasGrid.width, outputGrid.x + outputGrid.width) + margin,
      margin + widestSum + margin,
      ...[...headed.placed, { text: t.scatter, size: headingSize }, { text: directHeading, size: headingSize }].map(
        (line) => margin + textWidth(line.text, line.size, 'bold' in line && line.bold) + margin,
      ),
      canvasGrid.x + textWidth(legend, labelSize) + margin,
    ),
  );
  const height = topB + heightB + margin;
  checkPictureCanvas(raw.cellSize, inputShape, S, width, height);

  function frame(step: number): Frame {
    checkStep(step, steps);
    const oy = Math.floor(step / Wo),
      ox = step % Wo;
    const stamps = stampsAt(oy, ox);
    const inputHue = new Map<number, string>();
    const tapHue = new Map<number, string>();
    for (const s of stamps) {
      inputHue.set(s.iy * W + s.ix, hue(s.ky, s.kx));
      tapHue.set(s.ky * kW + s.kx, hue(s.ky, s.kx));
    }
    const highlighted: Linked = {
      inputs: stamps.map((s) => ({ channel: 0, py: s.iy, px: s.ix })),
      weights: stamps.map((s) => ({ outputChannel: 0, groupChannel: 0, ky: s.ky, kx: s.kx })),
      outputs: [{ channel: 0, oy, ox }],
    };
    const d = new Drawing(palette, small);
    const outputFill = (y: number, x: number) => {
      const order = y * Wo + x;
      return order === step ? palette.outputCurrent : order < step ? palette.outputDone : palette.outputEmpty;
    };
    const outputText = (y: number, x: number) =>
      values && y * Wo + x <= step ? formatNumber(values.outputs[y * Wo + x]!, 2) : undefined;
    const inputText = (y: number, x: number) => (values ? formatNumber(values.input[y * W + x]!, 1) : undefined);

    headed.placed.forEach((line, i) => {
      const text = values && i === 3 ? sumLine(oy, ox, stamps) : line.text;
      d.text(line.x, line.y, text, line.size, line.muted ? palette.muted : palette.text, 'left', line.bold);
    });

    // The scatter view.
    d.text(margin, headingA, t.scatter, headingSize, palette.text, 'left', true);
    d.text(inputGrid.x, labelsA, words.input, labelSize, palette.muted);
    d.text(kernelGrid.x, labelsA, t.kernel, labelSize, palette.muted);
    d.text(canvasGrid.x, labelsA, t.stamped, labelSize, palette.muted);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        d.cell(inputGrid.cell(y, x), inputHue.get(y * W + x) ?? palette.input, inputText(y, x));
    for (let ky = 0; ky < kH; ky++)
      for (let kx = 0; kx < kW; kx++)
        d.cell(kernelGrid.cell(ky, kx), tapHue.get(ky * kW + kx) ?? palette.kernel, weightText(ky, kx));
    for (let f = 0; f < rows.canvas; f++) {
      const y = f - info.padTop;
      for (let g = 0; g < cols.canvas; g++) {
        const x = g - info.padLeft;
        const inside = y >= 0 && y < Ho && x >= 0 && x < Wo;
        d.cell(
          canvasGrid.cell(f, g),
          inside ? outputFill(y, x) : palette.cropped,
          inside ? outputText(y, x) : undefined,
        );
      }
    }
    if (legend) d.text(canvasGrid.x, legendY, legend, labelSize, palette.muted);

    // The equivalent direct convolution.
    d.text(margin, headingB, directHeading, headingSize, palette.text, 'left', true);
    d.text(directGrid.x, labelsB, words.input, labelSize, palette.muted);
    d.text(flippedGrid.x, labelsB, t.flipped, labelSize, palette.muted);
    d.text(outputGrid.x, labelsB, words.output, labelSize, palette.muted);
    for (let r = 0; r < rows.direct; r++) {
      const y = rows.directSource(r);
      for (let c = 0; c < cols.direct; c++) {
        const x = cols.directSource(c);
        const rect = directGrid.cell(r, c);
        if (y === PADDING_ZERO || x === PADDING_ZERO) d.cell(rect, palette.padding, '0');
        else if (y === INSERTED_ZERO || x === INSERTED_ZERO) d.cell(rect, palette.band, '0');
        else d.cell(rect, inputHue.get(y * W + x) ?? palette.input, inputText(y, x));
      }
    }
    // Flipped: cell (a, b) holds tap (kH − 1 − a, kW − 1 − b).
    for (let a = 0; a < kH; a++)
      for (let b = 0; b < kW; b++) {
        const ky = kH - 1 - a,
          kx = kW - 1 - b;
        d.cell(flippedGrid.cell(a, b), tapHue.get(ky * kW + kx) ?? palette.kernel, weightText(ky, kx));
      }
    for (let y = 0; y < Ho; y++)
      for (let x = 0; x < Wo; x++) d.cell(outputGrid.cell(y, x), outputFill(y, x), outputText(y, x));

    // Over the cells: the rows / columns output_padding adds (dashed), each stamp in its hue, the window's taps.
    const dash = [5, 3];
    for (const [grid, top, left] of [
      [canvasGrid, info.padTop, info.padLeft],
      [outputGrid, 0, 0],
    ] as const) {
      if (info.outputPaddingHeight > 0)
        d.outline(
          grid.block(top + Ho - info.outputPaddingHeight, left, info.outputPaddingHeight, Wo),
          palette.ghost,
          2,
          dash,
        );
      if (info.outputPaddingWidth > 0)
        d.outline(
          grid.block(top, left + Wo - info.outputPaddingWidth, Ho, info.outputPaddingWidth),
          palette.ghost,
          2,
          dash,
        );
    }
    for (const s of stamps) {
      const block = canvasGrid.block(s.iy * info.strideHeight, s.ix * info.strideWidth, spanH, spanW);
      d.outline(block, palette.background, 5);
      d.outline(block, hue(s.ky, s.kx), 3);
    }
    for (let a = 0; a < kH; a++)
      for (let b = 0; b < kW; b++)
        d.outline(directGrid.cell(oy + a * info.dilationHeight, ox + b * info.dilationWidth), palette.line, 2);
    d.outline(outputGrid.cell(oy, ox), palette.line, 2);
    d.outline(canvasGrid.cell(oy + info.padTop, ox + info.padLeft), palette.line, 2);
    return { width, height, background: palette.background, shapes: d.shapes, step, steps, highlighted };
  }

  // Frames holding every hue: one output cell of each phase (y mod s, x mod s), as far as there are hues.
  const paletteSteps = [0, steps - 1];
  for (let py = 0; py < Math.min(info.strideHeight, Ho); py++)
    for (let px = 0; px < Math.min(info.strideWidth, Wo); px++) {
      const oy = Math.min(Ho - 1, py + Math.floor(Ho / 2) - (Math.floor(Ho / 2) % info.strideHeight));
      const ox = Math.min(Wo - 1, px + Math.floor(Wo / 2) - (Math.floor(Wo / 2) % info.strideWidth));
      if (paletteSteps.length < TAP_HUES.length + 2) paletteSteps.push(oy * Wo + ox);
    }

  return {
    info,
    steps,
    caption,
    title,
    lang,
    width,
    height,
    frame,
    stampsAt,
    values,
    paletteSteps,
    ...NO_LINKS,
  };
}

/** `y[1, 2] = 0.12 + (−0.35) + b (0.10) = −0.13` */
function sumText(oy: number, ox: number, terms: string[], biasTerm: string | null, total: string): string {
  const parts = terms.length ? [terms.join(' + ')] : [];
  if (biasTerm !== null) parts.push(`b (${biasTerm})`);
  return `y[${oy}, ${ox}] = ${parts.length ? `${parts.join(' + ')} = ` : ''}${total}`;
}

/** `Transposed convolution · stride (2, 2) · padding (1, 1) · output padding (1, 1)` */
function transposedTitle(info: ConvTranspose2dInfo, words: Words, lang: Lang): string {
  const pair = (h: number, w: number, name: string, plain: number) =>
    h === plain && w === plain ? null : `${name} ${tuple([h, w])}`;
  const parts = [
    pair(info.kernelHeight, info.kernelWidth, words.kernelSize, 3),
    pair(info.strideHeight, info.strideWidth, words.stride, 1),
    pair(info.padTop, info.padLeft, words.padding, 0),
    pair(info.outputPaddingHeight, info.outputPaddingWidth, words.transposed.outputPadding, 0),
    pair(info.dilationHeight, info.dilationWidth, words.dilation, 1),
  ].filter((part): part is string => part !== null);
  // Later parts start lower-case in English ("Transposed convolution · stride (2, 2) · padding (1, 1)").
  const lower = (part: string) => (lang === 'en' ? part.replace(/^[A-Z]/, (c) => c.toLowerCase()) : part);
  return [words.transposed.title, ...parts.map(lower)].join(' · ');
}

/** `Input shape: (1, 3, 3) — Output shape: (1, 6, 6) — K: (3, 3) — P: (1, 1) — S: (2, 2) — OP: (1, 1) — D: (1, 1)` */
function transposedCaption(info: ConvTranspose2dInfo, words: Words): string {
  const c = words.colon;
  return [
    `${words.inputShape}${c}${tuple(info.inputShape)}`,
    `${words.outputShape}${c}${tuple(info.outputShape)}`,
    `K${c}${tuple([info.kernelHeight, info.kernelWidth])}`,
    `P${c}${tuple([info.padTop, info.padLeft])}`,
    `S${c}${tuple([info.strideHeight, info.strideWidth])}`,
    `OP${c}${tuple([info.outputPaddingHeight, info.outputPaddingWidth])}`,
    `D${c}${tuple([info.dilationHeight, info.dilationWidth])}`,
  ].join(' — ');
}

function transposedValues(info: ConvTranspose2dInfo, given: Record<string, unknown>, batch: number) {
  const image = info.inHeight * info.inWidth;
  const input = givenOrSeeded(given.input, 'input', info.inputShape, image, 1, 1, batch);
  const weight = givenOrSeeded(given.weight, 'weight', info.weightShape, info.kernelHeight * info.kernelWidth, 2, 1);
  const bias = !info.hasBias || given.bias === null ? null : givenOrSeeded(given.bias, 'bias', [1], 1, 3, 0.5);
  const outputs = new Float32Array(info.outHeight * info.outWidth);
  convTranspose2dReference({ ...info, batch: 1 }, input, weight, bias, outputs);
  return { input, weight, bias, outputs };
}

export type { TransposedAxis };
