import { checkIntegerAtLeast } from '../core/validate.js';
import { Conv2dError } from '../errors/index.js';
import { consistentSum, formatNumber } from './numbers.js';
import { type Lang, WORDS, type Words, checkLang } from './i18n.js';
import type { Rect } from './layout.js';
import type { CellTarget, Linked } from './links.js';
import type { Shape } from './shapes.js';
import { THEMES, type Palette, type Theme, textOn } from './theme.js';

/**
 * What every picture is to its renderers — the GIF and PNG writers, the page and the element: a
 * number of steps, a canvas size and a pure `frame(step)`. The forward animation (frame.ts), the
 * transposed one (transposed-figure.ts) and the backward one (backward-figure.ts) are Pictures; the
 * style options they share (mode, theme, language, title, cell size) are checked here, once.
 */

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

export interface Picture {
  steps: number;
  /** The caption in the article's form. */
  caption: string;
  /** The title line. */
  title: string;
  lang: Lang;
  /** Canvas size of every frame, px. */
  width: number;
  height: number;
  /** The frame of step `step` (0 ≤ step < steps). */
  frame(step: number): Frame;
  /** The cell under canvas point (x, y), or null (hover linking; null where a picture has none). */
  hitTest(x: number, y: number): CellTarget | null;
  /** Every cell linked to `target`. */
  linked(target: CellTarget): Linked;
  /** Outlines for the linked cells, drawn over a frame. */
  overlay(target: CellTarget, links?: Linked): Shape[];
  /** False where the picture has no hover linking (its hitTest finds nothing). */
  hoverLinks?: boolean;
  /**
   * Steps whose frames between them hold every colour the picture uses (a GIF's one palette is taken
   * from them); default the first and the last.
   */
  paletteSteps?: readonly number[];
}

/** The style options every picture takes. */
export interface StyleOptions {
  /** `'structure'` (the article's look) or `'values'` (numbers and sums). Default structure. */
  mode?: VizMode;
  theme?: Theme;
  /** Language of the words: 'en' (default) or 'zh-CN' ('zh' accepted). */
  lang?: Lang | 'zh';
  /** The figure's title; default: named from the layer's arguments. */
  title?: string;
  /** Cell size in pixels (8–96); default 24 for structure, 32 for values. */
  cellSize?: number;
}

export const STYLE_OPTION_KEYS = ['mode', 'theme', 'lang', 'title', 'cellSize'] as const;

/** The checked style, and the sizes derived from the cell size: caption, labels, cell numbers. */
export interface Style {
  mode: VizMode;
  theme: Theme;
  lang: Lang;
  words: Words;
  palette: Palette;
  title: string | undefined;
  /** Cell size, px. */
  S: number;
  captionSize: number;
  labelSize: number;
  /** Size of the numbers in cells. */
  small: number;
}

/** Checks the style options (each refusal names the option, its value and the rule). */
export function resolveStyle(raw: Record<string, unknown>): Style {
  const mode = (raw.mode ?? 'structure') as VizMode;
  if (mode !== 'structure' && mode !== 'values')
    throw new Conv2dError('mode', mode, "mode must be 'structure' or 'values'");
  const theme = (raw.theme ?? 'light') as Theme;
  if (!(theme in THEMES)) throw new Conv2dError('theme', theme, "theme must be 'light' or 'dark'");
  const lang = checkLang(raw.lang);
  if (raw.title !== undefined && typeof raw.title !== 'string')
    throw new Conv2dError('title', raw.title, 'title must be a string');
  const S =
    raw.cellSize === undefined
      ? mode === 'values'
        ? 32
        : 24
      : checkIntegerAtLeast('cellSize', raw.cellSize, 8, 'cellSize must be at least 8 pixels');
  if (S > 96) throw new Conv2dError('cellSize', S, 'cellSize must be at most 96 pixels');
  const captionSize = Math.min(16, Math.max(11, Math.round(S * 0.5)));
  return {
    mode,
    theme,
    lang,
    words: WORDS[lang],
    palette: THEMES[theme],
    title: raw.title as string | undefined,
    S,
    captionSize,
    labelSize: Math.max(10, captionSize - 2),
    small: Math.max(7, Math.round(S * 0.3)),
  };
}

