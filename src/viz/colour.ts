/**
 * Colour arithmetic for the pictures: WCAG contrast (which text colour reads on a fill, and the
 * non-text contrast the padding ring must reach), colour-vision-deficiency simulation and CIEDE2000
 * colour difference (how the palette is checked to stay distinguishable for colour-blind readers).
 * Colours are '#rrggbb'.
 */

type Rgb = [number, number, number];

/** '#rrggbb' → sRGB components in [0, 1]. */
export function parseHex(colour: string): Rgb {
  if (!/^#[0-9a-f]{6}$/i.test(colour)) throw new Error(`not a #rrggbb colour: ${colour}`);
  return [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16) / 255) as Rgb;
}

/** sRGB component → linear light (the sRGB transfer curve). */
const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const fromLinear = (c: number) => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);

/** WCAG 2 relative luminance: 0.2126 R + 0.7152 G + 0.0722 B in linear light. */
export function relativeLuminance(colour: string): number {
  const [r, g, b] = parseHex(colour).map(toLinear) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio (L1 + 0.05) / (L2 + 0.05), from 1 (none) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((p, q) => q - p) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Whichever of the candidates reads best on `fill` (highest contrast). */
export function bestTextOn(fill: string, candidates: readonly string[]): string {
  let best = candidates[0]!;
  for (const c of candidates) if (contrastRatio(c, fill) > contrastRatio(best, fill)) best = c;
  return best;
}

export type Vision = 'normal' | 'protanopia' | 'deuteranopia' | 'tritanopia';

/**
 * Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color vision
 * deficiency", severity 1.0: 3×3 matrices applied to linear RGB.
 */
const CVD_MATRICES: Record<Exclude<Vision, 'normal'>, number[][]> = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

/** How `colour` looks to a reader with the given colour vision, as sRGB in [0, 1]. */
export function simulateVision(colour: string, vision: Vision): Rgb {
  const rgb = parseHex(colour);
  if (vision === 'normal') return rgb;
  const linear = rgb.map(toLinear);
  return CVD_MATRICES[vision].map((row) =>
    fromLinear(Math.min(1, Math.max(0, row[0]! * linear[0]! + row[1]! * linear[1]! + row[2]! * linear[2]!))),
  ) as Rgb;
}

/** sRGB in [0, 1] → CIE L*a*b* (D65). */
function toLab(rgb: Rgb): Rgb {
  const [r, g, b] = rgb.map(toLinear) as Rgb;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

/**
 * CIEDE2000 colour difference (Sharma, Wu & Dalal 2005) between two sRGB colours in [0, 1]. About 2.3
 * is a just-noticeable difference; side by side, 10 and more reads as clearly different.
 */
export function deltaE2000(first: Rgb, second: Rgb): number {
  const [L1, a1, b1] = toLab(first),
    [L2, a2, b2] = toLab(second);
  const rad = Math.PI / 180;
  const meanC = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const G = 0.5 * (1 - Math.sqrt(meanC ** 7 / (meanC ** 7 + 25 ** 7)));
  const ap1 = (1 + G) * a1,
    ap2 = (1 + G) * a2;
  const C1 = Math.hypot(ap1, b1),
    C2 = Math.hypot(ap2, b2);
  const hue = (x: number, y: number) => (x === 0 && y === 0 ? 0 : (Math.atan2(y, x) / rad + 360) % 360);
  const h1 = hue(ap1, b1),
    h2 = hue(ap2, b2);
  let dh = 0;
  if (C1 * C2 !== 0) dh = h2 - h1 > 180 ? h2 - h1 - 360 : h2 - h1 < -180 ? h2 - h1 + 360 : h2 - h1;
  const dL = L2 - L1,
    dC = C2 - C1,
    dH = 2 * Math.sqrt(C1 * C2) * Math.sin((dh * rad) / 2);
  const meanL = (L1 + L2) / 2,
    meanCp = (C1 + C2) / 2;
  let meanH = h1 + h2;
  if (C1 * C2 !== 0)
    meanH = Math.abs(h1 - h2) > 180 ? (h1 + h2 < 360 ? (h1 + h2 + 360) / 2 : (h1 + h2 - 360) / 2) : (h1 + h2) / 2;
  const T =
    1 -
    0.17 * Math.cos((meanH - 30) * rad) +
    0.24 * Math.cos(2 * meanH * rad) +
    0.32 * Math.cos((3 * meanH + 6) * rad) -
    0.2 * Math.cos((4 * meanH - 63) * rad);
  const dTheta = 30 * Math.exp(-(((meanH - 275) / 25) ** 2));
  const Rc = 2 * Math.sqrt(meanCp ** 7 / (meanCp ** 7 + 25 ** 7));
  const SL = 1 + (0.015 * (meanL - 50) ** 2) / Math.sqrt(20 + (meanL - 50) ** 2),
    SC = 1 + 0.045 * meanCp,
    SH = 1 + 0.015 * meanCp * T;
  const RT = -Math.sin(2 * dTheta * rad) * Rc;
  return Math.sqrt((dL / SL) ** 2 + (dC / SC) ** 2 + (dH / SH) ** 2 + RT * (dC / SC) * (dH / SH));
}
