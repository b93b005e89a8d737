import { resolveLayer, type LayerOptions } from '../core/describe.js';
import type { Conv2dInfo } from '../core/resolve.js';
import type { Tensor } from '../core/tensor.js';
import { checkIntegerAtLeast, checkOptionKeys } from '../core/validate.js';
import { Conv2dError, formatValue } from '../errors/index.js';
import { sourceIndex } from '../kernels/reference.js';
import { type CellTrace, stepCount, stepPosition, traceCell, valueFromTrace } from './trace.js';

/**
 * The frame model: a pure function of (configuration, options, step) that says what to draw — cells,
 * lines and text with their positions and colours — and which cells are highlighted. Renderers (a
 * canvas in the page, @napi-rs/canvas in Node, the GIF encoder) draw it and compute nothing.
 *
 * Layout, left to right: the input channels (stacked, padding ring included), the kernels (a grid per
 * group: rows = the group's input channels, columns = its output channels), the output channels.
 * Groups run in parallel: every group's j-th output channel advances at the same step.
 */

export type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill?: string; stroke?: string; lineWidth?: number; dash?: number[] }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string; lineWidth: number; dash?: number[] }
  | { kind: 'text'; x: number; y: number; text: string; size: number; color: string; align: 'left' | 'center' | 'right'; bold?: boolean };

export interface Frame {
  width: number;
  height: number;
  background: string;
  shapes: Shape[];
  step: number;
  steps: number;
  /** What this step highlights, straight from the trace: for tests and hover linking. */
  highlighted: {
    inputs: { channel: number; py: number; px: number }[];
    weights: { outputChannel: number; groupChannel: number; ky: number; kx: number }[];
    outputs: { channel: number; oy: number; ox: number }[];
  };
}

export type VizMode = 'structure' | 'values';
export type Theme = 'light' | 'dark';

export interface VizOptions {
  /** `'structure'` (the article's look) or `'values'` (numbers, products and sums). Default structure. */
  mode?: VizMode;
  theme?: Theme;
  /** Cell size in pixels (8–96); default 24 for structure, 40 for values. */
  cellSize?: number;
  /** Which image of a batched input the values come from; default 0. */
  batch?: number;
  /** The tensors shown in values mode (shapes must match the layer); default: seeded random values. */
  input?: Tensor;
  weight?: Tensor;
  bias?: Tensor | null;
}

export const VIZ_OPTION_KEYS = ['mode', 'theme', 'cellSize', 'batch', 'input', 'weight', 'bias'] as const;

interface Palette {
  background: string; text: string; muted: string; grid: string;
  input: string; padding: string; paddingCopy: string; receptive: string;
  kernel: string; kernelCurrent: string; outputEmpty: string; outputDone: string; outputCurrent: string;
  line: string; source: string; hover: string;
}

export const THEMES: Record<Theme, Palette> = {
  light: {
    background: '#ffffff', text: '#1f2328', muted: '#57606a', grid: '#8c959f',
    input: '#cfe3f7', padding: '#eaeef2', paddingCopy: '#e4dcf5', receptive: '#f6c56b',
    kernel: '#e2dcf3', kernelCurrent: '#a58fe6', outputEmpty: '#ffffff', outputDone: '#bfe5c9', outputCurrent: '#3fb26b',
    line: '#cf222e', source: '#8250df', hover: '#0969da',
  },
  dark: {
    background: '#0d1117', text: '#e6edf3', muted: '#8b949e', grid: '#6e7681',
    input: '#1f4a75', padding: '#21262d', paddingCopy: '#3b2e5a', receptive: '#b7791f',
    kernel: '#332b4d', kernelCurrent: '#7c5fd6', outputEmpty: '#0d1117', outputDone: '#1f5130', outputCurrent: '#2ea043',
    line: '#ff7b72', source: '#d2a8ff', hover: '#58a6ff',
  },
};

/** A small deterministic generator for the values shown when none are given. */
function seededValues(length: number, seed: number, scale: number): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length }, () => {
    state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
    return Math.round((state / 2 ** 32 * 2 - 1) * scale * 10) / 10; // one decimal: readable in a cell
  });
}