/** A frame's shapes, added in drawing order, with the two shapes every picture is made of. */
export class Drawing {
  readonly shapes: Shape[] = [];
  constructor(
    readonly palette: Palette,
    readonly small: number,
  ) {}

  text(
    x: number,
    y: number,
    value: string,
    size: number,
    color: string,
    align: 'left' | 'center' | 'right' = 'left',
    bold = false,
  ): void {
    this.shapes.push({ kind: 'text', x, y, text: value, size, color, align, ...(bold ? { bold } : {}) });
  }

  /** A grid cell: its fill, the grid's stroke, and an optional number or word centred in it. */
  cell(r: Rect, fill: string, value?: string, valueSize = this.small): void {
    this.shapes.push({ kind: 'rect', ...r, fill, stroke: this.palette.grid, lineWidth: 1 });
    if (value !== undefined)
      this.text(r.x + r.w / 2, r.y + r.h / 2 + valueSize / 3, value, valueSize, textOn(this.palette, fill), 'center');
  }

  outline(r: Rect, stroke: string, lineWidth: number, dash?: number[]): void {
    this.shapes.push({ kind: 'rect', ...r, stroke, lineWidth, ...(dash ? { dash } : {}) });
  }

  line(x1: number, y1: number, x2: number, y2: number, stroke: string, lineWidth: number, dash?: number[]): void {
    this.shapes.push({ kind: 'line', x1, y1, x2, y2, stroke, lineWidth, ...(dash ? { dash } : {}) });
  }
}

/** A grid of cells drawn at (x, y): the rectangle of cell (row, column), and of a block of cells. */
export class Grid {
  constructor(
    readonly x: number,
    readonly y: number,
    readonly rows: number,
    readonly cols: number,
    readonly S: number,
  ) {}
  cell(row: number, col: number): Rect {
    return { x: this.x + col * this.S, y: this.y + row * this.S, w: this.S, h: this.S };
  }
  block(row: number, col: number, rows: number, cols: number): Rect {
    return { x: this.x + col * this.S, y: this.y + row * this.S, w: cols * this.S, h: rows * this.S };
  }
  get width(): number {
    return this.cols * this.S;
  }
  get height(): number {
    return this.rows * this.S;
  }
}

/** Pictures without hover linking answer every hover with nothing. */
export const NO_LINKS = {
  hoverLinks: false,
  hitTest: (): CellTarget | null => null,
  linked: (): Linked => ({ inputs: [], weights: [], outputs: [] }),
  overlay: (): Shape[] => [],
};

/**
 * The transposed and backward pictures draw one input channel and one output channel: their point
 * is the geometry, which is the same for every channel pair (docs/decisions.md). Other layers are
 * refused, naming the argument.
 */
export function checkOneChannel(
  inputShape: readonly number[],
  inChannels: number,
  outChannels: number,
  picture: string,
): void {
  const rule = `the ${picture} picture draws one input and one output channel (its geometry is the same for every channel pair)`;
  if (inChannels !== 1) throw new Conv2dError('inputShape', [...inputShape], `${rule}; the input has ${inChannels}`);
  if (outChannels !== 1) throw new Conv2dError('outChannels', outChannels, `${rule}; outChannels must be 1`);
}

/** Letters a, b, c… for the kernel's taps in row-major order (numbers past 26), so a flipped kernel reads as flipped. */
export function tapName(index: number, taps: number): string {
  return taps <= 26 ? String.fromCharCode(97 + index) : String(index);
}

/** How many products a sum line spells out before folding the rest into one term. */
export const PRODUCTS_SHOWN = 6;

/**
 * A sum of products (plus `extra` terms, e.g. a bias) as printed: the first products as `a·b` when
 * every factor prints exactly at one decimal (the seeded values do, so the factors are the numbers in
 * the cells), else as their values; past PRODUCTS_SHOWN + 1 products the rest fold into one term,
 * `Σ 5 more (−0.31)`. The printed terms add up to the printed total (consistentSum).
 */
