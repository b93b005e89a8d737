import { convOptionsOf } from '../src/index.js';
import { randomFill } from '../src/core/random.js';
import { readFileSync } from 'node:fs';
import opentype from 'opentype.js';
import { describe, expect, it } from 'vitest';
import { conv2d, tensor } from '../src/index.js';
import { contrastRatio, deltaE2000, simulateVision, type Vision } from '../src/viz/colour.js';
import { type Animation, type Frame, createAnimation } from '../src/viz/frame.js';
import { LANGS, allText } from '../src/viz/i18n.js';
import { fontFiles } from '../src/viz/node.js';
import { ARTICLE_FIGURES, EXTRA_FIGURES } from '../src/viz/presets.js';
import { TAP_HUES, THEMES } from '../src/viz/theme.js';

/**
 * The pictures' promises, checked on the 14 figures of docs/figures (the article's nine and five more)
 * at every step: connectors start and end where they should, over the cells; the palette keeps its
 * contrast for every reader; the sum line adds up; every Chinese character has a glyph.
 */

const FIGURES = [...ARTICLE_FIGURES, ...EXTRA_FIGURES];

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
const within = (x: number, y: number, b: Box, slack = 0.01) =>
  x >= b.x0 - slack && x <= b.x1 + slack && y >= b.y0 - slack && y <= b.y1 + slack;
const onEdge = (x: number, y: number, b: Box) =>
  (within(x, y, b) && [b.x0, b.x1].some((e) => Math.abs(x - e) < 0.01)) ||
  (within(x, y, b) && [b.y0, b.y1].some((e) => Math.abs(y - e) < 0.01));
function boxOf(rects: { x: number; y: number; w: number; h: number }[]): Box {
  return {
    x0: Math.min(...rects.map((r) => r.x)),
    y0: Math.min(...rects.map((r) => r.y)),
    x1: Math.max(...rects.map((r) => r.x + r.w)),
    y1: Math.max(...rects.map((r) => r.y + r.h)),
  };
}

/** Every connector of a frame against the geometry of the cells it joins (from cellRect, i.e. where they are drawn). */
function checkConnectors(animation: Animation, frame: Frame): number {
  const { info } = animation;
  const { inChannelsPerGroup: Cg, outChannelsPerGroup: Og, kernelHeight: kH, kernelWidth: kW } = info;
  const slice = (o: number, c: number) =>
    boxOf([
      animation.cellRect({ kind: 'weight', outputChannel: o, groupChannel: c, ky: 0, kx: 0 }),
      animation.cellRect({ kind: 'weight', outputChannel: o, groupChannel: c, ky: kH - 1, kx: kW - 1 }),
    ]);
  const inputBlock = (c: number) =>
    boxOf([
      animation.cellRect({ kind: 'input', channel: c, py: 0, px: 0 }),
      animation.cellRect({
        kind: 'input',
        channel: c,
        py: info.paddedHeight - 1,
        px: info.paddedWidth - 1,
      }),
    ]);
  let checked = 0;
  const seen = new Set<string>();
  for (const shape of frame.shapes) {
    if (shape.kind !== 'line' || !shape.connector) continue;
    const link = shape.connector;
    const out = frame.highlighted.outputs.find((o) => o.channel === link.outputChannel);
    expect(out, 'a connector belongs to a highlighted output').toBeDefined();
    const g = Math.floor(link.outputChannel / Og);
    if (link.from === 'receptive-field') {
      expect(Math.floor(link.inputChannel / Cg)).toBe(g); // never into another group's kernel
      const field = boxOf(
        frame.highlighted.inputs
          .filter((i) => i.channel === link.inputChannel)
          .map((i) => animation.cellRect({ kind: 'input', ...i })),
      );
      expect(within(shape.x1, shape.y1, field), `starts in channel ${link.inputChannel}'s receptive field`).toBe(true);
      for (let c = 0; c < info.inChannels; c++)
        if (c !== link.inputChannel) expect(within(shape.x1, shape.y1, inputBlock(c), -0.5)).toBe(false);
      expect(
        onEdge(shape.x2, shape.y2, slice(link.outputChannel, link.groupChannel)),
        'ends on its own kernel slice',
      ).toBe(true);
    } else {
      const filter = boxOf(
        Array.from({ length: Cg }, (_, c) => slice(link.outputChannel, c)).map((b) => ({
          x: b.x0,
          y: b.y0,
          w: b.x1 - b.x0,
          h: b.y1 - b.y0,
        })),
      );
      expect(onEdge(shape.x1, shape.y1, filter), 'starts on its own filter').toBe(true);
      const cell = animation.cellRect({ kind: 'output', channel: link.outputChannel, oy: out!.oy, ox: out!.ox });
      expect([shape.x2, shape.y2]).toEqual([cell.x + cell.w / 2, cell.y + cell.h / 2]);
    }
    seen.add(`${link.from}:${link.outputChannel}:${link.from === 'receptive-field' ? link.inputChannel : ''}`);
    checked++;
  }
  // Every input channel of every highlighted output has its funnel, and every output its lines from the filter.
  expect(seen.size).toBe(info.groups * (Cg + 1));
  // Over the cells: after the first connector, the only filled cells drawn are the current output cells (drawn again on top).
  const first = frame.shapes.findIndex((s) => s.kind === 'line' && (s.connector || s.halo));
  const currentCells = frame.highlighted.outputs.map((o) =>
    JSON.stringify(animation.cellRect({ kind: 'output', ...o })),
  );
  for (const shape of frame.shapes.slice(first)) {
    if (shape.kind === 'rect' && shape.fill)
      expect(currentCells).toContain(JSON.stringify({ x: shape.x, y: shape.y, w: shape.w, h: shape.h }));
  }
  return checked;
}

