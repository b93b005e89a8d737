import { bestTextOn } from './colour.js';

/**
 * The two palettes of the pictures. Chosen so that each concept reads in a still frame, for every
 * reader (test/viz-palette.test.ts checks the numbers):
 * - padding cells reach WCAG's 3:1 non-text contrast against the background (the article's ring is
 *   2.18:1) and differ from the input cells: zeros are grey (nothing there), copies of reflect /
 *   replicate / circular padding a darker blue than the input they copy;
 * - every pair of colours that must be told apart stays ≥ 10 CIEDE2000 apart under simulated
 *   protanopia, deuteranopia and tritanopia (Machado et al. 2009), orange against blue carrying the
 *   highlight (the blue–yellow axis survives red–green colour blindness);
 * - the connectors stand out from every fill and get a halo of the background colour.
 */
export interface Palette {
  background: string;
  text: string;
  muted: string;
  grid: string;
  /** Group bands: a tint behind each group's inputs, kernels and outputs. */
  band: string;
  input: string;
  padding: string;
  paddingCopy: string;
  receptive: string;
  kernel: string;
  kernelCurrent: string;
  outputEmpty: string;
  outputDone: string;
  outputCurrent: string;
  /** Transposed convolution: output cells stamped, then cropped off by `padding`. */
  cropped: string;
  /** Connectors (receptive field → kernel → output) and the receptive field's outline. */
  line: string;
  /** The previous receptive field (a dashed ghost) and the stride arrow. */
  ghost: string;
  hover: string;
  /** Text on dark fills (and dark text on light ones): the two candidates for cell numbers. */
  textLight: string;
  textDark: string;
}

export type Theme = 'light' | 'dark';

export const THEMES: Record<Theme, Palette> = {
  light: {
    background: '#ffffff',
    text: '#1f2328',
    muted: '#57606a',
    grid: '#6e7781',
    band: '#f1f3f5',
    input: '#d4e5f7',
    padding: '#8a8f98',
    paddingCopy: '#5b8ec4',
    receptive: '#f0a202',
    kernel: '#e6e0f2',
    kernelCurrent: '#9b7fd4',
    outputEmpty: '#ffffff',
    outputDone: '#a3d9c1',
    outputCurrent: '#13996b',
    cropped: '#aeb4bc',
    line: '#c2410c',
    ghost: '#3b4450',
    hover: '#0969da',
    textLight: '#ffffff',
    textDark: '#1f2328',
  },
  dark: {
    background: '#0d1117',
    text: '#e6edf3',
    muted: '#8b949e',
    grid: '#6e7681',
    band: '#161b22',
    input: '#1c3d5e',
    padding: '#6b7280',
    paddingCopy: '#4a86c5',
    receptive: '#e8a317',
    kernel: '#2e2747',
    kernelCurrent: '#8c6fd6',
    outputEmpty: '#0d1117',
    outputDone: '#1d4d3c',
    outputCurrent: '#1fa774',
    cropped: '#454c56',
    line: '#5cc8ff',
    ghost: '#c9d1d9',
    hover: '#58a6ff',
    textLight: '#f0f6fc',
    textDark: '#0d1117',
  },
};

/**
 * Hues for the kernel taps of a dilated layer: tap (i, j) and the input cells it reads share a hue,
 * so the spread-out grid reads as the kernel's grid. Neighbouring taps (index ± 1 and ± the kernel
 * width, for kernels up to 3 wide) differ for colour-blind readers too; light enough for dark text.
 */
export const TAP_HUES: readonly string[] = [
  '#77aadd',
  '#ee8866',
  '#44bb99',
  '#ffaabb',
  '#bbcc33',
  '#aa88dd',
  '#eedd88',
  '#66ccee',
  '#dd7788',
];

/** The hue of tap (ky, kx) of a kernel kW wide (hues repeat past nine taps). */
export function tapHue(ky: number, kx: number, kW: number): string {
  return TAP_HUES[(ky * kW + kx) % TAP_HUES.length]!;
}

/** The text colour that reads best on a fill, from the palette's light and dark text. */
export function textOn(palette: Palette, fill: string): string {
  return bestTextOn(fill, [palette.textDark, palette.textLight]);
}