/** Fixed-width number text for cells. */
function fmt(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return text === `-${(0).toFixed(digits)}` ? (0).toFixed(digits) : text;
}

/** A cell of the picture: an input cell (padded coordinates), a weight, or an output cell. */
export type CellTarget =
  | { kind: 'input'; channel: number; py: number; px: number }
  | { kind: 'weight'; outputChannel: number; groupChannel: number; ky: number; kx: number }
  | { kind: 'output'; channel: number; oy: number; ox: number };

/** Every cell linked to a hovered one, read from the trace. */
export interface Linked {
  inputs: { channel: number; py: number; px: number }[];
  weights: { outputChannel: number; groupChannel: number; ky: number; kx: number }[];
  outputs: { channel: number; oy: number; ox: number }[];
}

export interface Animation {
  info: Conv2dInfo;
  steps: number;
  /** The caption in the article's form. */
  caption: string;
  /** The frame of step `step` (0 ≤ step < steps). */
  frame(step: number): Frame;
  /** The cell under canvas point (x, y), or null. */
  hitTest(x: number, y: number): CellTarget | null;
  /**
   * Hover linking: an output cell lights its receptive field and kernel; an input cell every output
   * it feeds (and the weights that read it); a weight every input it touches (and the outputs).
   */
  linked(target: CellTarget): Linked;
  /** Outlines for the linked cells, drawn over a frame. */
  overlay(target: CellTarget): Shape[];
  /** The rectangle of a cell on the canvas. */
  cellRect(target: CellTarget): { x: number; y: number; w: number; h: number };
}

/** `Input shape: (3, 7, 7) — Output shape: (2, 3, 3) — K: (3, 3) — P: (1, 1) — S: (2, 2) — D: (2, 2) — G: 1` */
export function captionFor(info: Conv2dInfo): string {
  const shape = (s: number[]) => `(${s.join(', ')})`;
  const inputShape = info.batched ? [info.batch, info.inChannels, info.inHeight, info.inWidth] : [info.inChannels, info.inHeight, info.inWidth];
  const padding = info.padTop === info.padBottom && info.padLeft === info.padRight
    ? `(${info.padTop}, ${info.padLeft})` : `(${info.padTop}+${info.padBottom}, ${info.padLeft}+${info.padRight})`;
  return `Input shape: ${shape(inputShape)} — Output shape: ${shape(info.outputShape)} — K: (${info.kernelHeight}, ${info.kernelWidth}) — ` +
    `P: ${padding} — S: (${info.strideHeight}, ${info.strideWidth}) — D: (${info.dilationHeight}, ${info.dilationWidth}) — G: ${info.groups}` +
    (info.paddingMode === 'zeros' ? '' : ` — ${info.paddingMode}`);
}

/**
 * Prepares the animation of `layer` applied to an input of `inputShape`: resolves the layer (the
 * same checks as conv2d), lays the panels out once, and returns a pure `frame(step)`.
 */
