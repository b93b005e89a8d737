import type { Conv2dInfo } from '../core/resolve.js';
import type { CellTarget } from './links.js';

/**
 * Where everything sits, computed once per animation. Left to right: the input channels (padding
 * ring included), the kernels (one column per output channel of the group, one slice per input
 * channel of the group), the output channels, each output channel's bias cell, and — for grouped
 * layers — a bracket showing that the groups' outputs are concatenated.
 *
 * Each group is a horizontal band: its inputs, kernels and outputs centred on each other, so a
 * group's lines never reach into another group. Kernel slice c sits level with input channel c, so
 * the lines from a channel's receptive field run to its own slice without crossing another channel.
 */

export interface HeaderLine {
  text: string;
  size: number;
  bold?: boolean;
  muted?: boolean;
}

export interface PlacedText extends HeaderLine {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Band extends Rect {
  group: number;
  labelX: number;
  labelY: number;
}

export interface Layout {
  /** Cell size, px. */
  S: number;
  width: number;
  height: number;
  /** The header lines, placed (baselines). */
  header: PlacedText[];
  /** Baseline of the panel labels ("input", "kernels", "output"). */
  labelY: number;
  labelSize: number;
  inputX: number;
  kernelX: number;
  outputX: number;
  /** Left edge of the bias cells, or null without bias. */
  biasX: number | null;
  bands: Band[];
  /** The concatenation bracket of a grouped layer: x, the span of the outputs, and where its label goes. */
  bracket: { x: number; top: number; bottom: number; labelX: number; labelY: number; labelSize: number } | null;
  /** Top of input channel c's padded block. */
  inputTop(channel: number): number;
  /** Top-left of kernel cell (o, c, ky, kx). */
  kernelCell(outputChannel: number, groupChannel: number, ky: number, kx: number): { x: number; y: number };
  /** Top of output channel o's block. */
  outputTop(channel: number): number;
  biasRect(channel: number): Rect;
  cellRect(target: CellTarget): Rect;
  hitTest(x: number, y: number): CellTarget | null;
}

/**
 * Width of `text` at `size` px in the frames' fonts, a little generous: DejaVu Sans averages
 * about 0.6 em a character, CJK ideographs and full-width forms take 1 em.
 */
export function textWidth(text: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    em += code >= 0x2e80 && code <= 0xffef && !(code >= 0xfe70 && code <= 0xfeff) ? 1 : 0.62;
  }
  return em * size * (bold ? 1.07 : 1);
}

/** Lines of text stacked from `top` at `x`: each line's baseline, and where the next thing can start. */
export function placeLines(
  lines: readonly HeaderLine[],
  x: number,
  top: number,
): { placed: PlacedText[]; bottom: number } {
  let y = top;
  const placed = lines.map((line) => {
    const baseline = y + line.size;
    y = baseline + Math.round(line.size * 0.5);
    return { ...line, x, y: baseline };
  });
  return { placed, bottom: y };
}

export interface LayoutInput {
  info: Conv2dInfo;
  S: number;
  header: HeaderLine[];
  /** The widest text the header can show at any step (the values mode's sum lines change per step). */
  headerMinWidth: number;
  labelSize: number;
  /** Labels of the concatenation bracket (grouped layers). */
  bracketLabels: string[];
}

