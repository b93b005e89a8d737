import { resolveLayer, type LayerOptions } from '../core/describe.js';
import type { Conv2dInfo } from '../core/resolve.js';
import type { Tensor } from '../core/tensor.js';
import { checkIntegerAtLeast, checkOptionKeys } from '../core/validate.js';
import { Conv2dError, formatValue } from '../errors/index.js';
import { conv2dReference } from '../kernels/reference.js';
import { captionFor, formulaLines, titleFor, tuple } from './captions.js';
import { type Lang, WORDS, checkLang } from './i18n.js';
import { type HeaderLine, type Rect, computeLayout, textWidth } from './layout.js';
import { type CellTarget, type LinkMap, type Linked, createLinkMap, forEachTap, inPadding, linkedCells } from './links.js';
import { consistentSum, formatNumber } from './numbers.js';
import { type Palette, TAP_HUES, THEMES, type Theme, textOn } from './theme.js';
import { stepCount, stepPosition } from './trace.js';

/**
 * The frame model: a pure function of (configuration, options, step) that says what to draw — cells,
 * lines and text with their positions and colours — and which cells are highlighted. Renderers (a
 * canvas in the page, @napi-rs/canvas in Node, the GIF encoder) draw it and compute nothing.
 *
 * What a frame shows, each concept legible in a still:
 * - a title naming the figure, the caption in the article's form and the output-size formula;
 * - the input channels with their padding ring (zeros grey with a small 0; copies of reflect /
 *   replicate / circular padding in a darker blue, the cell they copy outlined when it is read);
 * - the current receptive field (outlined; for a dilated kernel each tap in its own hue, shared with
 *   its kernel cell), a dashed ghost of the receptive field one stride back and an arrow for the jump;
 * - the kernels, the current filter lit; a +b cell beside each output channel, lit when used;
 * - the outputs filling in; connectors over every cell, with a halo: from the right-hand corners of
 *   each channel's receptive-field box to the left-hand corners of its kernel slice, and from the
 *   filter's outer right-hand corners to the centre of the output cell (drawn again over its lines);
 * - grouped layers as bands, one per group, and a bracket showing the concatenation;
 * - in values mode, the numbers and the sum: per-channel partial sums plus the bias.
 * Groups run in parallel: every group's j-th output channel advances at the same step.
 */

/** What a connector joins (for tests and tools; renderers ignore it). */
export type Connector =
  | { from: 'receptive-field'; to: 'kernel'; inputChannel: number; outputChannel: number; groupChannel: number }
  | { from: 'kernel'; to: 'output'; outputChannel: number; groupChannel: number; oy: number; ox: number };

export type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill?: string; stroke?: string; lineWidth?: number; dash?: number[] }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string; lineWidth: number; dash?: number[]; connector?: Connector; halo?: boolean }
  | { kind: 'polygon'; points: number[]; fill: string }
  | { kind: 'text'; x: number; y: number; text: string; size: number; color: string; align: 'left' | 'center' | 'right'; bold?: boolean };

export interface Frame {
  width: number;
  height: number;
  background: string;
  shapes: Shape[];
  step: number;
  steps: number;
  /** What this step highlights, from the dependency map: for tests and hover linking. */
  highlighted: Linked;
}

export type VizMode = 'structure' | 'values';
export type { Theme } from './theme.js';
export type { CellTarget, Linked } from './links.js';

export interface VizOptions {
  /** `'structure'` (the article's look) or `'values'` (numbers and sums). Default structure. */
  mode?: VizMode;
  theme?: Theme;
  /** Language of the words: 'en' (default) or 'zh-CN' ('zh' accepted). */
  lang?: Lang | 'zh';
  /** The figure's title; default: named from the arguments that differ from nn.Conv2d's defaults. */
  title?: string;
  /** Cell size in pixels (8–96); default 24 for structure, 32 for values. */
  cellSize?: number;
  /** Which image of a batched input the values come from; default 0. */
  batch?: number;
  /** The tensors shown in values mode (shapes must match the layer); default: seeded random values. */
  input?: Tensor;
  weight?: Tensor;
  bias?: Tensor | null;
}