export function createAnimation(inputShape: readonly number[], layer: LayerOptions, options: VizOptions = {}): Animation {
  const raw = checkOptionKeys(options, VIZ_OPTION_KEYS, 'vizOptions');
  const info = resolveLayer(inputShape, layer);
  const mode = (raw.mode ?? 'structure') as VizMode;
  if (mode !== 'structure' && mode !== 'values') throw new Conv2dError('mode', mode, "mode must be 'structure' or 'values'");
  const theme = (raw.theme ?? 'light') as Theme;
  if (!(theme in THEMES)) throw new Conv2dError('theme', theme, "theme must be 'light' or 'dark'");
  const S = raw.cellSize === undefined ? (mode === 'values' ? 40 : 24) : checkIntegerAtLeast('cellSize', raw.cellSize, 8, 'cellSize must be at least 8 pixels');
  if (S > 96) throw new Conv2dError('cellSize', S, 'cellSize must be at most 96 pixels');
  const batch = raw.batch === undefined ? 0 : checkIntegerAtLeast('batch', raw.batch, 0, 'batch must be a non-negative integer');
  if (batch >= info.batch) throw new Conv2dError('batch', batch, `batch must be below the input's batch size ${info.batch}`);
  const steps = stepCount(info);
  const MAX_CELLS = 200_000;
  const cells = info.inChannels * (info.inHeight + info.padTop + info.padBottom) * (info.inWidth + info.padLeft + info.padRight) +
    info.outChannels * info.inChannelsPerGroup * info.kernelHeight * info.kernelWidth + info.outChannels * info.outHeight * info.outWidth;
  if (cells > MAX_CELLS) {
    throw new Conv2dError('inputShape', [...inputShape], `the picture would have ${cells} cells; the visualizer draws at most ${MAX_CELLS} (use a smaller input or fewer channels)`);
  }

  // The values: given, or seeded so that the same arguments always draw the same numbers.
  const { inChannels: C, inHeight: H, inWidth: W, outChannels: O, inChannelsPerGroup: Cg, outChannelsPerGroup: Og } = info;
  const { kernelHeight: kH, kernelWidth: kW, outHeight: Ho, outWidth: Wo, groups } = info;
  const tensorOrDefault = (value: unknown, argument: string, shape: number[], fallback: () => Float32Array): Float32Array => {
    if (value === undefined) return fallback();
    const t = value as Tensor;
    if (!t || !(t.data instanceof Float32Array) || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Conv2dError(argument, (t as Tensor | undefined)?.shape ?? value, `${argument} must be a tensor of shape ${formatValue(shape)}`);
    }
    return t.data;
  };
  const inputData = tensorOrDefault(raw.input, 'input', info.batched ? [info.batch, C, H, W] : [C, H, W], () => seededValues(info.batch * C * H * W, 1, 1));
  const weightData = tensorOrDefault(raw.weight, 'weight', [O, Cg, kH, kW], () => seededValues(O * Cg * kH * kW, 2, 1));
  const biasData = raw.bias === null || layer.bias === false ? null
    : tensorOrDefault(raw.bias, 'bias', [O], () => seededValues(O, 3, 0.5));

  const palette = THEMES[theme];
  const Hp = H + info.padTop + info.padBottom, Wp = W + info.padLeft + info.padRight;
  const gap = Math.round(S / 2);
  const kernelGap = Math.max(2, Math.round(S / 4));
  const margin = S;
  const captionSize = Math.min(16, Math.max(11, Math.round(S * 0.5)));
  // Caption line, (values mode: the sum line), then the panel labels, then the panels.
  const top = margin + Math.round(captionSize * (mode === 'values' ? 4.2 : 2.8));
  const columnGap = 3 * S;

  // Panel positions, computed once.
  const inputX = margin;
  const inputY = (c: number) => top + captionSize + c * (Hp * S + gap) + Math.floor(c / Cg) * gap;
  const kernelX = inputX + Wp * S + columnGap;
  const kernelBlockH = Cg * kH * S + (Cg - 1) * kernelGap;
  const kernelY = (g: number) => top + captionSize + g * (kernelBlockH + 2 * gap);
  const kernelCellX = (j: number, kx: number) => kernelX + j * (kW * S + kernelGap) + kx * S;
  const kernelCellY = (g: number, c: number, ky: number) => kernelY(g) + c * (kH * S + kernelGap) + ky * S;
  const outputX = kernelX + Og * kW * S + (Og - 1) * kernelGap + columnGap;
  const outputY = (o: number) => top + captionSize + o * (Ho * S + gap) + Math.floor(o / Og) * gap;
  const caption = captionFor(info);
  // Wide enough for the panels and for the caption (DejaVu Sans averages ~0.56 em per character).
  const width = Math.ceil(Math.max(outputX + Wo * S + margin, 2 * margin + caption.length * captionSize * 0.56));
  const height = Math.max(inputY(C - 1) + Hp * S, kernelY(groups - 1) + kernelBlockH, outputY(O - 1) + Ho * S) + margin;

  // Every output value, for values mode (computed from the trace, as drawn).
  const outputValues = new Float32Array(O * Ho * Wo);
  if (mode === 'values') {
    for (let o = 0; o < O; o++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
      outputValues[(o * Ho + oy) * Wo + ox] = valueFromTrace(info, traceCell(info, o, oy, ox), inputData, weightData, biasData, batch);
    }
  }
  const inputValue = (c: number, y: number, x: number) => inputData[((batch * C + c) * H + y) * W + x]!;
  const valueSize = Math.max(7, Math.round(S * 0.3));

  function frame(step: number): Frame {
    if (!Number.isInteger(step) || step < 0 || step >= steps) throw new Conv2dError('step', step, `step must be an integer from 0 to ${steps - 1}`);
    const { channelInGroup, oy, ox } = stepPosition(info, step);
    const traces: CellTrace[] = Array.from({ length: groups }, (_, g) => traceCell(info, g * Og + channelInGroup, oy, ox));
    const shapes: Shape[] = [];
    const highlighted: Frame['highlighted'] = { inputs: [], weights: [], outputs: [] };
    const receptive = new Set<string>();
    for (const trace of traces) {
      highlighted.outputs.push({ channel: trace.outputChannel, oy, ox });
      for (const tap of trace.taps) {
        highlighted.inputs.push({ channel: tap.inputChannel, py: tap.py, px: tap.px });
        highlighted.weights.push({ outputChannel: trace.outputChannel, groupChannel: tap.groupChannel, ky: tap.ky, kx: tap.kx });
        receptive.add(`${tap.inputChannel},${tap.py},${tap.px}`);
      }
    }

    const connectors: Shape[] = [];
    shapes.push({ kind: 'text', x: margin, y: margin + captionSize, text: caption, size: captionSize, color: palette.text, align: 'left', bold: true });
    shapes.push({ kind: 'text', x: margin, y: top, text: 'input', size: captionSize, color: palette.muted, align: 'left' });
    shapes.push({ kind: 'text', x: kernelX, y: top, text: groups > 1 ? `kernels (${groups} groups)` : 'kernels', size: captionSize, color: palette.muted, align: 'left' });
    shapes.push({ kind: 'text', x: outputX, y: top, text: 'output', size: captionSize, color: palette.muted, align: 'left' });

    // Input channels with their padding ring.
    for (let c = 0; c < C; c++) {
      const y0 = inputY(c);
      for (let py = 0; py < Hp; py++) {
        for (let px = 0; px < Wp; px++) {
          const y = py - info.padTop, x = px - info.padLeft;
          const inside = y >= 0 && y < H && x >= 0 && x < W;
          const fill = receptive.has(`${c},${py},${px}`) ? palette.receptive : inside ? palette.input : info.paddingMode === 'zeros' ? palette.padding : palette.paddingCopy;
          shapes.push({ kind: 'rect', x: inputX + px * S, y: y0 + py * S, w: S, h: S, fill, stroke: palette.grid, lineWidth: 1, ...(inside ? {} : { dash: [2, 2] }) });
          if (mode === 'values') {
            // Padding cells show the value they copy (zeros: 0).
            const sy = sourceIndex(y, H, info.paddingMode), sx = sourceIndex(x, W, info.paddingMode);
            const value = sy < 0 || sx < 0 ? 0 : inputValue(c, sy, sx);
            shapes.push({ kind: 'text', x: inputX + px * S + S / 2, y: y0 + py * S + S / 2 + valueSize / 3, text: fmt(value, 1), size: valueSize, color: inside ? palette.text : palette.muted, align: 'center' });
          }
        }
      }
    }

    // Kernels: per group, rows = input channels of the group, columns = its output channels.
    for (let g = 0; g < groups; g++) {
      for (let j = 0; j < Og; j++) {
        const o = g * Og + j;
        const current = j === channelInGroup;
        for (let c = 0; c < Cg; c++) for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++) {
          const x = kernelCellX(j, kx), y = kernelCellY(g, c, ky);
          shapes.push({ kind: 'rect', x, y, w: S, h: S, fill: current ? palette.kernelCurrent : palette.kernel, stroke: palette.grid, lineWidth: 1 });
          if (mode === 'values') {
            const w = weightData[((o * Cg + c) * kH + ky) * kW + kx]!;
            shapes.push({ kind: 'text', x: x + S / 2, y: y + S / 2 + valueSize / 3, text: fmt(w, 1), size: valueSize, color: palette.text, align: 'center' });
          }
        }
      }
    }

    // Outputs: done cells stay filled, the current one stands out.
    for (let o = 0; o < O; o++) {
      const j = o % Og;
      for (let y = 0; y < Ho; y++) for (let x = 0; x < Wo; x++) {
        const order = (j * Ho + y) * Wo + x;
        const fill = order === step ? palette.outputCurrent : order < step ? palette.outputDone : palette.outputEmpty;
        shapes.push({ kind: 'rect', x: outputX + x * S, y: outputY(o) + y * S, w: S, h: S, fill, stroke: palette.grid, lineWidth: 1 });
        if (mode === 'values' && order <= step) {
          shapes.push({ kind: 'text', x: outputX + x * S + S / 2, y: outputY(o) + y * S + S / 2 + valueSize / 3, text: fmt(outputValues[(o * Ho + y) * Wo + x]!, 2),
            size: valueSize, color: palette.text, align: 'center' });
        }
      }
    }

    // Connectors: receptive field → kernel row → output cell, per group; copies of the padding modes → their source.
    for (const trace of traces) {
      const g = trace.group;
      const j = channelInGroup;
      const outCx = outputX + ox * S + S / 2, outCy = outputY(trace.outputChannel) + oy * S + S / 2;
      const kernelRight = kernelCellX(j, kW - 1) + S;
      for (let c = 0; c < Cg; c++) {
        const channel = g * Cg + c;
        const taps = trace.taps.filter((t) => t.groupChannel === c);
        const right = Math.max(...taps.map((t) => t.px)) + 1, midY = (Math.min(...taps.map((t) => t.py)) + Math.max(...taps.map((t) => t.py)) + 1) / 2;
        const kernelTop = kernelCellY(g, c, 0), kernelMid = kernelTop + (kH * S) / 2;
        connectors.push({ kind: 'line', x1: inputX + right * S, y1: inputY(channel) + midY * S, x2: kernelCellX(j, 0), y2: kernelMid, stroke: palette.line, lineWidth: 1.5 });
        connectors.push({ kind: 'line', x1: kernelRight, y1: kernelMid, x2: outputX + ox * S, y2: outCy, stroke: palette.line, lineWidth: 1.5 });
        for (const tap of taps) {
          if (tap.inPadding && tap.source) {
            const y0 = inputY(channel);
            shapes.push({ kind: 'line', x1: inputX + tap.px * S + S / 2, y1: y0 + tap.py * S + S / 2,
              x2: inputX + (tap.source.x + info.padLeft) * S + S / 2, y2: y0 + (tap.source.y + info.padTop) * S + S / 2,
              stroke: palette.source, lineWidth: 1, dash: [3, 2] });
          }
        }
      }
      shapes.push({ kind: 'rect', x: outCx - S / 2, y: outCy - S / 2, w: S, h: S, stroke: palette.line, lineWidth: 2 });
    }

    // Values mode: the current sum, spelled out for the first group.
    if (mode === 'values') {
      const trace = traces[0]!;
      const terms = trace.taps.map((tap) => {
        const w = weightData[((trace.outputChannel * Cg + tap.groupChannel) * kH + tap.ky) * kW + tap.kx]!;
        const x = tap.source ? inputValue(tap.inputChannel, tap.source.y, tap.source.x) : 0;
        return `${fmt(w, 1)}·${fmt(x, 1)}`;
      });
      const shown = terms.length > 6 ? [...terms.slice(0, 6), `… (${terms.length} products)`] : terms;
      const bias = biasData ? ` + ${fmt(biasData[trace.outputChannel]!, 1)}` : '';
      const value = outputValues[(trace.outputChannel * Ho + oy) * Wo + ox]!;
      shapes.push({ kind: 'text', x: margin, y: margin + captionSize * 2.5, size: captionSize,
        text: `y[${trace.outputChannel}, ${oy}, ${ox}] = ${shown.join(' + ')}${bias} = ${fmt(value, 3)}`, color: palette.text, align: 'left' });
    }
    // Connectors go under the cells (they show in the gaps); the padding-copy marks and the output frame on top.
    const firstCell = shapes.findIndex((shape) => shape.kind === 'rect');
    shapes.splice(firstCell, 0, ...connectors);
    return { width, height, background: palette.background, shapes, step, steps, highlighted };
  }

  function cellRect(target: CellTarget): { x: number; y: number; w: number; h: number } {
    if (target.kind === 'input') return { x: inputX + target.px * S, y: inputY(target.channel) + target.py * S, w: S, h: S };
    if (target.kind === 'output') return { x: outputX + target.ox * S, y: outputY(target.channel) + target.oy * S, w: S, h: S };
    const g = Math.floor(target.outputChannel / Og), j = target.outputChannel % Og;
    return { x: kernelCellX(j, target.kx), y: kernelCellY(g, target.groupChannel, target.ky), w: S, h: S };
  }

  function hitTest(x: number, y: number): CellTarget | null {
    const within = (rx: number, ry: number, w: number, h: number) => x >= rx && x < rx + w && y >= ry && y < ry + h;
    for (let c = 0; c < C; c++) {
      if (within(inputX, inputY(c), Wp * S, Hp * S)) return { kind: 'input', channel: c, py: Math.floor((y - inputY(c)) / S), px: Math.floor((x - inputX) / S) };
    }
    for (let o = 0; o < O; o++) {
      if (within(outputX, outputY(o), Wo * S, Ho * S)) return { kind: 'output', channel: o, oy: Math.floor((y - outputY(o)) / S), ox: Math.floor((x - outputX) / S) };
    }
    for (let g = 0; g < groups; g++) for (let j = 0; j < Og; j++) for (let c = 0; c < Cg; c++) {
      const x0 = kernelCellX(j, 0), y0 = kernelCellY(g, c, 0);
      if (within(x0, y0, kW * S, kH * S)) {
        return { kind: 'weight', outputChannel: g * Og + j, groupChannel: c, ky: Math.floor((y - y0) / S), kx: Math.floor((x - x0) / S) };
      }
    }
    return null;
  }

  function linked(target: CellTarget): Linked {
    const result: Linked = { inputs: [], weights: [], outputs: [] };
    const outputsOfGroup = (g: number) => Array.from({ length: Og }, (_, j) => g * Og + j);
    if (target.kind === 'output') {
      const trace = traceCell(info, target.channel, target.oy, target.ox);
      result.outputs.push({ channel: target.channel, oy: target.oy, ox: target.ox });
      for (const tap of trace.taps) {
        result.inputs.push({ channel: tap.inputChannel, py: tap.py, px: tap.px });
        result.weights.push({ outputChannel: target.channel, groupChannel: tap.groupChannel, ky: tap.ky, kx: tap.kx });
      }
      return result;
    }
    const g = target.kind === 'input' ? Math.floor(target.channel / Cg) : Math.floor(target.outputChannel / Og);
    const channels = target.kind === 'input' ? outputsOfGroup(g) : [target.outputChannel];
    for (const o of channels) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
      for (const tap of traceCell(info, o, oy, ox).taps) {
        const hit = target.kind === 'input'
          ? tap.inputChannel === target.channel && tap.py === target.py && tap.px === target.px
          : tap.groupChannel === target.groupChannel && tap.ky === target.ky && tap.kx === target.kx;
        if (!hit) continue;
        result.outputs.push({ channel: o, oy, ox });
        if (target.kind === 'input') result.weights.push({ outputChannel: o, groupChannel: tap.groupChannel, ky: tap.ky, kx: tap.kx });
        else result.inputs.push({ channel: tap.inputChannel, py: tap.py, px: tap.px });
      }
    }
    if (target.kind === 'input') result.inputs.push({ channel: target.channel, py: target.py, px: target.px });
    else result.weights.push({ outputChannel: target.outputChannel, groupChannel: target.groupChannel, ky: target.ky, kx: target.kx });
    return result;
  }

  function overlay(target: CellTarget): Shape[] {
    const l = linked(target);
    const outline = (rect: { x: number; y: number; w: number; h: number }): Shape => ({ kind: 'rect', ...rect, stroke: palette.hover, lineWidth: 2 });
    return [
      ...l.inputs.map((c) => outline(cellRect({ kind: 'input', ...c }))),
      ...l.weights.map((w) => outline(cellRect({ kind: 'weight', ...w }))),
      ...l.outputs.map((o) => outline(cellRect({ kind: 'output', ...o }))),
      { kind: 'rect', ...cellRect(target), stroke: palette.text, lineWidth: 3 },
    ];
  }

  return { info, steps, caption, frame, hitTest, linked, overlay, cellRect };
}
