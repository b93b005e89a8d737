import omggif from 'omggif';
import { describe, expect, it } from 'vitest';
import {
  BACKWARD_FIGURES,
  type Conv2dBackwardOptions,
  Conv2dError,
  type Frame,
  type Picture,
  type Shape,
  TRANSPOSED_FIGURES,
  conv2dBackward,
  createBackwardAnimation,
  createTransposedAnimation,
  tensor,
} from '../src/index.js';
import { seededRandom } from '../src/core/random.js';
import { INSERTED_ZERO, PADDING_ZERO, transposedAxis } from '../src/viz/transposed-axis.js';
import { decode, loadTransposedFixtures } from './helpers.js';
import { expectTextSnapshot, frameText } from './snapshot-text.js';

/**
 * The transposed-convolution and backward-pass pictures: the numbers they print against PyTorch
 * (the picture fixtures of scripts/fixtures/generate_transposed.py) and the engine, what they light
 * against the definitions worked out by brute force, their geometry, their refusals and their GIFs.
 */

const fixtures = loadTransposedFixtures();
const pictureCases = <T extends { name: string }>(cases: T[]) => cases.filter((c) => c.name.startsWith('picture: '));

function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(tolerance);
}

/** Every stamp of the scatter definition that lands on output (oy, ox), by brute force over every input cell and tap. */
function stampsByBruteForce(
  [H, W]: [number, number],
  [kH, kW]: [number, number],
  [sH, sW]: [number, number],
  [pH, pW]: [number, number],
  [dH, dW]: [number, number],
  oy: number,
  ox: number,
): string[] {
  const found: string[] = [];
  for (let iy = 0; iy < H; iy++)
    for (let ix = 0; ix < W; ix++)
      for (let ky = 0; ky < kH; ky++)
        for (let kx = 0; kx < kW; kx++)
          if (iy * sH - pH + ky * dH === oy && ix * sW - pW + kx * dW === ox) found.push(`${iy},${ix},${ky},${kx}`);
  return found.sort();
}

/** Every shape lies on the canvas (text by its anchor and an estimate of its width). */
function expectOnCanvas(frame: Frame): void {
  for (const shape of frame.shapes) {
    if (shape.kind === 'rect') {
      expect(shape.x).toBeGreaterThanOrEqual(0);
      expect(shape.y).toBeGreaterThanOrEqual(0);
      expect(shape.x + shape.w).toBeLessThanOrEqual(frame.width);
      expect(shape.y + shape.h).toBeLessThanOrEqual(frame.height);
    } else if (shape.kind === 'text') {
      expect(shape.y).toBeLessThanOrEqual(frame.height);
      expect(shape.x).toBeLessThanOrEqual(frame.width);
    }
  }
}

const pair = (v: unknown, plain: number): [number, number] =>
  v === undefined ? [plain, plain] : typeof v === 'number' ? [v, v] : [(v as number[])[0]!, (v as number[])[1]!];

