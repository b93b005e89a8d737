import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Canvas, loadImage } from '@napi-rs/canvas';
import omggif from 'omggif';
import pixelmatch from 'pixelmatch';
import { describe, expect, it } from 'vitest';
import { Conv2dError, conv2d, tensor } from '../src/index.js';
import { resolveLayer } from '../src/core/describe.js';
import { createAnimation } from '../src/viz/frame.js';
import { frameRgba, framePng, renderGif, sheetPng } from '../src/viz/node.js';
import { stepCount, traceCell, valueFromTrace } from '../src/viz/trace.js';
import { randomData } from './helpers.js';

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
    const input = tensor(randomData(inputShape.reduce((a, b) => a * b, 1), 3), inputShape);
    const weight = tensor(randomData(info.outChannels * info.inChannelsPerGroup * info.kernelHeight * info.kernelWidth, 4),
      [info.outChannels, info.inChannelsPerGroup, info.kernelHeight, info.kernelWidth]);
    const bias = layer.bias === false ? null : tensor(randomData(info.outChannels, 5), [info.outChannels]);
    const { outChannels: _o, kernelSize: _k, bias: _b, ...options } = layer;
    const expected = conv2d(input, weight, bias, { ...options, backend: 'reference' });
    for (let n = 0; n < info.batch; n++) {
      for (let o = 0; o < info.outChannels; o++) for (let oy = 0; oy < info.outHeight; oy++) for (let ox = 0; ox < info.outWidth; ox++) {
        const fromTrace = valueFromTrace(info, traceCell(info, o, oy, ox), input.data, weight.data, bias?.data ?? null, n);
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
      const expectedInputs = frame.highlighted.outputs.flatMap((o) => traceCell(info, o.channel, o.oy, o.ox).taps
        .map((t) => ({ channel: t.inputChannel, py: t.py, px: t.px })));
      expect(frame.highlighted.inputs).toEqual(expectedInputs);
      expect(frame.highlighted.weights).toHaveLength(info.groups * info.inChannelsPerGroup * info.kernelHeight * info.kernelWidth);
      // Step order: channel within the group, then rows, then columns.
      const first = frame.highlighted.outputs[0]!;
      expect((first.channel * info.outHeight + first.oy) * info.outWidth + first.ox).toBe(step);
      for (const shape of frame.shapes) {
        const [x0, y0, x1, y1] = shape.kind === 'rect' ? [shape.x, shape.y, shape.x + shape.w, shape.y + shape.h]
          : shape.kind === 'line' ? [Math.min(shape.x1, shape.x2), Math.min(shape.y1, shape.y2), Math.max(shape.x1, shape.x2), Math.max(shape.y1, shape.y2)]
            : [shape.x, shape.y - shape.size, shape.x, shape.y];
        expect(x0).toBeGreaterThanOrEqual(0);
        expect(y0).toBeGreaterThanOrEqual(0);
        expect(x1).toBeLessThanOrEqual(frame.width);
        expect(y1).toBeLessThanOrEqual(frame.height);
      }
    }
    // Values mode: outputs stay filled — step s shows s + 1 output values per group.
    const last = animation.frame(animation.steps - 1);
    const outputTexts = last.shapes.filter((s) => s.kind === 'text' && /^-?\d+\.\d\d$/.test(s.text));
    expect(outputTexts).toHaveLength(info.outChannels * info.outHeight * info.outWidth);
  });

  it("captions in the article's form", () => {
    expect(createAnimation([3, 7, 7], LAYERS[0]![1]).caption)
      .toBe('Input shape: (3, 7, 7) — Output shape: (2, 3, 3) — K: (3, 3) — P: (1, 1) — S: (2, 2) — D: (2, 2) — G: 1');
  });

  it('refuses bad layers and options with the library error', () => {
    expect(() => createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3, groups: 2 })).toThrow(Conv2dError);
    expect(() => createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3 }, { mode: 'fancy' as never })).toThrow(/mode must be/);
    expect(() => createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3 }, { cellSize: 2 })).toThrow(/cellSize/);
    expect(() => createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3 }, { batch: 1 })).toThrow(/batch/);
    expect(() => createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3 }).frame(99)).toThrow(/step must be/);
    expect(() => createAnimation([64, 224, 224], { outChannels: 64, kernelSize: 3 })).toThrow(/at most/);
  });
});

function gifOf(animation: ReturnType<typeof createAnimation>, frameMs = 200): Uint8Array {
  const chunks: Uint8Array[] = [];
  renderGif(animation, frameMs, (chunk) => chunks.push(chunk));
  return new Uint8Array(Buffer.concat(chunks));
}