describe('connectors, on the 14 figures of docs/figures', () => {
  it.each(FIGURES.map((f) => [f.name, f] as const))(
    '%s: every connector at every step starts and ends on its own cells, over the cells',
    (_name, figure) => {
      for (const mode of ['structure', 'values'] as const) {
        const animation = createAnimation(figure.inputShape, figure.layer, { mode });
        let lines = 0;
        for (let step = 0; step < animation.steps; step++) lines += checkConnectors(animation, animation.frame(step));
        expect(lines).toBeGreaterThan(0);
      }
    },
  );
});

describe('the palette', () => {
  const visions: Vision[] = ['normal', 'protanopia', 'deuteranopia', 'tritanopia'];
  /** Colours a reader must tell apart, by role. */
  const PAIRS = [
    ['input', 'padding'],
    ['input', 'paddingCopy'],
    ['padding', 'paddingCopy'],
    ['input', 'receptive'],
    ['padding', 'receptive'],
    ['paddingCopy', 'receptive'],
    ['kernel', 'kernelCurrent'],
    ['outputEmpty', 'outputDone'],
    ['outputDone', 'outputCurrent'],
    ['background', 'line'],
    ['receptive', 'line'],
    ['input', 'line'],
    ['cropped', 'outputEmpty'],
    ['cropped', 'outputDone'],
    ['cropped', 'outputCurrent'],
  ] as const;

  it.each(Object.keys(THEMES) as (keyof typeof THEMES)[])(
    '%s: padding at WCAG non-text contrast ≥ 3:1, and pairs ≥ 10 ΔE2000 apart for colour-blind readers',
    (theme) => {
      const p = THEMES[theme];
      expect(contrastRatio(p.padding, p.background)).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(p.paddingCopy, p.background)).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(p.line, p.background)).toBeGreaterThanOrEqual(3);
      for (const [a, b] of PAIRS) {
        for (const vision of visions) {
          expect(
            deltaE2000(simulateVision(p[a], vision), simulateVision(p[b], vision)),
            `${theme} ${a}/${b} (${vision})`,
          ).toBeGreaterThanOrEqual(10);
        }
      }
    },
  );

  it('tap hues: neighbouring taps of a kernel up to 3 wide differ, and every hue stands out from the unlit cells', () => {
    const n = TAP_HUES.length;
    for (let i = 0; i < n; i++) {
      for (const neighbour of [i + 1, i + 3]) {
        if (neighbour >= n) continue;
        for (const vision of ['normal', 'protanopia', 'deuteranopia'] as Vision[]) {
          expect(
            deltaE2000(simulateVision(TAP_HUES[i]!, vision), simulateVision(TAP_HUES[neighbour]!, vision)),
            `hues ${i}/${neighbour} (${vision})`,
          ).toBeGreaterThanOrEqual(8);
        }
      }
      for (const theme of Object.values(THEMES)) {
        for (const role of ['input', 'padding', 'paddingCopy'] as const) {
          expect(
            deltaE2000(simulateVision(TAP_HUES[i]!, 'normal'), simulateVision(theme[role], 'normal')),
            `hue ${i} vs ${role}`,
          ).toBeGreaterThanOrEqual(8);
        }
      }
    }
  });
});

