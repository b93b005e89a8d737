import { convOptionsOf } from '../src/index.js';
import { randomFill } from '../src/core/random.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Canvas, loadImage } from '@napi-rs/canvas';
import omggif from 'omggif';
import pixelmatch from 'pixelmatch';
import { describe, expect, it } from 'vitest';
import { Conv2dError, conv2d, tensor } from '../src/index.js';
import { resolveLayer } from '../src/core/describe.js';
import { createAnimation } from '../src/viz/frame.js';
import { checkGifBudget, frameRgba, framePng, renderGif, sheetPng } from '../src/viz/node.js';
import { stepCount, traceCell, valueFromTrace } from '../src/viz/trace.js';
import type { CellTarget } from '../src/viz/links.js';
import { sourceIndex } from '../src/core/padding.js';

/** Layers for the visualizer tests: every argument, groups, and the padding modes. */
const LAYERS: [number[], Parameters<typeof createAnimation>[1]][] = [
  [[3, 7, 7], { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 }],
  [[2, 7, 7], { outChannels: 4, kernelSize: 3, padding: 2, stride: 2, groups: 2 }],
  [[3, 7, 9], { outChannels: 2, kernelSize: [5, 2] }],
  [[2, 5, 6], { outChannels: 3, kernelSize: 3, padding: 2, paddingMode: 'reflect' }],
  [[2, 4, 5], { outChannels: 2, kernelSize: [2, 3], padding: [1, 2], paddingMode: 'circular', bias: false }],
  [[2, 4, 6, 6], { outChannels: 4, kernelSize: 3, padding: 'same', groups: 2, paddingMode: 'replicate' }],
];

describe('the dependency trace', () => {
  it.each(LAYERS)('recomputes every output of the reference kernel: x=%j %j', (inputShape, layer) => {
    const info = resolveLayer(inputShape, layer);
    const input = tensor(
      randomFill(
        inputShape.reduce((a, b) => a * b, 1),
        3,
      ),
      inputShape,
    );
    const weight = tensor(
      randomFill(info.outChannels * info.inChannelsPerGroup * info.kernelHeight * info.kernelWidth, 4),
      [info.outChannels, info.inChannelsPerGroup, info.kernelHeight, info.kernelWidth],
    );
    const bias = layer.bias === false ? null : tensor(randomFill(info.outChannels, 5), [info.outChannels]);
    const options = convOptionsOf(layer);
    const expected = conv2d(input, weight, bias, { ...options, backend: 'reference' });
    for (let n = 0; n < info.batch; n++) {
      for (let o = 0; o < info.outChannels; o++)
        for (let oy = 0; oy < info.outHeight; oy++)
          for (let ox = 0; ox < info.outWidth; ox++) {
            const fromTrace = valueFromTrace(
              info,
              traceCell(info, o, oy, ox),
              input.data,
              weight.data,
              bias?.data ?? null,
              n,
            );
            const at = ((n * info.outChannels + o) * info.outHeight + oy) * info.outWidth + ox;
            expect(Math.abs(fromTrace - expected.data[at]!)).toBeLessThan(1e-5);
          }
    }
  });

  it('marks padding taps and where their value comes from', () => {
    const info = resolveLayer([1, 3, 3], { outChannels: 1, kernelSize: 3, padding: 1, paddingMode: 'reflect' });
    const corner = traceCell(info, 0, 0, 0).taps[0]!; // padded (0, 0) = input (−1, −1) → reflected to (1, 1)
    expect(corner).toMatchObject({ py: 0, px: 0, inPadding: true, source: { y: 1, x: 1 } });
    const zeros = resolveLayer([1, 3, 3], { outChannels: 1, kernelSize: 3, padding: 1 });
    expect(traceCell(zeros, 0, 0, 0).taps[0]).toMatchObject({ inPadding: true, source: null });
  });
});