export function printedProducts(
  pairs: readonly (readonly [number, number])[],
  total: number,
  extra: readonly number[] = [],
): { terms: string[]; extra: string[]; total: string } {
  const fold = pairs.length > PRODUCTS_SHOWN + 1;
  const shown = fold ? pairs.slice(0, PRODUCTS_SHOWN) : pairs;
  const products = pairs.map(([a, b]) => a * b);
  const folded = fold ? [products.slice(PRODUCTS_SHOWN).reduce((s, p) => s + p, 0)] : [];
  const printed = consistentSum([...products.slice(0, shown.length), ...folded, ...extra], total);
  const exact = (v: number) => Math.fround(Math.round(v * 10) / 10) === Math.fround(v);
  const factor = (v: number) => bracketed(formatNumber(v, 1));
  const terms = shown.every(([a, b]) => exact(a) && exact(b))
    ? shown.map(([a, b]) => `${factor(a)}·${factor(b)}`)
    : printed.terms.slice(0, shown.length).map(bracketed);
  if (fold) terms.push(`Σ ${pairs.length - PRODUCTS_SHOWN} more (${printed.terms[shown.length]})`);
  return { terms, extra: printed.terms.slice(shown.length + folded.length), total: printed.total };
}

/** A printed number that can stand after a `+` or `·`: negatives in brackets. */
function bracketed(text: string): string {
  return text.startsWith('\u2212') ? `(${text})` : text;
}

/** `Padding (1, 1) · stride (2, 2)` after a heading: `Backward pass · padding (1, 1) · stride (2, 2)` in English. */
export function afterHeading(heading: string, rest: string, lang: Lang): string {
  return `${heading} · ${lang === 'en' ? rest.replace(/^[A-Z]/, (c) => c.toLowerCase()) : rest}`;
}

/** Which image of a batch the values come from: `batch` (default 0), below the input's batch size. */
export function checkShownImage(value: unknown, batchSize: number): number {
  const batch =
    value === undefined ? 0 : checkIntegerAtLeast('batch', value, 0, 'batch must be a non-negative integer');
  if (batch >= batchSize)
    throw new Conv2dError('batch', batch, `batch must be below the input's batch size ${batchSize}`);
  return batch;
}

/** Refuses a picture of more than MAX_CELLS cells before anything is laid out. */
export function checkCellCount(inputShape: readonly number[], cells: number, advice: string): void {
  if (cells > MAX_CELLS) {
    throw new Conv2dError(
      'inputShape',
      [...inputShape],
      `the picture would have ${cells} cells; the visualizer draws at most ${MAX_CELLS} (use ${advice})`,
    );
  }
}

/** The most cells a picture may have, and the largest canvas (GIF stores sizes in 16 bits). */
export const MAX_CELLS = 200_000;
export const MAX_CANVAS_SIDE = 65_535;
export const MAX_CANVAS_PIXELS = 2 ** 26;

/** Refuses, before a canvas is made, a picture past the canvas limits; `advice` says what to make smaller. */
export function checkCanvasSize(argument: string, value: unknown, width: number, height: number, advice: string): void {
  if (width > MAX_CANVAS_SIDE || height > MAX_CANVAS_SIDE || width * height > MAX_CANVAS_PIXELS) {
    throw new Conv2dError(
      argument,
      value,
      `the picture would be ${width} × ${height} px; the largest is ` +
        `${MAX_CANVAS_SIDE} px a side and ${MAX_CANVAS_PIXELS} px in all (use ${advice})`,
    );
  }
}

/**
 * Refuses, before a canvas is made, a picture past the canvas limits: naming the cell size when the
 * caller chose it, else the input shape.
 */
export function checkPictureCanvas(
  cellSize: unknown,
  inputShape: readonly number[],
  S: number,
  width: number,
  height: number,
): void {
  const chosen = cellSize !== undefined;
  checkCanvasSize(
    chosen ? 'cellSize' : 'inputShape',
    chosen ? S : [...inputShape],
    width,
    height,
    'a smaller cellSize or input',
  );
}

/** A picture's step, checked: an integer from 0 to steps − 1. */
export function checkStep(step: number, steps: number): void {
  if (!Number.isInteger(step) || step < 0 || step >= steps)
    throw new Conv2dError('step', step, `step must be an integer from 0 to ${steps - 1}`);
}
