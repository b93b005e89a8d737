import { type LayerOptions, resolveLayer } from '../core/describe.js';
import type { Conv2dInfo } from '../core/resolve.js';
import type { Tensor } from '../core/tensor.js';
import { checkOptionKeys } from '../core/validate.js';
import { captionFor, titleFor } from './captions.js';
import { type HeaderLine, placeLines, textWidth } from './layout.js';
import { type LinkMap, type Linked, createLinkMap, forEachTap, inPadding, linkedCells } from './links.js';
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
  afterHeading,
  printedProducts,
  type Picture,
  STYLE_OPTION_KEYS,
  type StyleOptions,
  checkOneChannel,
  resolveStyle,
  tapName,
} from './picture.js';
import { tapHue } from './theme.js';
import { givenOrSeeded } from './values.js';

/**
 * The backward pass of a convolution, animated in two parts over the same panels (the forward
 * tensors x, w and the output gradient ∂L/∂y on top; the gradients ∂L/∂x and ∂L/∂w below):
 *
 * 1. ∂L/∂x, one input cell a step: the output cells whose windows read this cell — directly and
 *    through every copy the padding mode makes of it — are lit, each in the hue of the weight that
 *    read it, and ∂L/∂x[i, j] = Σ ∂L/∂y[o] · w[tap] over those pairs. (This sum, over every cell at
 *    once, is a transposed convolution of ∂L/∂y.)
 * 2. ∂L/∂w, one output cell a step: the input patch that output cell read is lit, and ∂L/∂w grows
 *    by ∂L/∂y[o] times that patch; after the last output cell it is Σ_o ∂L/∂y[o] · patch(o).
 * ∂L/∂b = Σ ∂L/∂y is written beside ∂L/∂w. In values mode the cells hold numbers and the header
 * spells out the current sum; the tests check the gradients drawn against conv2dBackward and PyTorch.
 */

export interface BackwardVizOptions extends StyleOptions {
  /** Which image of a batched input the values come from; default 0. */
  batch?: number;
  /** The tensors shown in values mode (shapes as the layer's); default: seeded random values. */
  input?: Tensor;
  weight?: Tensor;
  /** The gradient of the loss with respect to the output, shaped as the output. */
  gradOutput?: Tensor;
}

export const BACKWARD_VIZ_OPTION_KEYS = [...STYLE_OPTION_KEYS, 'batch', 'input', 'weight', 'gradOutput'] as const;

export interface BackwardValues {
  /** One image (H, W), the weight (kH, kW), the output gradient (H_out, W_out). */
  input: Float32Array;
  weight: Float32Array;
  gradOutput: Float32Array;
  /** The gradients the picture draws, summed from its own links (float64). */
  gradInput: Float64Array;
  gradWeight: Float64Array;
  /** ∂L/∂w after output cells 0 … o: row o (kH·kW values) of Σ_{o' ≤ o} ∂L/∂y[o'] · patch(o'); the last row is gradWeight. */
  gradWeightSoFar: Float64Array;
  gradBias: number | null;
}

export interface BackwardAnimation extends Picture {
  info: Conv2dInfo;
  map: LinkMap;
  /** Steps of part 1 (one per input cell); part 2 follows, one step per output cell. */
  inputSteps: number;
  /** The numbers drawn in values mode, else null. */
  values: BackwardValues | null;
}