/** Parses `(−0.73)` / `0.70` into a count of 10^−digits units. */
function units(text: string, digits: number): number {
  const clean = text.replace(/[()]/g, '').replace('−', '-');
  expect(clean).toMatch(new RegExp(`^-?\\d+\\.\\d{${digits}}$`));
  return Math.round(Number(clean) * 10 ** digits);
}

describe('the sum line (values mode)', () => {
  const cases: [number[], Parameters<typeof createAnimation>[1]][] = [
    [[3, 7, 7], { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 }],
    [[4, 6, 6], { outChannels: 4, kernelSize: 3, padding: 1, groups: 2, paddingMode: 'reflect' }],
    [[9, 5, 5], { outChannels: 2, kernelSize: 2 }], // 9 channels: six spelled out, the rest folded
    [[2, 5, 5], { outChannels: 1, kernelSize: 3, bias: false }],
  ];
  it.each(cases)(
    'printed terms add up to the printed result, which is the reference output: x=%j %j',
    (inputShape, layer) => {
      const info = createAnimation(inputShape, layer).info;
      const weightShape = [info.outChannels, info.inChannelsPerGroup, info.kernelHeight, info.kernelWidth];
      const x = tensor(
        randomFill(
          inputShape.reduce((a, b) => a * b, 1),
          11,
        ),
        inputShape,
      );
      const w = tensor(
        randomFill(
          weightShape.reduce((a, b) => a * b, 1),
          12,
        ),
        weightShape,
      );
      const b = info.hasBias ? tensor(randomFill(info.outChannels, 13), [info.outChannels]) : null;
      const animation = createAnimation(inputShape, layer, { mode: 'values', input: x, weight: w, bias: b });
      const options = convOptionsOf(layer);
      const y = conv2d(x, w, b, { ...options, backend: 'reference' });
      for (let step = 0; step < animation.steps; step++) {
        const lines = animation.frame(step).shapes.filter((s) => s.kind === 'text' && s.text.startsWith('y['));
        expect(lines).toHaveLength(Math.min(info.groups, 4));
        for (const line of lines) {
          if (line.kind !== 'text') continue;
          const [, o, oy, ox, rhs] = /^y\[(\d+), (\d+), (\d+)\] = (.*)$/.exec(line.text)!;
          const parts = rhs!.split(' = ');
          const total = parts.at(-1)!;
          const digits = total.split('.')[1]!.length;
          const terms = [...parts[0]!.matchAll(/\(([^()]*(?:\([^()]*\))?[^()]*)\)/g)].map((m) => m[1]!);
          expect(terms.length).toBe(Math.min(info.inChannelsPerGroup, 7) + (b ? 1 : 0));
          expect(line.text).not.toContain('-'); // typographic minus only
          expect(terms.reduce((sum, t) => sum + units(t, digits), 0)).toBe(units(total, digits));
          const expected = y.data[(Number(o) * info.outHeight + Number(oy)) * info.outWidth + Number(ox)]!;
          expect(Math.abs(units(total, digits) / 10 ** digits - expected)).toBeLessThanOrEqual(
            0.5 / 10 ** digits + 1e-6,
          );
        }
      }
    },
  );
});

describe('fonts', () => {
  it('every character of the words, in every language, has a glyph in DejaVu Sans or the shipped Noto Sans SC subset', () => {
    const { latin, cjk } = fontFiles();
    const fonts = [...latin, ...cjk].map((file) => opentype.parse(new Uint8Array(readFileSync(file)).buffer));
    const regular = [fonts[0]!, fonts[2]!],
      bold = [fonts[1]!, fonts[3]!];
    for (const lang of LANGS) {
      for (const ch of new Set(allText(lang))) {
        if (ch === '\n' || ch === ' ') continue;
        for (const set of [regular, bold])
          expect(
            set.some((f) => f.charToGlyphIndex(ch) > 0),
            `${lang}: ${ch} U+${ch.codePointAt(0)!.toString(16)}`,
          ).toBe(true);
      }
    }
  });

  it('the CJK subset is small and carries its licence', () => {
    const { cjk } = fontFiles();
    for (const file of cjk) expect(readFileSync(file).length).toBeLessThan(200_000);
    expect(readFileSync(new URL('../assets/fonts/OFL.txt', import.meta.url), 'utf8')).toContain(
      'SIL OPEN FONT LICENSE',
    );
  });
});
