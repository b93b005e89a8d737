import { resolveLayer, type LayerOptions } from '../core/describe.js';
import type { Conv2dInfo } from '../core/resolve.js';
import type { Tensor } from '../core/tensor.js';
import { checkOptionKeys } from '../core/validate.js';
import { captionFor, formulaLines, titleFor, tuple } from './captions.js';
import { overCells } from './connectors.js';
import { type HeaderLine, type Rect, computeLayout, textWidth } from './layout.js';
import {
  type CellTarget,
  type LinkMap,
  type Linked,
  createLinkMap,
  forEachTap,
  inPadding,
  linkedCells,
} from './links.js';
import { formatNumber } from './numbers.js';
import type { Shape } from './shapes.js';
import {
  Drawing,
  type Frame,
  type Picture,
  STYLE_OPTION_KEYS,
  type StyleOptions,
  checkPictureCanvas,
  checkStep,
  checkCellCount,
  checkShownImage,
  resolveStyle,
} from './picture.js';
import { tapHue, textOn } from './theme.js';
import { stepCount, stepPosition } from './trace.js';
import { SUM_LINES_SHOWN, shownValues, weightIndex } from './values.js';

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

export type { Connector, Shape } from './shapes.js';

export type { Frame, Picture, VizMode } from './picture.js';
export type { Theme } from './theme.js';
export type { CellTarget, Linked } from './links.js';

export interface VizOptions extends StyleOptions {
  /** Which image of a batched input the values come from; default 0. */
  batch?: number;
  /** The tensors shown in values mode (shapes must match the layer); default: seeded random values. */
  input?: Tensor;
  weight?: Tensor;
  bias?: Tensor | null;
}

export const VIZ_OPTION_KEYS = [...STYLE_OPTION_KEYS, 'batch', 'input', 'weight', 'bias'] as const;

export { MAX_CELLS, MAX_CANVAS_SIDE, MAX_CANVAS_PIXELS, checkCanvasSize } from './picture.js';