describe('the frame model', () => {
  it.each(LAYERS)('steps, highlights and bounds: x=%j %j', (inputShape, layer) => {
    const animation = createAnimation(inputShape, layer, { mode: 'values' });
    const info = animation.info;
    expect(animation.steps).toBe(stepCount(info));
    expect(animation.steps).toBe(info.outChannelsPerGroup * info.outHeight * info.outWidth);
    for (let step = 0; step < animation.steps; step++) {
      const frame = animation.frame(step);
      // Groups advance in parallel: one highlighted output per group, each the trace's.
      expect(frame.highlighted.outputs).toHaveLength(info.groups);
      const expectedInputs = frame.highlighted.outputs.flatMap((o) =>
        traceCell(info, o.channel, o.oy, o.ox).taps.map((t) => ({ channel: t.inputChannel, py: t.py, px: t.px })),
      );
      expect(frame.highlighted.inputs).toEqual(expectedInputs);
      expect(frame.highlighted.weights).toHaveLength(
        info.groups * info.inChannelsPerGroup * info.kernelHeight * info.kernelWidth,
      );
      // Step order: channel within the group, then rows, then columns.
      const first = frame.highlighted.outputs[0]!;
      expect((first.channel * info.outHeight + first.oy) * info.outWidth + first.ox).toBe(step);
      for (const shape of frame.shapes) {
        const [x0, y0, x1, y1] =
          shape.kind === 'rect'
            ? [shape.x, shape.y, shape.x + shape.w, shape.y + shape.h]
            : shape.kind === 'line'
              ? [
                  Math.min(shape.x1, shape.x2),
                  Math.min(shape.y1, shape.y2),
                  Math.max(shape.x1, shape.x2),
                  Math.max(shape.y1, shape.y2),
                ]
              : shape.kind === 'polygon'
                ? [
                    Math.min(...shape.points.filter((_, i) => i % 2 === 0)),
                    Math.min(...shape.points.filter((_, i) => i % 2 === 1)),
                    Math.max(...shape.points.filter((_, i) => i % 2 === 0)),
                    Math.max(...shape.points.filter((_, i) => i % 2 === 1)),
                  ]
                : [shape.x, shape.y - shape.size, shape.x, shape.y];
        expect(x0).toBeGreaterThanOrEqual(0);
        expect(y0).toBeGreaterThanOrEqual(0);
        expect(x1).toBeLessThanOrEqual(frame.width);
        expect(y1).toBeLessThanOrEqual(frame.height);
      }
    }
    // Values mode: outputs stay filled — step s shows s + 1 output values per group.
    const last = animation.frame(animation.steps - 1);
    // (The current cells are drawn twice: again over the connectors that converge on them.)
    const outputTexts = new Set(
      last.shapes.filter((s) => s.kind === 'text' && /^−?\d+\.\d\d$/.test(s.text)).map((s) => JSON.stringify(s)),
    );
    expect(outputTexts.size).toBe(info.outChannels * info.outHeight * info.outWidth);
  });

  it("captions in the article's form", () => {
    expect(createAnimation([3, 7, 7], LAYERS[0]![1]).caption).toBe(
      'Input shape: (3, 7, 7) — Output shape: (2, 3, 3) — K: (3, 3) — P: (1, 1) — S: (2, 2) — D: (2, 2) — G: 1',
    );
  });

  it('refuses bad layers and options with the library error', () => {
    expect(() => createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3, groups: 2 })).toThrow(Conv2dError);
    expect(() => createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3 }, { mode: 'fancy' as never })).toThrow(
      /mode must be/,
    );
    expect(() => createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3 }, { cellSize: 2 })).toThrow(/cellSize/);
    expect(() => createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3 }, { batch: 1 })).toThrow(/batch/);
    expect(() => createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3 }).frame(99)).toThrow(/step must be/);
    expect(() => createAnimation([64, 224, 224], { outChannels: 64, kernelSize: 3 })).toThrow(/at most/);
    // Few cells, but a canvas wider than a GIF can be (65,535 px): refused when the animation is made.
    expect(() => createAnimation([1, 3, 3000], { outChannels: 1, kernelSize: 3 })).toThrow(
      /the picture would be \d+ × \d+ px; the largest is 65535 px a side/,
    );
    expect(() => createAnimation([1, 3, 3000], { outChannels: 1, kernelSize: 3 }, { cellSize: 8 })).not.toThrow();
  });
});

function gifOf(
  animation: ReturnType<typeof createAnimation>,
  options: Parameters<typeof renderGif>[1] = {},
): Uint8Array {
  const chunks: Uint8Array[] = [];
  renderGif(animation, options, (chunk) => chunks.push(chunk));
  return new Uint8Array(Buffer.concat(chunks));
}