export function computeLayout({ info, S, header, headerMinWidth, labelSize, bracketLabels }: LayoutInput): Layout {
  const { inChannels: C, outChannels: O, inChannelsPerGroup: Cg, outChannelsPerGroup: Og, groups } = info;
  const { kernelHeight: kH, kernelWidth: kW, outHeight: Ho, outWidth: Wo } = info;
  const Hp = info.paddedHeight,
    Wp = info.paddedWidth;
  const grouped = groups > 1;
  const margin = Math.max(12, S);
  const gap = Math.max(4, Math.round(S / 2));
  const kernelGap = Math.max(2, Math.round(S / 4));
  const columnGap = Math.max(40, 3 * S);

  const { placed, bottom: y } = placeLines(header, margin, margin);
  const labelY = y + Math.round(S * 0.3) + labelSize;
  // Room above the first channel for the stride arrow.
  const panelsTop = labelY + Math.max(10, S);

  // Bands: a group's inputs and outputs centred on each other.
  const inputStack = Cg * Hp * S + (Cg - 1) * gap;
  const outputStack = Og * Ho * S + (Og - 1) * gap;
  const content = Math.max(inputStack, outputStack);
  const bandPadTop = grouped ? Math.round(labelSize * 1.4 + S * 0.6) : 0;
  const bandPadBottom = grouped ? gap : 0;
  const bandGap = grouped ? gap : 0;
  const bandHeight = bandPadTop + content + bandPadBottom;
  const bandTop = (g: number) => panelsTop + g * (bandHeight + bandGap);
  const contentTop = (g: number) => bandTop(g) + bandPadTop;

  // Columns.
  const channelLabelWidth = Math.ceil(textWidth(`c${C - 1}`, labelSize)) + 6;
  const bandPadX = grouped ? gap : 0;
  const bandLeft = margin + channelLabelWidth;
  const inputX = bandLeft + bandPadX;
  const kernelX = inputX + Wp * S + columnGap;
  const kernelColumn = kW * S + kernelGap;
  const outputX = kernelX + Og * kernelColumn - kernelGap + columnGap;
  const biasX = info.hasBias ? outputX + Wo * S + gap : null;
  const bandRight = (biasX === null ? outputX + Wo * S : biasX + S) + bandPadX;
  const bracketLabelSize = labelSize;
  const bracketX = bandRight + gap;
  const bracketLabelWidth = Math.max(0, ...bracketLabels.map((t) => textWidth(t, bracketLabelSize)));
  const panelsRight = grouped ? bracketX + gap + bracketLabelWidth : bandRight;
  const width = Math.ceil(
    Math.max(
      panelsRight + margin,
      margin + headerMinWidth + margin,
      ...placed.map((line) => margin + textWidth(line.text, line.size, line.bold) + margin),
    ),
  );
  const height = Math.ceil(bandTop(groups - 1) + bandHeight + margin);

  const inputTop = (c: number) => {
    const g = Math.floor(c / Cg);
    return contentTop(g) + Math.round((content - inputStack) / 2) + (c - g * Cg) * (Hp * S + gap);
  };
  const outputTop = (o: number) => {
    const g = Math.floor(o / Og);
    return contentTop(g) + Math.round((content - outputStack) / 2) + (o - g * Og) * (Ho * S + gap);
  };
  const kernelCell = (o: number, c: number, ky: number, kx: number) => {
    const g = Math.floor(o / Og),
      j = o - g * Og;
    return {
      x: kernelX + j * kernelColumn + kx * S,
      y: inputTop(g * Cg + c) + Math.round(((Hp - kH) * S) / 2) + ky * S,
    };
  };
  const biasRect = (o: number): Rect => ({
    x: biasX ?? 0,
    y: outputTop(o) + Math.round(((Ho - 1) * S) / 2),
    w: S,
    h: S,
  });

  const bands: Band[] = grouped
    ? Array.from({ length: groups }, (_, g) => ({
        group: g,
        x: bandLeft,
        y: bandTop(g),
        w: bandRight - bandLeft,
        h: bandHeight,
        labelX: bandLeft + Math.round(gap / 2),
        labelY: bandTop(g) + Math.round(labelSize * 1.15),
      }))
    : [];
  const bracket = grouped
    ? {
        x: bracketX,
        top: outputTop(0),
        bottom: outputTop(O - 1) + Ho * S,
        labelX: bracketX + gap,
        labelY: Math.round((outputTop(0) + outputTop(O - 1) + Ho * S) / 2),
        labelSize: bracketLabelSize,
      }
    : null;

  function cellRect(target: CellTarget): Rect {
    if (target.kind === 'input')
      return { x: inputX + target.px * S, y: inputTop(target.channel) + target.py * S, w: S, h: S };
    if (target.kind === 'output')
      return { x: outputX + target.ox * S, y: outputTop(target.channel) + target.oy * S, w: S, h: S };
    return { ...kernelCell(target.outputChannel, target.groupChannel, target.ky, target.kx), w: S, h: S };
  }

  function hitTest(x: number, y: number): CellTarget | null {
    const within = (rx: number, ry: number, w: number, h: number) => x >= rx && x < rx + w && y >= ry && y < ry + h;
    if (x >= inputX && x < inputX + Wp * S) {
      for (let c = 0; c < C; c++) {
        if (within(inputX, inputTop(c), Wp * S, Hp * S))
          return { kind: 'input', channel: c, py: Math.floor((y - inputTop(c)) / S), px: Math.floor((x - inputX) / S) };
      }
    }
    if (x >= outputX && x < outputX + Wo * S) {
      for (let o = 0; o < O; o++) {
        if (within(outputX, outputTop(o), Wo * S, Ho * S))
          return {
            kind: 'output',
            channel: o,
            oy: Math.floor((y - outputTop(o)) / S),
            ox: Math.floor((x - outputX) / S),
          };
      }
    }
    const j = Math.floor((x - kernelX) / kernelColumn);
    if (j >= 0 && j < Og && x - kernelX - j * kernelColumn < kW * S) {
      for (let g = 0; g < groups; g++)
        for (let c = 0; c < Cg; c++) {
          const o = g * Og + j,
            corner = kernelCell(o, c, 0, 0);
          if (within(corner.x, corner.y, kW * S, kH * S)) {
            return {
              kind: 'weight',
              outputChannel: o,
              groupChannel: c,
              ky: Math.floor((y - corner.y) / S),
              kx: Math.floor((x - corner.x) / S),
            };
          }
        }
    }
    return null;
  }

  return {
    S,
    width,
    height,
    header: placed,
    labelY,
    labelSize,
    inputX,
    kernelX,
    outputX,
    biasX,
    bands,
    bracket,
    inputTop,
    kernelCell,
    outputTop,
    biasRect,
    cellRect,
    hitTest,
  };
}