export interface Animation extends Picture {
  info: Conv2dInfo;
  /** The dependency map every frame and link reads. */
  map: LinkMap;
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

/**
 * Prepares the animation of `layer` applied to an input of `inputShape`: resolves the layer (the
 * same checks as conv2d), builds the dependency map and the layout once, and returns a pure `frame(step)`.
 */
export function createAnimation(
  inputShape: readonly number[],
  layer: LayerOptions,
  options: VizOptions = {},
): Animation {
  const raw = checkOptionKeys(options, VIZ_OPTION_KEYS, 'vizOptions');
  const info = resolveLayer(inputShape, layer);
  const { mode, lang, words, palette, S, captionSize, labelSize, small, ...style } = resolveStyle(raw);
  const batch = checkShownImage(raw.batch, info.batch);
  const { inChannels: C, outChannels: O, inChannelsPerGroup: Cg, outChannelsPerGroup: Og } = info;
  const { kernelHeight: kH, kernelWidth: kW, outHeight: Ho, outWidth: Wo, groups } = info;
  const Hp = info.paddedHeight,
    Wp = info.paddedWidth;
  // The cells drawn: one image of the batch (only the shown image's values are ever made).
  const cells = C * Hp * Wp + O * info.taps + O * Ho * Wo;
  checkCellCount(inputShape, cells, 'a smaller input or fewer channels');

  const map = createLinkMap(info);
  const steps = stepCount(info);
  const caption = captionFor(info, lang);
  const title = style.title ?? titleFor(info, lang);

  // Values mode: the numbers shown, and the sum line of any output cell.
  const values = mode === 'values' ? shownValues(info, map, raw, batch) : null;

  // The header: title, caption, formula, and in values mode the sum lines and their legend.
  const [formulaH, formulaW] = formulaLines(info);
  const sumGroups = Math.min(groups, SUM_LINES_SHOWN);
  const header: HeaderLine[] = [
    { text: title, size: captionSize + 3, bold: true },
    { text: caption, size: captionSize },
    { text: `${formulaH}    ${formulaW}`, size: captionSize - 1, muted: true },
    ...(mode === 'values'
      ? [
          ...Array.from({ length: sumGroups }, () => ({ text: '', size: captionSize })),
          { text: words.sumLegend, size: captionSize - 2, muted: true },
        ]
      : []),
  ];
  const layout = computeLayout({
    info,
    S,
    header,
    headerMinWidth: values ? textWidth(values.widestSumLine, captionSize) : 0,
    labelSize,
    bracketLabels: groups > 1 ? [words.concatenated, tuple(info.outputShape.slice(-3))] : [],
  });
  const { width, height } = layout;
  checkPictureCanvas(raw.cellSize, inputShape, S, width, height);

  const dilated = info.dilationHeight > 1 || info.dilationWidth > 1;

  function frame(step: number): Frame {
    checkStep(step, steps);
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
        const fill = dilated ? tapHue(ky, kx, kW) : palette.receptive;
        highlighted.inputs.push({ channel, py, px });
        highlighted.weights.push({ outputChannel: o, groupChannel: c, ky, kx });
        fieldFill.set((channel * Hp + py) * Wp + px, fill);
        kernelFill.set(weightIndex(info, o, c, ky, kx), dilated ? fill : palette.kernelCurrent);
      });
    }

    const drawing = new Drawing(palette, small);
    const { shapes } = drawing;
    const text = drawing.text.bind(drawing);
    const cell = drawing.cell.bind(drawing);

    // Group bands and the concatenation bracket, behind everything.
    for (const band of layout.bands) {
      shapes.push({ kind: 'rect', x: band.x, y: band.y, w: band.w, h: band.h, fill: palette.band });
      text(band.labelX, band.labelY, words.group(band.group), labelSize, palette.muted);
    }
    if (layout.bracket) {
      const { x, top, bottom, labelX, labelY, labelSize: size } = layout.bracket;
      const tick = Math.round(S / 3);
      for (const [x1, y1, x2, y2] of [
        [x - tick, top, x, top],
        [x, top, x, bottom],
        [x - tick, bottom, x, bottom],
      ] as const) {
        shapes.push({ kind: 'line', x1, y1, x2, y2, stroke: palette.muted, lineWidth: 1.5 });
      }
      text(labelX, labelY - 2, words.concatenated, size, palette.muted);
      text(labelX, labelY + size + 2, tuple(info.outputShape.slice(-3)), size, palette.muted);
    }

    // Header and panel labels.
    layout.header.forEach((line, i) => {
      const sumIndex = i - 3;
      const value =
        mode === 'values' && sumIndex >= 0 && sumIndex < sumGroups
          ? values!.sumLine(current[sumIndex]!, oy, ox)
          : line.text;
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
          const fill =
            fieldFill.get((c * Hp + py) * Wp + px) ??
            (!padding ? palette.input : zero ? palette.padding : palette.paddingCopy);
          const value =
            mode === 'values' ? formatNumber(zero ? 0 : values!.inputValue(c, y, x), 1) : zero ? '0' : undefined;
          cell({ x: layout.inputX + px * S, y: top + py * S, w: S, h: S }, fill, value);
        }
      }
    }

    // Kernels: the current filter of each group lit.
    for (let o = 0; o < O; o++)
      for (let c = 0; c < Cg; c++)
        for (let ky = 0; ky < kH; ky++)
          for (let kx = 0; kx < kW; kx++) {
            const at = layout.kernelCell(o, c, ky, kx);
            const index = weightIndex(info, o, c, ky, kx);
            cell(
              { ...at, w: S, h: S },
              kernelFill.get(index) ?? palette.kernel,
              values ? formatNumber(values.weight[index]!, 1) : undefined,
            );
          }

    // Outputs (done cells stay filled) and their bias cells. The current cells' shapes are noted, to be drawn again on top.
    const outputCellShape = new Map<number, [number, number]>();
    for (let o = 0; o < O; o++) {
      const jo = o % Og;
      for (let y = 0; y < Ho; y++)
        for (let x = 0; x < Wo; x++) {
          const order = (jo * Ho + y) * Wo + x;
          const fill = order === step ? palette.outputCurrent : order < step ? palette.outputDone : palette.outputEmpty;
          const value =
            mode === 'values' && order <= step ? formatNumber(values!.outputs[(o * Ho + y) * Wo + x]!, 2) : undefined;
          if (order === step) outputCellShape.set(o, [shapes.length, shapes.length + (value === undefined ? 1 : 2)]);
          cell({ x: layout.outputX + x * S, y: layout.outputTop(o) + y * S, w: S, h: S }, fill, value);
        }
      if (layout.biasX !== null) {
        const r = layout.biasRect(o);
        const fill = jo === j ? palette.kernelCurrent : palette.kernel;
        if (values?.bias) {
          cell(r, fill);
          text(
            r.x + S / 2,
            r.y + Math.round(S * 0.38),
            '+b',
            Math.max(7, Math.round(S * 0.26)),
            textOn(palette, fill),
            'center',
          );
          text(
            r.x + S / 2,
            r.y + Math.round(S * 0.84),
            formatNumber(values.bias[o]!, 1),
            small,
            textOn(palette, fill),
            'center',
          );
        } else {
          cell(r, fill, '+b');
        }
      }
    }

    // Over the cells: outlines, the ghost and stride arrow, the connectors with their halos; then the
    // current output cells again, over the lines that converge on their centres, so their numbers stay readable.
    const { outlines, halos, lines } = overCells({ info, map, layout, palette, current, oy, ox });
    const onTop: Shape[] = [];
    for (const o of current) {
      onTop.push(...shapes.slice(outputCellShape.get(o)![0], outputCellShape.get(o)![1]));
      onTop.push({
        kind: 'rect',
        ...layout.cellRect({ kind: 'output', channel: o, oy, ox }),
        stroke: palette.line,
        lineWidth: 2,
      });
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

  return {
    info,
    steps,
    caption,
    title,
    lang,
    map,
    width,
    height,
    frame,
    hitTest: layout.hitTest,
    linked,
    overlay,
    cellRect: layout.cellRect,
  };
}