describe('GIF', () => {
  const title = () => createAnimation([3, 7, 7], LAYERS[0]![1]);

  it('same arguments, byte-identical GIF', () => {
    expect(Buffer.from(gifOf(title())).equals(Buffer.from(gifOf(title())))).toBe(true);
  });

  it("the article's pace by default: 30 cs a frame, the last held 150 cs", () => {
    const reader = new omggif.GifReader(gifOf(title()));
    expect(reader.frameInfo(1).delay).toBe(30);
    expect(reader.frameInfo(reader.numFrames() - 1).delay).toBe(150);
    const slow = new omggif.GifReader(gifOf(title(), { frameMs: 2000 }));
    expect(slow.frameInfo(slow.numFrames() - 1).delay).toBe(200); // never shorter than the others
  });

  it('decodes to one looping frame per step, each matching the rendered frame', () => {
    for (const animation of [title(), createAnimation([2, 7, 7], LAYERS[1]![1], { mode: 'values', theme: 'dark' })]) {
      const bytes = gifOf(animation, { frameMs: 200 });
      const reader = new omggif.GifReader(bytes);
      const { width, height } = animation.frame(0);
      expect([reader.width, reader.height]).toEqual([width, height]);
      expect(reader.numFrames()).toBe(animation.steps);
      expect(reader.loopCount()).toBe(0); // 0: loop forever
      expect(reader.frameInfo(1).delay).toBe(20); // hundredths of a second
      // Blit the frames in order (each keeps the last: disposal 1; unchanged pixels are transparent)
      // and compare with the renderer's pixels.
      const pixels = new Uint8Array(width * height * 4);
      for (let i = 0; i < reader.numFrames(); i++) {
        reader.decodeAndBlitFrameRGBA(i, pixels);
        if (i % 6 !== 5) continue;
        const expected = frameRgba(animation.frame(i));
        let off = 0;
        for (let p = 0; p < pixels.length; p += 4) {
          const d = Math.max(
            Math.abs(pixels[p]! - expected[p]!),
            Math.abs(pixels[p + 1]! - expected[p + 1]!),
            Math.abs(pixels[p + 2]! - expected[p + 2]!),
          );
          if (d > 24) off++; // the palette has 64 colours: antialiased text edges may round
        }
        expect(off / (width * height), `frame ${i}`).toBeLessThan(0.002);
      }
    }
  });

  it("the values GIF of the article's largest figure (3, 7, 7) → 4 stays under 2 MB", () => {
    const bytes = gifOf(createAnimation([3, 7, 7], { outChannels: 4, kernelSize: 3 }, { mode: 'values' }));
    expect(new omggif.GifReader(bytes).numFrames()).toBe(100);
    expect(bytes.length).toBeLessThan(2_000_000);
  });

  it('a layer without bias draws differently: no +b cells', () => {
    const withBias = gifOf(createAnimation([3, 7, 7], LAYERS[0]![1]));
    const without = gifOf(createAnimation([3, 7, 7], { ...LAYERS[0]![1], bias: false }));
    expect(Buffer.from(withBias).equals(Buffer.from(without))).toBe(false);
    const texts = (a: ReturnType<typeof createAnimation>) =>
      a.frame(0).shapes.filter((s) => s.kind === 'text' && s.text === '+b').length;
    expect(texts(createAnimation([3, 7, 7], LAYERS[0]![1]))).toBe(2); // one per output channel
    expect(texts(createAnimation([3, 7, 7], { ...LAYERS[0]![1], bias: false }))).toBe(0);
  });

  it('refuses, before drawing, a GIF past the work budget, saying how much it would be', () => {
    // (1, 150, 150) → 8 channels: 8·148·148 = 175,232 frames.
    const big = createAnimation([1, 150, 150], { outChannels: 8, kernelSize: 3 }, { cellSize: 8 });
    const chunks: Uint8Array[] = [];
    expect(() => renderGif(big, {}, (c) => chunks.push(c))).toThrow(
      /175,232 frames of \d+ × \d+ px .*--max-frames 175232/,
    );
    expect(chunks).toEqual([]);
    expect(() => checkGifBudget(10, 100, 100)).not.toThrow();
    expect(() => checkGifBudget(10, 100, 100, 5)).toThrow(/at most 5 frames were allowed/);
    expect(() => checkGifBudget(100_000, 100, 100, 100_000)).not.toThrow();
  });
});