export function createBackwardAnimation(
  inputShape: readonly number[],
  layer: LayerOptions,
  options: BackwardVizOptions = {},
): BackwardAnimation {
  const raw = checkOptionKeys(options, BACKWARD_VIZ_OPTION_KEYS, 'vizOptions');
  const info = resolveLayer(inputShape, layer);
  checkOneChannel(inputShape, info.inChannels, info.outChannels, 'backward pass');
  const { mode, lang, words, palette, S, captionSize, labelSize, small, ...style } = resolveStyle(raw);
  const batch = checkShownImage(raw.batch, info.batch);
  const { inHeight: H, inWidth: W, kernelHeight: kH, kernelWidth: kW, outHeight: Ho, outWidth: Wo } = info;
  const Hp = info.paddedHeight,
    Wp = info.paddedWidth;
  const cells = Hp * Wp + H * W + 2 * kH * kW + Ho * Wo;
  checkCellCount(inputShape, cells, 'a smaller input or kernel');
  const map = createLinkMap(info);
  const inputSteps = H * W;
  const steps = inputSteps + Ho * Wo;
  const reachOf = (iy: number, ix: number) =>
    linkedCells(map, { kind: 'input', channel: 0, py: iy + info.padTop, px: ix + info.padLeft });
  // Tensors given in structure mode are checked all the same (a wrong shape is an error in either mode).
  const given = raw.input !== undefined || raw.weight !== undefined || raw.gradOutput !== undefined;
  const computed = mode === 'values' || given ? backwardValues(info, map, raw, batch, reachOf) : null;
  const values = mode === 'values' ? computed : null;
  const b = words.backward;

  function sumLine(step: number): string {
    const v = values!;
    if (step < inputSteps) {
      const iy = Math.floor(step / W),
        ix = step % W;
      const reach = reachOf(iy, ix);
      const pairs = reach.outputs.map((o, k) => {
        const w = reach.weights[k]!;
        return [v.gradOutput[o.oy * Wo + o.ox]!, v.weight[w.ky * kW + w.kx]!] as const;
      });
      const printed = printedProducts(pairs, v.gradInput[step]!);
      return `∂L/∂x[${iy}, ${ix}] = ${printed.terms.length ? `${printed.terms.join(' + ')} = ` : ''}${printed.total}`;
    }
    const o = step - inputSteps;
    const g = formatNumber(v.gradOutput[o]!, 2);
    return `∂L/∂w += ∂L/∂y[${Math.floor(o / Wo)}, ${o % Wo}] × patch = ${g.startsWith('−') ? `(${g})` : g} × patch`;
  }
  let widestSum = 0;
  for (let step = 0; values && step < steps; step++)
    widestSum = Math.max(widestSum, textWidth(sumLine(step), captionSize));

  const title = style.title ?? afterHeading(b.title, titleFor(info, lang), lang);
  const caption = captionFor(info, lang);
  const header: HeaderLine[] = [
    { text: title, size: captionSize + 3, bold: true },
    { text: caption, size: captionSize },
    { text: b.reach, size: captionSize, bold: true },
    ...(values
      ? [
          { text: '', size: captionSize },
          { text: b.reachLegend, size: captionSize - 2, muted: true },
        ]
      : []),
  ];
  const margin = Math.max(12, S);
  const columnGap = Math.max(40, 3 * S);
  const headed = placeLines(header, margin, margin);
  const rowGap = Math.round(S * 1.2);
  const labels1 = headed.bottom + Math.round(S * 0.3) + labelSize;
  const top1 = labels1 + Math.max(8, Math.round(S * 0.4));
  const height1 = Math.max(Hp, kH, Ho) * S;
  const centred = (top: number, span: number, cellsTall: number) => top + Math.round((span - cellsTall * S) / 2);
  const column1 = margin;
  const column2 = column1 + Wp * S + columnGap;
  const column3 = column2 + kW * S + columnGap;
  const inputGrid = new Grid(column1, centred(top1, height1, Hp), Hp, Wp, S);
  const weightGrid = new Grid(column2, centred(top1, height1, kH), kH, kW, S);
  const gradOutputGrid = new Grid(column3, centred(top1, height1, Ho), Ho, Wo, S);
  const labels2 = top1 + height1 + rowGap + labelSize;
  const top2 = labels2 + Math.max(8, Math.round(S * 0.4));
  const height2 = Math.max(H, kH) * S;
  const gradInputGrid = new Grid(column1 + info.padLeft * S, top2, H, W, S);
  const gradWeightGrid = new Grid(column2, top2, kH, kW, S);
  const biasText = info.hasBias ? `∂L/∂b = Σ ∂L/∂y${values ? ` = ${formatNumber(values.gradBias!, 2)}` : ''}` : null;
  const biasX = gradWeightGrid.x + gradWeightGrid.width + columnGap / 2;
  const width = Math.ceil(
    Math.max(
      gradOutputGrid.x + gradOutputGrid.width + margin,
      biasText ? biasX + textWidth(biasText, labelSize) + margin : 0,
      margin + widestSum + margin,
      ...[
        ...header,
        { text: b.patches, size: captionSize, bold: true },
        { text: b.patchesLegend, size: captionSize - 2 },
      ].map((line) => margin + textWidth(line.text, line.size, line.bold) + margin),
    ),
  );
  const height = top2 + height2 + margin;
  checkPictureCanvas(raw.cellSize, inputShape, S, width, height);

  const hue = (ky: number, kx: number) => tapHue(ky, kx, kW);
  const taps = kH * kW;
  const paddedValue = (py: number, px: number) => {
    const y = map.rowSource[py]!,
      x = map.colSource[px]!;
    return y < 0 || x < 0 ? 0 : values!.input[y * W + x]!;
  };

  function frame(step: number): Frame {
    checkStep(step, steps);
    const part1 = step < inputSteps;
    const d = new Drawing(palette, small);
    const inputFill = new Map<number, string>();
    const weightFill = new Map<number, string>();
    const gradOutputFill = new Map<number, string>();
    let highlighted: Linked;
    let inputOutlines: { py: number; px: number }[] = [];
    let runningWeight: Float64Array | null = null;
    if (part1) {
      const iy = Math.floor(step / W),
        ix = step % W;
      highlighted = reachOf(iy, ix);
      inputFill.set((iy + info.padTop) * Wp + ix + info.padLeft, palette.receptive);
      inputOutlines = highlighted.inputs;
      highlighted.outputs.forEach((o, k) => {
        const w = highlighted.weights[k]!;
        gradOutputFill.set(o.oy * Wo + o.ox, hue(w.ky, w.kx));
        weightFill.set(w.ky * kW + w.kx, hue(w.ky, w.kx));
      });
    } else {
      const o = step - inputSteps,
        oy = Math.floor(o / Wo),
        ox = o % Wo;
      highlighted = linkedCells(map, { kind: 'output', channel: 0, oy, ox });
      gradOutputFill.set(o, palette.outputCurrent);
      forEachTap(map, oy, ox, (_c, ky, kx, py, px) => {
        inputFill.set(py * Wp + px, palette.receptive);
        inputOutlines.push({ py, px });
        weightFill.set(ky * kW + kx, palette.kernelCurrent);
      });
      if (values) runningWeight = values.gradWeightSoFar.subarray(o * taps, (o + 1) * taps);
    }

    headed.placed.forEach((line, i) => {
      let text = line.text;
      if (i === 2 && !part1) text = b.patches;
      if (i === 3 && values) text = sumLine(step);
      if (i === 4 && !part1) text = b.patchesLegend;
      d.text(line.x, line.y, text, line.size, line.muted ? palette.muted : palette.text, 'left', line.bold);
    });
    d.text(inputGrid.x, labels1, b.input, labelSize, palette.muted);
    d.text(weightGrid.x, labels1, b.weight, labelSize, palette.muted);
    d.text(gradOutputGrid.x, labels1, b.gradOutput, labelSize, palette.muted);
    d.text(gradInputGrid.x, labels2, b.gradInput, labelSize, palette.muted);
    d.text(gradWeightGrid.x, labels2, b.gradWeight, labelSize, palette.muted);

    for (let py = 0; py < Hp; py++)
      for (let px = 0; px < Wp; px++) {
        const zero = map.rowSource[py]! < 0 || map.colSource[px]! < 0;
        const fill =
          inputFill.get(py * Wp + px) ??
          (!inPadding(map, py, px) ? palette.input : zero ? palette.padding : palette.paddingCopy);
        d.cell(inputGrid.cell(py, px), fill, values ? formatNumber(paddedValue(py, px), 1) : zero ? '0' : undefined);
      }
    for (let ky = 0; ky < kH; ky++)
      for (let kx = 0; kx < kW; kx++) {
        const tap = ky * kW + kx;
        d.cell(
          weightGrid.cell(ky, kx),
          weightFill.get(tap) ?? palette.kernel,
          values ? formatNumber(values.weight[tap]!, 1) : tapName(tap, taps),
        );
      }
    for (let o = 0; o < Ho * Wo; o++)
      d.cell(
        gradOutputGrid.cell(Math.floor(o / Wo), o % Wo),
        gradOutputFill.get(o) ?? palette.outputDone,
        values ? formatNumber(values.gradOutput[o]!, 1) : undefined,
      );
    for (let i = 0; i < H * W; i++) {
      const fill = !part1 || i < step ? palette.outputDone : i === step ? palette.outputCurrent : palette.outputEmpty;
      const shown = values && (!part1 || i <= step);
      d.cell(
        gradInputGrid.cell(Math.floor(i / W), i % W),
        fill,
        shown ? formatNumber(values!.gradInput[i]!, 2) : undefined,
      );
    }
    for (let tap = 0; tap < taps; tap++) {
      const last = step === steps - 1;
      d.cell(
        gradWeightGrid.cell(Math.floor(tap / kW), tap % kW),
        part1 ? palette.outputEmpty : last ? palette.outputDone : palette.outputCurrent,
        runningWeight ? formatNumber(runningWeight[tap]!, 2) : undefined,
      );
    }
    if (biasText)
      d.text(
        biasX,
        gradWeightGrid.y + Math.round(gradWeightGrid.height / 2) + labelSize / 3,
        biasText,
        labelSize,
        palette.text,
      );

    // Over the cells: in part 1 the window of each output cell that reads this cell, in the hue of its
    // weight; the cells read (the cell and its copies, or the patch); the current gradient cell.
    if (part1) {
      const span = [info.dilationHeight * (kH - 1) + 1, info.dilationWidth * (kW - 1) + 1] as const;
      highlighted.outputs.forEach((o, k) => {
        const w = highlighted.weights[k]!;
        const window = inputGrid.block(o.oy * info.strideHeight, o.ox * info.strideWidth, span[0], span[1]);
        d.outline(window, palette.background, 5);
        d.outline(window, hue(w.ky, w.kx), 3);
      });
    }
    for (const c of inputOutlines) d.outline(inputGrid.cell(c.py, c.px), palette.line, 2);
    if (part1) d.outline(gradInputGrid.cell(Math.floor(step / W), step % W), palette.line, 2);
    else {
      const o = step - inputSteps;
      d.outline(gradOutputGrid.cell(Math.floor(o / Wo), o % Wo), palette.line, 2);
    }
    return { width, height, background: palette.background, shapes: d.shapes, step, steps, highlighted };
  }

  // Palette samples: the input cell reached by the most outputs (the most hues), each part's first, the last.
  let busiest = 0;
  for (let i = 0, most = -1; i < inputSteps; i++) {
    const reached = reachOf(Math.floor(i / W), i % W).outputs.length;
    if (reached > most) {
      most = reached;
      busiest = i;
    }
  }
  return {
    info,
    map,
    steps,
    inputSteps,
    caption,
    title,
    lang,
    width,
    height,
    frame,
    values,
    paletteSteps: [0, busiest, inputSteps, steps - 1],
    ...NO_LINKS,
  };
}