describe('the transposed convolution picture', () => {
  for (const c of pictureCases(fixtures.transposed2d)) {
    it(`prints PyTorch's numbers: ${c.name}`, () => {
      const input = decode(c.input);
      const weight = decode(c.weight);
      const bias = c.bias ? decode(c.bias) : null;
      const animation = createTransposedAnimation(
        input.shape,
        {
          outChannels: 1,
          kernelSize: [weight.shape[2]!, weight.shape[3]!],
          stride: pair(c.options.stride, 1),
          padding: pair(c.options.padding, 0),
          outputPadding: pair(c.options.outputPadding, 0),
          dilation: pair(c.options.dilation, 1),
          bias: bias !== null,
        },
        { mode: 'values', input, weight, bias },
      );
      const expected = decode(c.output).data;
      expectNear(animation.values!.outputs, expected);
      // Each output cell is the sum of the stamps the picture lights there, plus the bias.
      const { outWidth: Wo, inWidth: W, kernelWidth: kW } = animation.info;
      for (let step = 0; step < animation.steps; step++) {
        const oy = Math.floor(step / Wo),
          ox = step % Wo;
        const sum = animation
          .stampsAt(oy, ox)
          .reduce(
            (s, t) => s + input.data[t.iy * W + t.ix]! * weight.data[t.ky * kW + t.kx]!,
            bias ? bias.data[0]! : 0,
          );
        expect(Math.abs(sum - expected[step]!)).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  it('lights the stamps of the scatter definition, and the direct view reads the same cells through the flipped kernel', () => {
    const random = seededRandom(16);
    const pick = (n: number) => 1 + Math.floor(random() * n);
    for (let trial = 0; trial < 60; trial++) {
      const size: [number, number] = [pick(4), pick(4)];
      const kernel: [number, number] = [pick(4), pick(3)];
      const stride: [number, number] = [pick(3), pick(3)];
      const dilation: [number, number] = [pick(2), pick(2)];
      const padding: [number, number] = [pick(3) - 1, pick(3) - 1];
      const outputPadding: [number, number] = [
        Math.floor(random() * Math.max(stride[0], dilation[0])),
        Math.floor(random() * Math.max(stride[1], dilation[1])),
      ];
      const layer = { outChannels: 1, kernelSize: kernel, stride, padding, outputPadding, dilation };
      let animation: ReturnType<typeof createTransposedAnimation>;
      try {
        animation = createTransposedAnimation([1, ...size], layer);
      } catch (error) {
        // An output of zero or fewer cells: PyTorch refuses it too.
        expect(error).toBeInstanceOf(Conv2dError);
        expect(String(error)).toMatch(/output|size/i);
        continue;
      }
      const { outHeight: Ho, outWidth: Wo } = animation.info;
      const rows = transposedAxis(size[0], kernel[0], stride[0], padding[0], dilation[0], outputPadding[0], Ho);
      const cols = transposedAxis(size[1], kernel[1], stride[1], padding[1], dilation[1], outputPadding[1], Wo);
      for (let step = 0; step < animation.steps; step++) {
        const oy = Math.floor(step / Wo),
          ox = step % Wo;
        const lit = animation.stampsAt(oy, ox).map((s) => `${s.iy},${s.ix},${s.ky},${s.kx}`);
        expect(lit.sort()).toEqual(stampsByBruteForce(size, kernel, stride, padding, dilation, oy, ox));
        // The direct view: window cell (oy + a·d, ox + b·d) under flipped tap (a, b) = tap (k − 1 − a, …).
        const direct: string[] = [];
        for (let a = 0; a < kernel[0]; a++)
          for (let b = 0; b < kernel[1]; b++) {
            const iy = rows.directSource(oy + a * dilation[0]);
            const ix = cols.directSource(ox + b * dilation[1]);
            if (iy >= 0 && ix >= 0) direct.push(`${iy},${ix},${kernel[0] - 1 - a},${kernel[1] - 1 - b}`);
            else expect([INSERTED_ZERO, PADDING_ZERO]).toContain(iy < 0 ? iy : ix);
          }
        expect(direct.sort()).toEqual(lit);
        const frame = animation.frame(step);
        expect(frame.highlighted.outputs).toEqual([{ channel: 0, oy, ox }]);
        expect(frame.highlighted.inputs.length).toBe(lit.length);
      }
      expectOnCanvas(animation.frame(animation.steps - 1));
    }
  });

  it('draws the zeros the stride inserts and the padding around them, as many as the formula says', () => {
    const animation = createTransposedAnimation([1, 3, 3], TRANSPOSED_FIGURES[0]!.layer);
    const rows = transposedAxis(3, 3, 2, 1, 1, 1, animation.info.outHeight);
    const kinds = Array.from({ length: rows.direct }, (_, r) => rows.directSource(r));
    // d·(k − 1) − p = 1 zero before, the cells with s − 1 = 1 zero between, 1 + output padding 1 = 2 after.
    expect(kinds).toEqual([PADDING_ZERO, 0, INSERTED_ZERO, 1, INSERTED_ZERO, 2, PADDING_ZERO, PADDING_ZERO]);
    expect(animation.info.outHeight).toBe(6);
    const texts = animation
      .frame(0)
      .shapes.filter((s): s is Extract<Shape, { kind: 'text' }> => s.kind === 'text')
      .map((s) => s.text);
    expect(texts).toContain(
      'The same as a convolution: zeros inserted, 1 between input cells, 1 before them, 2 after; the kernel flipped',
    );
    expect(texts).toContain(
      'H_out = (3 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 6    W_out = (3 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 6',
    );
    // The flipped kernel's letters run backwards: its first cell is the kernel's last tap.
    expect(texts.filter((t) => t === 'i').length).toBe(2);
  });

  it('refuses what it cannot draw, naming the argument', () => {
    const layer = { outChannels: 1, kernelSize: 3, stride: 2 };
    expect(() => createTransposedAnimation([2, 3, 3], layer)).toThrow(
      /one input and one output channel.*the input has 2/,
    );
    expect(() => createTransposedAnimation([1, 3, 3], { ...layer, outChannels: 2 })).toThrow(
      expect.objectContaining({ argument: 'outChannels' }),
    );
    expect(() => createTransposedAnimation([1, 3, 3], { ...layer, outputPadding: 2 })).toThrow(
      /output padding must be smaller than either stride or dilation/,
    );
    expect(() => createTransposedAnimation([1, 3, 3], layer).frame(49)).toThrow(/step must be an integer from 0 to 48/);
    expect(() => createTransposedAnimation([1, 3, 3], layer, { mode: 'numbers' as never })).toThrow(
      expect.objectContaining({ argument: 'mode' }),
    );
    expect(() => createTransposedAnimation([1, 3, 3], layer, { paddingMode: 'reflect' } as never)).toThrow(
      expect.objectContaining({ argument: 'vizOptions' }),
    );
    expect(() => createTransposedAnimation([1, 400, 400], layer)).toThrow(/the picture would have \d+ cells/);
  });
});

describe('the backward pass picture', () => {
  for (const c of pictureCases(fixtures.backward)) {
    it(`prints PyTorch's gradients: ${c.name}`, () => {
      const input = decode(c.input);
      const weight = decode(c.weight);
      const gradOutput = decode(c.gradOutput);
      const { bias, ...options } = c.options;
      const animation = createBackwardAnimation(
        input.shape,
        { outChannels: 1, kernelSize: [weight.shape[2]!, weight.shape[3]!], bias, ...options },
        { mode: 'values', input, weight, gradOutput },
      );
      const values = animation.values!;
      expectNear(values.gradInput, decode(c.gradInput).data);
      expectNear(values.gradWeight, decode(c.gradWeight).data);
      if (c.gradBias) expect(Math.abs(values.gradBias! - decode(c.gradBias).data[0]!)).toBeLessThanOrEqual(1e-5);
      else expect(values.gradBias).toBeNull();
    });
  }

  it('agrees with conv2dBackward and lights exactly the outputs whose windows read each input cell', () => {
    const random = seededRandom(17);
    const pick = (n: number) => 1 + Math.floor(random() * n);
    const modes = ['zeros', 'reflect', 'replicate', 'circular'] as const;
    for (let trial = 0; trial < 40; trial++) {
      const H = pick(6) + 1,
        W = pick(6) + 1;
      const stride: [number, number] = [pick(2), pick(2)];
      const dilation: [number, number] = [pick(2), 1];
      const options: Conv2dBackwardOptions = {
        stride,
        padding: [pick(2) - 1, pick(2) - 1],
        dilation,
        paddingMode: modes[trial % 4],
      };
      const kernelSize: [number, number] = [pick(3), pick(3)];
      const layer = { outChannels: 1, kernelSize, ...options };
      let animation: ReturnType<typeof createBackwardAnimation>;
      try {
        animation = createBackwardAnimation([1, H, W], layer, { mode: 'values' });
      } catch (error) {
        expect(error).toBeInstanceOf(Conv2dError);
        continue;
      }
      const values = animation.values!;
      const { outHeight: Ho, outWidth: Wo } = animation.info;
      const grads = conv2dBackward(
        tensor(values.gradOutput, [1, 1, Ho, Wo]),
        tensor(values.input, [1, 1, H, W]),
        tensor(values.weight, [1, 1, ...kernelSize]),
        options,
      );
      expectNear(values.gradInput, grads.gradInput.data);
      expectNear(values.gradWeight, grads.gradWeight.data);
      expect(Math.abs(values.gradBias! - grads.gradBias!.data[0]!)).toBeLessThanOrEqual(1e-5);
      // Part 1: the lit outputs are those with a tap whose padded cell holds this input cell (brute force).
      const { map } = animation;
      for (let i = 0; i < H * W; i++) {
        const iy = Math.floor(i / W),
          ix = i % W;
        const expected = new Set<string>();
        for (let o = 0; o < Ho * Wo; o++)
          for (let ky = 0; ky < kernelSize[0]; ky++)
            for (let kx = 0; kx < kernelSize[1]; kx++) {
              const py = Math.floor(o / Wo) * stride[0] + ky * dilation[0];
              const px = (o % Wo) * stride[1] + kx * dilation[1];
              if (map.rowSource[py] === iy && map.colSource[px] === ix) expected.add(`${o},${ky},${kx}`);
            }
        const { highlighted } = animation.frame(i);
        const lit = new Set(
          highlighted.outputs.map(
            (o, k) => `${o.oy * Wo + o.ox},${highlighted.weights[k]!.ky},${highlighted.weights[k]!.kx}`,
          ),
        );
        expect(lit).toEqual(expected);
      }
      // Part 2: one output cell a step, its patch lit.
      const last = animation.frame(animation.steps - 1);
      expect(last.highlighted.outputs).toEqual([{ channel: 0, oy: Ho - 1, ox: Wo - 1 }]);
      expect(last.highlighted.inputs.length).toBe(kernelSize[0] * kernelSize[1]);
      expectOnCanvas(last);
    }
  });

  it('prints each sum with terms that add up to the printed result, folding past six products', () => {
    const number = (text: string) => Number(text.replace(/[()]/g, '').replace(/−/g, '-'));
    /** The printed terms' sum: `a·b` products, `Σ n more (v)` folded terms, plain numbers. */
    const termsSum = (rhs: string) =>
      rhs.split(' + ').reduce((sum, term) => {
        const folded = /^Σ \d+ more \((.*)\)$/.exec(term);
        if (folded) return sum + number(folded[1]!);
        const [a, b] = term.split('·');
        return sum + (b === undefined ? number(a!) : number(a!) * number(b));
      }, 0);
    let folds = 0;
    for (const figure of BACKWARD_FIGURES) {
      const animation = createBackwardAnimation(figure.inputShape, figure.layer, { mode: 'values' });
      for (let step = 0; step < animation.inputSteps; step++) {
        const line = animation
          .frame(step)
          .shapes.find(
            (s): s is Extract<Shape, { kind: 'text' }> => s.kind === 'text' && s.text.startsWith('∂L/∂x['),
          )!.text;
        const parts = line.split(' = ');
        const total = number(parts.at(-1)!);
        if (parts.length === 3) expect(termsSum(parts[1]!)).toBeCloseTo(total, 6);
        expect(total).toBeCloseTo(animation.values!.gradInput[step]!, 2);
        if (line.includes(' more (')) folds++;
      }
      expect(
        animation
          .frame(animation.inputSteps)
          .shapes.some((s) => s.kind === 'text' && s.text.startsWith('∂L/∂w += ∂L/∂y[0, 0] × patch = ')),
      ).toBe(true);
    }
    // Reflect padding: an edge cell is read through its copies by more than seven windows.
    expect(folds).toBeGreaterThan(0);
  });

  it('refuses what it cannot draw, naming the argument', () => {
    expect(() => createBackwardAnimation([3, 5, 5], { outChannels: 1, kernelSize: 3 })).toThrow(
      expect.objectContaining({ argument: 'inputShape' }),
    );
    expect(() =>
      createBackwardAnimation(
        [1, 5, 5],
        { outChannels: 1, kernelSize: 3 },
        { gradOutput: tensor(new Float32Array(4), [1, 2, 2]) },
      ),
    ).toThrow(/gradOutput must be a tensor of shape \[1, 3, 3\]/);
    expect(() => createBackwardAnimation([1, 2, 2], { outChannels: 1, kernelSize: 3 })).toThrow(Conv2dError);
  });
});

describe('the pictures as GIFs, and their snapshots', () => {
  it('renders every step, with every hue in the palette', async () => {
    const { renderGif } = await import('../src/viz/node.js');
    for (const picture of [
      createTransposedAnimation(TRANSPOSED_FIGURES[0]!.inputShape, TRANSPOSED_FIGURES[0]!.layer),
      createBackwardAnimation(BACKWARD_FIGURES[0]!.inputShape, BACKWARD_FIGURES[0]!.layer),
    ]) {
      const chunks: Uint8Array[] = [];
      const frames = renderGif(picture, 300, (bytes) => chunks.push(bytes.slice()));
      expect(frames).toBe(picture.steps);
      const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        bytes.set(c, at);
        at += c.length;
      }
      const reader = new omggif.GifReader(bytes);
      expect(reader.numFrames()).toBe(picture.steps);
      expect([reader.width, reader.height]).toEqual([picture.width, picture.height]);
    }
  });

  const figures: [string, () => Picture][] = [
    ...TRANSPOSED_FIGURES.map(
      (f) =>
        [f.name, () => createTransposedAnimation(f.inputShape, f.layer, f.mode ? { mode: f.mode } : {})] as [
          string,
          () => Picture,
        ],
    ),
    ...BACKWARD_FIGURES.map(
      (f) =>
        [f.name, () => createBackwardAnimation(f.inputShape, f.layer, f.mode ? { mode: f.mode } : {})] as [
          string,
          () => Picture,
        ],
    ),
  ];
  for (const [name, make] of figures) {
    it(`${name}: first, middle and last step as text`, () => {
      const picture = make();
      const steps = [0, Math.floor(picture.steps / 2), picture.steps - 1];
      expectTextSnapshot(name, `${steps.map((step) => frameText(`step ${step}`, picture.frame(step))).join('\n\n')}\n`);
    });
  }
});