/** Committed pictures of a few frames; regenerate with UPDATE_SNAPSHOTS=1 after a deliberate change. */
describe('pixel snapshots', () => {
  const cases: [string, () => Uint8Array][] = [
    ['title-structure-light-step5', () => framePng(createAnimation([3, 7, 7], LAYERS[0]![1]), 5)],
    [
      'title-values-dark-step4',
      () => framePng(createAnimation([3, 7, 7], LAYERS[0]![1], { mode: 'values', theme: 'dark' }), 4),
    ],
    ['groups-structure-step7', () => framePng(createAnimation([2, 7, 7], LAYERS[1]![1]), 7)],
    ['reflect-values-step3', () => framePng(createAnimation([2, 5, 6], LAYERS[3]![1], { mode: 'values' }), 3)],
    ['title-sheet', () => sheetPng(createAnimation([3, 7, 7], LAYERS[0]![1], { cellSize: 10 }))],
    ['title-zh-step4', () => framePng(createAnimation([3, 7, 7], LAYERS[0]![1], { lang: 'zh' }), 4)],
    [
      'depthwise-circular-values-dark-step9',
      () =>
        framePng(
          createAnimation(
            [3, 5, 5],
            { outChannels: 3, kernelSize: 3, padding: 1, groups: 3, paddingMode: 'circular' },
            { mode: 'values', theme: 'dark' },
          ),
          9,
        ),
    ],
  ];
  const decode = async (png: Uint8Array) => {
    const image = await loadImage(Buffer.from(png));
    expect(image.width).toBeGreaterThan(0);
    const canvas = new Canvas(image.width, image.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(image, 0, 0);
    return { width: image.width, height: image.height, data: ctx.getImageData(0, 0, image.width, image.height).data };
  };
  for (const [name, render] of cases) {
    it(name, async () => {
      const path = new URL(`./snapshots/${name}.png`, import.meta.url);
      const png = render();
      if (process.env.UPDATE_SNAPSHOTS || !existsSync(path)) {
        if (!process.env.UPDATE_SNAPSHOTS)
          throw new Error(`missing snapshot ${name}.png: run with UPDATE_SNAPSHOTS=1 once, look at it, commit it`);
        writeFileSync(path, png);
      }
      const actual = await decode(png),
        expected = await decode(new Uint8Array(readFileSync(path)));
      expect(actual.width * actual.height).toBeGreaterThan(10_000);
      expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
      const different = pixelmatch(actual.data, expected.data, undefined, actual.width, actual.height, {
        threshold: 0.01,
      });
      expect(different / (actual.width * actual.height)).toBeLessThan(0.001);
    });
  }
});

/**
 * The oracle for hover linking: today's brute force, kept as the definition — every output cell is
 * traced (traceCell) and its taps compared with the target. An input cell is linked to every output
 * reading a padded cell that holds its value (the cell itself, or a copy made by the padding mode).
 */
function linkedBruteForce(animation: ReturnType<typeof createAnimation>, target: CellTarget) {
  const { info } = animation;
  const result = { inputs: new Set<string>(), weights: new Set<string>(), outputs: new Set<string>() };
  const key = (o: object) => JSON.stringify(o);
  const Hp = info.paddedHeight,
    Wp = info.paddedWidth;
  const sourceOf = (channel: number, py: number, px: number) => {
    const y = traceSource(info, py, 'y'),
      x = traceSource(info, px, 'x');
    return y < 0 || x < 0 ? `zero:${channel},${py},${px}` : `${channel},${y},${x}`;
  };
  for (let o = 0; o < info.outChannels; o++)
    for (let oy = 0; oy < info.outHeight; oy++)
      for (let ox = 0; ox < info.outWidth; ox++) {
        for (const tap of traceCell(info, o, oy, ox).taps) {
          const hit =
            target.kind === 'output'
              ? target.channel === o && target.oy === oy && target.ox === ox
              : target.kind === 'input'
                ? tap.inputChannel === target.channel &&
                  sourceOf(tap.inputChannel, tap.py, tap.px) === sourceOf(target.channel, target.py, target.px)
                : target.outputChannel === o &&
                  tap.groupChannel === target.groupChannel &&
                  tap.ky === target.ky &&
                  tap.kx === target.kx;
          if (!hit) continue;
          result.outputs.add(key({ channel: o, oy, ox }));
          result.weights.add(key({ outputChannel: o, groupChannel: tap.groupChannel, ky: tap.ky, kx: tap.kx }));
          result.inputs.add(key({ channel: tap.inputChannel, py: tap.py, px: tap.px }));
        }
      }
  if (target.kind === 'input') {
    // The hovered cell and every padded cell holding its value, whether or not an output reads them.
    result.inputs.clear();
    for (let py = 0; py < Hp; py++)
      for (let px = 0; px < Wp; px++) {
        if (sourceOf(target.channel, py, px) === sourceOf(target.channel, target.py, target.px))
          result.inputs.add(key({ channel: target.channel, py, px }));
      }
  }
  if (target.kind === 'weight')
    result.weights = new Set([
      key({ outputChannel: target.outputChannel, groupChannel: target.groupChannel, ky: target.ky, kx: target.kx }),
    ]);
  return result;
}

/** The input row (axis 'y') or column ('x') padded index p holds, or −1: the reference kernel's index map. */
function traceSource(info: ReturnType<typeof resolveLayer>, p: number, axis: 'y' | 'x'): number {
  return axis === 'y'
    ? sourceIndex(p - info.padTop, info.inHeight, info.paddingMode)
    : sourceIndex(p - info.padLeft, info.inWidth, info.paddingMode);
}

describe('hover linking', () => {
  it.each(LAYERS)(
    'the dependency map agrees with the brute-force oracle on every cell: x=%j %j',
    (inputShape, layer) => {
      const animation = createAnimation(inputShape, layer);
      const { info } = animation;
      const Hp = info.paddedHeight,
        Wp = info.paddedWidth;
      const targets: CellTarget[] = [];
      for (let c = 0; c < info.inChannels; c++)
        for (let py = 0; py < Hp; py++)
          for (let px = 0; px < Wp; px++) targets.push({ kind: 'input', channel: c, py, px });
      for (let o = 0; o < info.outChannels; o++)
        for (let oy = 0; oy < info.outHeight; oy++)
          for (let ox = 0; ox < info.outWidth; ox++) targets.push({ kind: 'output', channel: o, oy, ox });
      for (let o = 0; o < info.outChannels; o++)
        for (let c = 0; c < info.inChannelsPerGroup; c++)
          for (let ky = 0; ky < info.kernelHeight; ky++)
            for (let kx = 0; kx < info.kernelWidth; kx++) {
              targets.push({ kind: 'weight', outputChannel: o, groupChannel: c, ky, kx });
            }
      const asSet = (cells: object[]) => new Set(cells.map((c) => JSON.stringify(c)));
      for (const target of targets) {
        const fromMap = animation.linked(target);
        const oracle = linkedBruteForce(animation, target);
        expect(asSet(fromMap.outputs), JSON.stringify(target)).toEqual(oracle.outputs);
        expect(asSet(fromMap.inputs), JSON.stringify(target)).toEqual(oracle.inputs);
        expect(asSet(fromMap.weights), JSON.stringify(target)).toEqual(oracle.weights);
      }
    },
  );

  it('a copied padding cell links like the input cell it copies', () => {
    const animation = createAnimation([1, 4, 4], {
      outChannels: 1,
      kernelSize: 3,
      padding: 1,
      paddingMode: 'circular',
    });
    // Padded (0, 0) holds input (3, 3) (circular wrap), as do (4, 4) itself and its other copies.
    const corner = animation.linked({ kind: 'input', channel: 0, py: 0, px: 0 });
    const inner = animation.linked({ kind: 'input', channel: 0, py: 4, px: 4 });
    expect(new Set(corner.outputs.map((o) => JSON.stringify(o)))).toEqual(
      new Set(inner.outputs.map((o) => JSON.stringify(o))),
    );
    expect(corner.inputs).toHaveLength(4); // (0,0), (0,4), (4,0), (4,4)
  });

  it('hit-tests the cells it draws', () => {
    for (const [inputShape, layer] of LAYERS) {
      const animation = createAnimation(inputShape, layer);
      const { info } = animation;
      for (const target of [
        { kind: 'output', channel: info.outChannels - 1, oy: info.outHeight - 1, ox: 0 },
        { kind: 'input', channel: info.inChannels - 1, py: 1, px: 2 },
        {
          kind: 'weight',
          outputChannel: info.outChannels - 1,
          groupChannel: info.inChannelsPerGroup - 1,
          ky: info.kernelHeight - 1,
          kx: 0,
        },
      ] as const) {
        const r = animation.cellRect(target);
        expect(animation.hitTest(r.x + r.w / 2, r.y + r.h / 2)).toEqual(target);
      }
      expect(animation.hitTest(1, 1)).toBeNull();
    }
  });
});