function backwardValues(
  info: Conv2dInfo,
  map: LinkMap,
  given: Record<string, unknown>,
  batch: number,
  reachOf: (iy: number, ix: number) => Linked,
): BackwardValues {
  const { inHeight: H, inWidth: W, kernelWidth: kW, outHeight: Ho, outWidth: Wo } = info;
  const image = H * W;
  const input = givenOrSeeded(given.input, 'input', info.inputShape, image, 1, 1, batch);
  const weight = givenOrSeeded(given.weight, 'weight', info.weightShape, info.taps, 2, 1);
  const gradOutput = givenOrSeeded(given.gradOutput, 'gradOutput', info.outputShape, Ho * Wo, 4, 1, batch);
  const gradInput = new Float64Array(image);
  for (let i = 0; i < image; i++) {
    const reach = reachOf(Math.floor(i / W), i % W);
    reach.outputs.forEach((o, k) => {
      const w = reach.weights[k]!;
      gradInput[i]! += gradOutput[o.oy * Wo + o.ox]! * weight[w.ky * kW + w.kx]!;
    });
  }
  // ∂L/∂w output cell by output cell, each row the running sum (part 2 of the picture shows them in turn).
  const taps = info.taps;
  const gradWeightSoFar = new Float64Array(Ho * Wo * taps);
  for (let o = 0; o < Ho * Wo; o++) {
    if (o > 0) gradWeightSoFar.copyWithin(o * taps, (o - 1) * taps, o * taps);
    forEachTap(map, Math.floor(o / Wo), o % Wo, (_c, ky, kx, py, px) => {
      const y = map.rowSource[py]!,
        x = map.colSource[px]!;
      if (y >= 0 && x >= 0) gradWeightSoFar[o * taps + ky * kW + kx]! += gradOutput[o]! * input[y * W + x]!;
    });
  }
  const gradWeight = gradWeightSoFar.slice((Ho * Wo - 1) * taps);
  const gradBias = info.hasBias ? gradOutput.reduce((a, g) => a + g, 0) : null;
  return { input, weight, gradOutput, gradInput, gradWeight, gradWeightSoFar, gradBias };
}