export const VIZ_OPTION_KEYS = ['mode', 'theme', 'lang', 'title', 'cellSize', 'batch', 'input', 'weight', 'bias'] as const;

/** The most cells a picture may have, and the largest canvas (GIF stores sizes in 16 bits). */
export const MAX_CELLS = 200_000;
export const MAX_CANVAS_SIDE = 65_535;
export const MAX_CANVAS_PIXELS = 2 ** 26;

export interface Animation {
  info: Conv2dInfo;
  steps: number;
  /** The caption in the article's form. */
  caption: string;
  /** The title line. */
  title: string;
  lang: Lang;
  /** The dependency map every frame and link reads. */
  map: LinkMap;
  /** Canvas size of every frame, px. */
  width: number;
  height: number;
  /** The frame of step `step` (0 ≤ step < steps). */
  frame(step: number): Frame;
  /** The cell under canvas point (x, y), or null. */
  hitTest(x: number, y: number): CellTarget | null;
  /**
   * Hover linking: an output cell lights its receptive field and kernel; an input cell every output
   * its value feeds (and the weights that read it); a weight every input it touches (and the outputs).
   */
  linked(target: CellTarget): Linked;
  /** Outlines for the linked cells, drawn over a frame (pass `linked(target)` when you have it already). */
  overlay(target: CellTarget, links?: Linked): Shape[];
  /** The rectangle of a cell on the canvas. */
  cellRect(target: CellTarget): Rect;
}

export { captionFor } from './captions.js';

/** A small deterministic generator for the values shown when none are given: one decimal, readable in a cell. */
function seededValues(length: number, seed: number, scale: number): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length }, () => {
    state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
    return Math.round((state / 2 ** 32 * 2 - 1) * scale * 10) / 10;
  });
}

function tensorData(value: unknown, argument: string, shape: number[]): Float32Array {
  const t = value as Tensor;
  if (!t || !(t.data instanceof Float32Array) || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Conv2dError(argument, (t as Tensor | undefined)?.shape ?? value, `${argument} must be a tensor of shape ${formatValue(shape)}`);
  }
  return t.data;
}

/** How many channel sums the sum line spells out before folding the rest into one term. */
const SUM_TERMS_SHOWN = 6;
/** How many groups get a sum line in values mode. */
const SUM_LINES_SHOWN = 4;

/**
 * Prepares the animation of `layer` applied to an input of `inputShape`: resolves the layer (the
 * same checks as conv2d), builds the dependency map and the layout once, and returns a pure `frame(step)`.
 */