describe('GIF', () => {
  const title = () => createAnimation([3, 7, 7], LAYERS[0]![1]);

  it('same arguments, byte-identical GIF', () => {
    expect(Buffer.from(gifOf(title())).equals(Buffer.from(gifOf(title())))).toBe(true);
  });

  it('decodes to one looping frame per step, each matching the rendered frame', () => {
    const animation = title();
    const bytes = gifOf(animation, 300);
    const reader = new omggif.GifReader(bytes);
    const { width, height } = animation.frame(0);
    expect([reader.width, reader.height]).toEqual([width, height]);
    expect(reader.numFrames()).toBe(animation.steps);
    expect(reader.loopCount()).toBe(0); // 0: loop forever
    expect(reader.frameInfo(1).delay).toBe(30); // hundredths of a second
    // Blit the frames in order (each keeps the last: disposal 1) and compare with the renderer's pixels.
    const pixels = new Uint8Array(width * height * 4);
    for (let i = 0; i < reader.numFrames(); i++) {
      reader.decodeAndBlitFrameRGBA(i, pixels);
      if (i % 6 !== 5) continue;
      const expected = frameRgba(animation.frame(i));
      let off = 0;
      for (let p = 0; p < pixels.length; p += 4) {
        const d = Math.max(Math.abs(pixels[p]! - expected[p]!), Math.abs(pixels[p + 1]! - expected[p + 1]!), Math.abs(pixels[p + 2]! - expected[p + 2]!));
        if (d > 24) off++; // the palette has 256 colours: antialiased text edges may round
      }
      expect(off / (width * height), `frame ${i}`).toBeLessThan(0.002);
    }
  });
});

/** Committed pictures of a few frames; regenerate with UPDATE_SNAPSHOTS=1 after a deliberate change. */
describe('pixel snapshots', () => {
  const cases: [string, () => Uint8Array][] = [
    ['title-structure-light-step5', () => framePng(createAnimation([3, 7, 7], LAYERS[0]![1]), 5)],
    ['title-values-dark-step4', () => framePng(createAnimation([3, 7, 7], LAYERS[0]![1], { mode: 'values', theme: 'dark' }), 4)],
    ['groups-structure-step7', () => framePng(createAnimation([2, 7, 7], LAYERS[1]![1]), 7)],
    ['reflect-values-step3', () => framePng(createAnimation([2, 5, 6], LAYERS[3]![1], { mode: 'values' }), 3)],
    ['title-sheet', () => sheetPng(createAnimation([3, 7, 7], LAYERS[0]![1], { cellSize: 10 }))],
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
        if (!process.env.UPDATE_SNAPSHOTS) throw new Error(`missing snapshot ${name}.png: run with UPDATE_SNAPSHOTS=1 once, look at it, commit it`);
        writeFileSync(path, png);
      }
      const actual = await decode(png), expected = await decode(new Uint8Array(readFileSync(path)));
      expect(actual.width * actual.height).toBeGreaterThan(10_000);
      expect([actual.width, actual.height]).toEqual([expected.width, expected.height]);
      const different = pixelmatch(actual.data, expected.data, undefined, actual.width, actual.height, { threshold: 0.1 });
      expect(different / (actual.width * actual.height)).toBeLessThan(0.001);
    });
  }
});

describe('hover linking', () => {
  it.each(LAYERS)('input → outputs is the inverse of output → inputs, and weights agree: x=%j %j', (inputShape, layer) => {
    const animation = createAnimation(inputShape, layer);
    const { info } = animation;
    const key = (o: object) => JSON.stringify(o);
    // Every (output, input) pair seen from the output side must be seen from the input side, and back.
    const fromOutputs = new Set<string>();
    for (let o = 0; o < info.outChannels; o++) for (let oy = 0; oy < info.outHeight; oy++) for (let ox = 0; ox < info.outWidth; ox++) {
      for (const input of animation.linked({ kind: 'output', channel: o, oy, ox }).inputs) fromOutputs.add(key({ o, oy, ox, ...input }));
    }
    const fromInputs = new Set<string>();
    const Hp = info.inHeight + info.padTop + info.padBottom, Wp = info.inWidth + info.padLeft + info.padRight;
    for (let c = 0; c < info.inChannels; c++) for (let py = 0; py < Hp; py++) for (let px = 0; px < Wp; px++) {
      const l = animation.linked({ kind: 'input', channel: c, py, px });
      for (const out of l.outputs) fromInputs.add(key({ o: out.channel, oy: out.oy, ox: out.ox, channel: c, py, px }));
    }
    expect([...fromInputs].sort()).toEqual([...fromOutputs].sort());
    // A weight touches one input cell per output cell of its channel.
    const weight = animation.linked({ kind: 'weight', outputChannel: info.outChannels - 1, groupChannel: 0, ky: 0, kx: 0 });
    expect(weight.inputs).toHaveLength(info.outHeight * info.outWidth);
  });

  it('hit-tests the cells it draws', () => {
    const animation = createAnimation([3, 7, 7], LAYERS[0]![1]);
    for (const target of [{ kind: 'output', channel: 1, oy: 2, ox: 1 }, { kind: 'input', channel: 2, py: 3, px: 8 },
      { kind: 'weight', outputChannel: 1, groupChannel: 2, ky: 1, kx: 0 }] as const) {
      const r = animation.cellRect(target);
      expect(animation.hitTest(r.x + r.w / 2, r.y + r.h / 2)).toEqual(target);
    }
    expect(animation.hitTest(1, 1)).toBeNull();
  });
});