export function createAnimation(inputShape: readonly number[], layer: LayerOptions, options: VizOptions = {}): Animation {
  const raw = checkOptionKeys(options, VIZ_OPTION_KEYS, 'vizOptions');
  const info = resolveLayer(inputShape, layer);
  const mode = (raw.mode ?? 'structure') as VizMode;
  if (mode !== 'structure' && mode !== 'values') throw new Conv2dError('mode', mode, "mode must be 'structure' or 'values'");
  const theme = (raw.theme ?? 'light') as Theme;
  if (!(theme in THEMES)) throw new Conv2dError('theme', theme, "theme must be 'light' or 'dark'");
  const lang = checkLang(raw.lang);
  if (raw.title !== undefined && typeof raw.title !== 'string') throw new Conv2dError('title', raw.title, 'title must be a string');
  const S = raw.cellSize === undefined ? (mode === 'values' ? 32 : 24) : checkIntegerAtLeast('cellSize', raw.cellSize, 8, 'cellSize must be at least 8 pixels');
  if (S > 96) throw new Conv2dError('cellSize', S, 'cellSize must be at most 96 pixels');
  const batch = raw.batch === undefined ? 0 : checkIntegerAtLeast('batch', raw.batch, 0, 'batch must be a non-negative integer');
  if (batch >= info.batch) throw new Conv2dError('batch', batch, `batch must be below the input's batch size ${info.batch}`);
  const { inChannels: C, inHeight: H, inWidth: W, outChannels: O, inChannelsPerGroup: Cg, outChannelsPerGroup: Og } = info;
  const { kernelHeight: kH, kernelWidth: kW, outHeight: Ho, outWidth: Wo, groups } = info;
  const Hp = H + info.padTop + info.padBottom, Wp = W + info.padLeft + info.padRight;
  // The cells drawn: one image of the batch (only the shown image's values are ever made).
  const cells = C * Hp * Wp + O * Cg * kH * kW + O * Ho * Wo;
  if (cells > MAX_CELLS) {
    throw new Conv2dError('inputShape', [...inputShape], `the picture would have ${cells} cells; the visualizer draws at most ${MAX_CELLS} (use a smaller input or fewer channels)`);
  }

  const words = WORDS[lang];
  const palette = THEMES[theme];
  const map = createLinkMap(info);
  const steps = stepCount(info);
  const caption = captionFor(info, lang);
  const title = (raw.title as string | undefined) ?? titleFor(info, lang);
  const captionSize = Math.min(16, Math.max(11, Math.round(S * 0.5)));
  const labelSize = Math.max(10, captionSize - 2);
  const small = Math.max(7, Math.round(S * 0.3));

  // Values mode: one image's input, the weights and bias (given, or seeded so that the same arguments
  // always draw the same numbers), and every output from the reference kernel.
  const imageSize = C * H * W;
  const inputData = mode !== 'values' ? null : raw.input === undefined ? seededValues(imageSize, 1, 1)
    : tensorData(raw.input, 'input', info.batched ? [info.batch, C, H, W] : [C, H, W]).subarray(batch * imageSize, (batch + 1) * imageSize);
  const weightData = mode !== 'values' ? null : raw.weight === undefined ? seededValues(O * Cg * kH * kW, 2, 1) : tensorData(raw.weight, 'weight', [O, Cg, kH, kW]);
  const biasData = mode !== 'values' || !info.hasBias || raw.bias === null ? null
    : raw.bias === undefined ? seededValues(O, 3, 0.5) : tensorData(raw.bias, 'bias', [O]);
  const outputValues = new Float32Array(mode === 'values' ? O * Ho * Wo : 0);
  if (inputData && weightData) conv2dReference({ ...info, batch: 1 }, inputData, weightData, biasData, outputValues);

  // The header: title, caption, formula, and in values mode the sum lines and their legend.
  const [formulaH, formulaW] = formulaLines(info);
  const sumGroups = Math.min(groups, SUM_LINES_SHOWN);
  const header: HeaderLine[] = [
    { text: title, size: captionSize + 3, bold: true },
    { text: caption, size: captionSize },
    { text: `${formulaH}    ${formulaW}`, size: captionSize - 1, muted: true },
    ...(mode === 'values' ? [
      ...Array.from({ length: sumGroups }, () => ({ text: '', size: captionSize })),
      { text: words.sumLegend, size: captionSize - 2, muted: true },
    ] : []),
  ];
  // The widest sum line any step can print: every term at the most digits.
  const widest = mode === 'values' ? sumLineText(0, 0, 0, 0, Array(Math.min(Cg, SUM_TERMS_SHOWN + 1)).fill('−88.88888'), '−88.88888', '−88.88888') : '';
  const layout = computeLayout({
    info, S, header, headerMinWidth: textWidth(widest, captionSize), labelSize,
    bracketLabels: groups > 1 ? [words.concatenated, tuple(info.outputShape.slice(-3))] : [],
  });
  const { width, height } = layout;
  if (width > MAX_CANVAS_SIDE || height > MAX_CANVAS_SIDE || width * height > MAX_CANVAS_PIXELS) {
    const argument = raw.cellSize === undefined ? 'inputShape' : 'cellSize';
    throw new Conv2dError(argument, argument === 'cellSize' ? S : [...inputShape], `the picture would be ${width} × ${height} px; the largest is ` +
      `${MAX_CANVAS_SIDE} px a side and ${MAX_CANVAS_PIXELS} px in all (use a smaller cellSize or input)`);
  }

  /** `y[0, 1, 1] = Σc0 (−0.73) + Σc1 (0.70) + b (−0.50) = −0.77` */
  function sumLineText(o: number, oy: number, ox: number, firstChannel: number, terms: string[], bias: string | null, total: string): string {
    const labels = terms.map((_, i) => {
      if (i < SUM_TERMS_SHOWN || Cg <= SUM_TERMS_SHOWN + 1) return `Σc${firstChannel + i}`;
      return `Σc${firstChannel + i}…c${firstChannel + Cg - 1}`;
    });
    const parts = terms.map((t, i) => `${labels[i]} (${t})`);
    if (bias !== null) parts.push(`b (${bias})`);
    return `y[${o}, ${oy}, ${ox}] = ${parts.join(' + ')} = ${total}`;
  }

  const inputValue = (c: number, y: number, x: number) => inputData![(c * H + y) * W + x]!;
  const weightIndex = (o: number, c: number, ky: number, kx: number) => ((o * Cg + c) * kH + ky) * kW + kx;

  /** The sum line of output cell (o, oy, ox): partial sums per input channel (the rest folded), bias, total. */
  function sumLine(o: number, oy: number, ox: number): string {
    const g = Math.floor(o / Og);
    const partial = new Float64Array(Cg);
    forEachTap(map, oy, ox, (c, ky, kx, py, px) => {
      const y = map.rowSource[py]!, x = map.colSource[px]!;
      if (y >= 0 && x >= 0) partial[c]! += weightData![weightIndex(o, c, ky, kx)]! * inputValue(g * Cg + c, y, x);
    });
    const shown = Cg <= SUM_TERMS_SHOWN + 1 ? Array.from(partial)
      : [...partial.subarray(0, SUM_TERMS_SHOWN), partial.subarray(SUM_TERMS_SHOWN).reduce((a, b) => a + b, 0)];
    const terms = biasData ? [...shown, biasData[o]!] : shown;
    const printed = consistentSum(terms, outputValues[(o * Ho + oy) * Wo + ox]!);
    const bias = biasData ? printed.terms.pop()! : null;
    return sumLineText(o, oy, ox, g * Cg, printed.terms, bias, printed.total);
  }

  /** Padded-cell box covered by output cell (oy, ox)'s taps, in padded cells: rows [y0, y1), columns [x0, x1). */
  function fieldBox(oy: number, ox: number) {
    return { y0: map.rowOf[oy * kH]!, y1: map.rowOf[oy * kH + kH - 1]! + 1, x0: map.colOf[ox * kW]!, x1: map.colOf[ox * kW + kW - 1]! + 1 };
  }
  const dilated = info.dilationHeight > 1 || info.dilationWidth > 1;
  const tapHue = (ky: number, kx: number) => TAP_HUES[(ky * kW + kx) % TAP_HUES.length]!;

  function frame(step: number): Frame {
    if (!Number.isInteger(step) || step < 0 || step >= steps) throw new Conv2dError('step', step, `step must be an integer from 0 to ${steps - 1}`);
    const { channelInGroup: j, oy, ox } = stepPosition(info, step);
    const current = Array.from({ length: groups }, (_, g) => g * Og + j);
    const highlighted: Linked = { inputs: [], weights: [], outputs: [] };
    // Fill of each highlighted padded cell and kernel cell (a hue per tap when dilated).
    const fieldFill = new Map<number, string>();
    const kernelFill = new Map<number, string>();
    for (const o of current) {
      const g = Math.floor(o / Og);
      highlighted.outputs.push({ channel: o, oy, ox });
      forEachTap(map, oy, ox, (c, ky, kx, py, px) => {
        const channel = g * Cg + c;
        const fill = dilated ? tapHue(ky, kx) : palette.receptive;
        highlighted.inputs.push({ channel, py, px });
        highlighted.weights.push({ outputChannel: o, groupChannel: c, ky, kx });
        fieldFill.set((channel * Hp + py) * Wp + px, fill);
        kernelFill.set(weightIndex(o, c, ky, kx), dilated ? fill : palette.kernelCurrent);
      });
    }

    const shapes: Shape[] = [];
    const text = (x: number, y: number, value: string, size: number, color: string, align: 'left' | 'center' | 'right' = 'left', bold = false) =>
      shapes.push({ kind: 'text', x, y, text: value, size, color, align, ...(bold ? { bold } : {}) });
    const cell = (r: Rect, fill: string, value?: string, valueSize = small) => {
      shapes.push({ kind: 'rect', ...r, fill, stroke: palette.grid, lineWidth: 1 });
      if (value !== undefined) text(r.x + r.w / 2, r.y + r.h / 2 + valueSize / 3, value, valueSize, textOn(palette, fill), 'center');
    };

    // Group bands and the concatenation bracket, behind everything.
    for (const band of layout.bands) {
      shapes.push({ kind: 'rect', x: band.x, y: band.y, w: band.w, h: band.h, fill: palette.band });
      text(band.labelX, band.labelY, words.group(band.group), labelSize, palette.muted);
    }
    if (layout.bracket) {
      const { x, top, bottom, labelX, labelY, labelSize: size } = layout.bracket;
      const tick = Math.round(S / 3);
      for (const [x1, y1, x2, y2] of [[x - tick, top, x, top], [x, top, x, bottom], [x - tick, bottom, x, bottom]] as const) {
        shapes.push({ kind: 'line', x1, y1, x2, y2, stroke: palette.muted, lineWidth: 1.5 });
      }
      text(labelX, labelY - 2, words.concatenated, size, palette.muted);
      text(labelX, labelY + size + 2, tuple(info.outputShape.slice(-3)), size, palette.muted);
    }

    // Header and panel labels.
    layout.header.forEach((line, i) => {
      const sumIndex = i - 3;
      const value = mode === 'values' && sumIndex >= 0 && sumIndex < sumGroups ? sumLine(current[sumIndex]!, oy, ox) : line.text;
      text(line.x, line.y, value, line.size, line.muted ? palette.muted : palette.text, 'left', line.bold);
    });
    text(layout.inputX, layout.labelY, words.input, labelSize, palette.muted);
    text(layout.kernelX, layout.labelY, words.kernels, labelSize, palette.muted);
    text(layout.outputX, layout.labelY, words.output, labelSize, palette.muted);

    // Input channels with their padding ring, each labelled c0, c1, … (the sum line's names).
    for (let c = 0; c < C; c++) {
      const top = layout.inputTop(c);
      text(layout.inputX - 6, top + (Hp * S) / 2 + labelSize / 3, `c${c}`, labelSize, palette.muted, 'right');
      for (let py = 0; py < Hp; py++) {
        const y = map.rowSource[py]!;
        for (let px = 0; px < Wp; px++) {
          const x = map.colSource[px]!;
          const padding = inPadding(map, py, px);
          const zero = y < 0 || x < 0;
          const fill = fieldFill.get((c * Hp + py) * Wp + px) ?? (!padding ? palette.input : zero ? palette.padding : palette.paddingCopy);
          const value = mode === 'values' ? formatNumber(zero ? 0 : inputValue(c, y, x), 1) : zero ? '0' : undefined;
          cell({ x: layout.inputX + px * S, y: top + py * S, w: S, h: S }, fill, value);
        }
      }
    }

    // Kernels: the current filter of each group lit.
    for (let o = 0; o < O; o++) for (let c = 0; c < Cg; c++) for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++) {
      const at = layout.kernelCell(o, c, ky, kx);
      const index = weightIndex(o, c, ky, kx);
      cell({ ...at, w: S, h: S }, kernelFill.get(index) ?? palette.kernel, weightData ? formatNumber(weightData[index]!, 1) : undefined);
    }

    // Outputs (done cells stay filled) and their bias cells. The current cells' shapes are noted, to be drawn again on top.
    const outputCellShape = new Map<number, [number, number]>();
    for (let o = 0; o < O; o++) {
      const jo = o % Og;
      for (let y = 0; y < Ho; y++) for (let x = 0; x < Wo; x++) {
        const order = (jo * Ho + y) * Wo + x;
        const fill = order === step ? palette.outputCurrent : order < step ? palette.outputDone : palette.outputEmpty;
        const value = mode === 'values' && order <= step ? formatNumber(outputValues[(o * Ho + y) * Wo + x]!, 2) : undefined;
        if (order === step) outputCellShape.set(o, [shapes.length, shapes.length + (value === undefined ? 1 : 2)]);
        cell({ x: layout.outputX + x * S, y: layout.outputTop(o) + y * S, w: S, h: S }, fill, value);
      }
      if (layout.biasX !== null) {
        const r = layout.biasRect(o);
        const fill = jo === j ? palette.kernelCurrent : palette.kernel;
        if (biasData) {
          cell(r, fill);
          text(r.x + S / 2, r.y + Math.round(S * 0.38), '+b', Math.max(7, Math.round(S * 0.26)), textOn(palette, fill), 'center');
          text(r.x + S / 2, r.y + Math.round(S * 0.84), formatNumber(biasData[o]!, 1), small, textOn(palette, fill), 'center');
        } else {
          cell(r, fill, '+b');
        }
      }
    }

    // Over the cells: the sources of copied padding, the ghost of the previous field and the stride arrow,
    // the field and kernel outlines, then the connectors with their halos.
    const outlines: Shape[] = [];
    const onTop: Shape[] = [];
    const halos: Shape[] = [];
    const lines: Shape[] = [];
    const connect = (x1: number, y1: number, x2: number, y2: number, connector: Connector) => {
      halos.push({ kind: 'line', x1, y1, x2, y2, stroke: palette.background, lineWidth: 3, halo: true });
      lines.push({ kind: 'line', x1, y1, x2, y2, stroke: palette.line, lineWidth: 1.5, connector });
    };
    const box = fieldBox(oy, ox);
    // Copied padding read by the field (the same cells in every channel): the padded cell each copy takes its value from.
    const copySources = new Set<number>();
    for (let ky = 0; ky < kH; ky++) {
      const py = map.rowOf[oy * kH + ky]!, y = map.rowSource[py]!;
      for (let kx = 0; kx < kW; kx++) {
        const px = map.colOf[ox * kW + kx]!, x = map.colSource[px]!;
        if (inPadding(map, py, px) && y >= 0 && x >= 0) copySources.add((y + info.padTop) * Wp + x + info.padLeft);
      }
    }
    const previous = ox > 0 ? fieldBox(oy, ox - 1) : oy > 0 ? fieldBox(oy - 1, ox) : null;
    for (const o of current) {
      const g = Math.floor(o / Og);
      const outRect = layout.cellRect({ kind: 'output', channel: o, oy, ox });
      const outCx = outRect.x + S / 2, outCy = outRect.y + S / 2;
      for (let c = 0; c < Cg; c++) {
        const channel = g * Cg + c;
        const top = layout.inputTop(channel);
        const fx0 = layout.inputX + box.x0 * S, fy0 = top + box.y0 * S, fx1 = layout.inputX + box.x1 * S, fy1 = top + box.y1 * S;
        for (const s of copySources) {
          outlines.push({ kind: 'rect', x: layout.inputX + (s % Wp) * S + 1, y: top + Math.floor(s / Wp) * S + 1, w: S - 2, h: S - 2,
            stroke: palette.receptive, lineWidth: 2, dash: [3, 2] });
        }
        if (previous && c === 0) {
          const gx0 = layout.inputX + previous.x0 * S, gy0 = top + previous.y0 * S;
          outlines.push({ kind: 'rect', x: gx0, y: gy0, w: (previous.x1 - previous.x0) * S, h: (previous.y1 - previous.y0) * S,
            stroke: palette.ghost, lineWidth: 1.5, dash: [4, 3] });
          outlines.push(...arrow(palette, ox > 0 ? [gx0, fy0 - S * 0.3, fx0, fy0 - S * 0.3] : [fx0 - S * 0.3, gy0, fx0 - S * 0.3, fy0], S));
        }
        outlines.push({ kind: 'rect', x: fx0, y: fy0, w: fx1 - fx0, h: fy1 - fy0, stroke: palette.line, lineWidth: 2 });
        const k = layout.kernelCell(o, c, 0, 0);
        const ky1 = k.y + kH * S;
        outlines.push({ kind: 'rect', x: k.x, y: k.y, w: kW * S, h: kH * S, stroke: palette.line, lineWidth: 2 });
        // A funnel from the field's right-hand corners to the slice's left-hand corners: the window
        // meets its slice (lines from the far corners would cross the window's own numbers).
        const toKernel = { from: 'receptive-field', to: 'kernel', inputChannel: channel, outputChannel: o, groupChannel: c } as const;
        connect(fx1, fy0, k.x, k.y, toKernel);
        connect(fx1, fy1, k.x, ky1, toKernel);
      }
      // The filter's outer corners to the output cell: every slice's sum lands in that one cell.
      const firstSlice = layout.kernelCell(o, 0, 0, 0), lastSlice = layout.kernelCell(o, Cg - 1, kH - 1, kW - 1);
      connect(firstSlice.x + kW * S, firstSlice.y, outCx, outCy, { from: 'kernel', to: 'output', outputChannel: o, groupChannel: 0, oy, ox });
      connect(lastSlice.x + S, lastSlice.y + S, outCx, outCy, { from: 'kernel', to: 'output', outputChannel: o, groupChannel: Cg - 1, oy, ox });
      // The output cell over the lines that converge on its centre, so its number stays readable.
      onTop.push(...shapes.slice(outputCellShape.get(o)![0], outputCellShape.get(o)![1]));
      onTop.push({ kind: 'rect', ...outRect, stroke: palette.line, lineWidth: 2 });
    }
    shapes.push(...outlines, ...halos, ...lines, ...onTop);
    return { width, height, background: palette.background, shapes, step, steps, highlighted };
  }

  function linked(target: CellTarget): Linked {
    return linkedCells(map, target);
  }

  function overlay(target: CellTarget, l: Linked = linked(target)): Shape[] {
    const outline = (rect: Rect): Shape => ({ kind: 'rect', ...rect, stroke: palette.hover, lineWidth: 2 });
    return [
      ...l.inputs.map((c) => outline(layout.cellRect({ kind: 'input', ...c }))),
      ...l.weights.map((w) => outline(layout.cellRect({ kind: 'weight', ...w }))),
      ...l.outputs.map((o) => outline(layout.cellRect({ kind: 'output', ...o }))),
      { kind: 'rect', ...layout.cellRect(target), stroke: palette.text, lineWidth: 3 },
    ];
  }

  return { info, steps, caption, title, lang, map, width, height, frame, hitTest: layout.hitTest, linked, overlay, cellRect: layout.cellRect };
}

/** A line from (x1, y1) to (x2, y2) with a filled head at the end. */
function arrow(palette: Palette, [x1, y1, x2, y2]: [number, number, number, number], S: number): Shape[] {
  const length = Math.hypot(x2 - x1, y2 - y1);
  if (length === 0) return [];
  const ux = (x2 - x1) / length, uy = (y2 - y1) / length;
  const head = Math.max(5, S * 0.25);
  const bx = x2 - ux * head, by = y2 - uy * head;
  return [
    { kind: 'line', x1, y1, x2: bx, y2: by, stroke: palette.ghost, lineWidth: 1.5 },
    { kind: 'polygon', points: [x2, y2, bx - uy * head * 0.5, by + ux * head * 0.5, bx + uy * head * 0.5, by - ux * head * 0.5], fill: palette.ghost },
  ];
}
