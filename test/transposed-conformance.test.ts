import { describe, expect, it } from 'vitest';
import {
  Conv1d,
  Conv2dError,
  ConvTranspose1d,
  ConvTranspose2d,
  type Tensor,
  causalConv1d,
  conv1d,
  conv1dAsync,
  conv2d,
  conv2dAsync,
  conv2dBackward,
  conv2dBackwardAsync,
  convTranspose1d,
  convTranspose2d,
  convTranspose2dAsync,
  describeConvTranspose2d,
  tensor,
} from '../src/index.js';
import { seededRandom } from '../src/core/random.js';
import { resolveConvTranspose2dCall } from '../src/core/transposed.js';
import { useColumns } from '../src/engine/transposed-columns.js';
import { BUILT, decode, expectClose, loadTransposedFixtures } from './helpers.js';

/**
 * Conformance of the transposed convolutions, conv2d's backward pass and the 1-D convolutions with
 * PyTorch (scripts/fixtures/generate_transposed.py): every case on the reference loops, the
 * WebAssembly kernels and (after the build) the worker threads; every refusal named.
 */

const fixtures = loadTransposedFixtures();
const { absolute, relative } = fixtures.tolerance;
const BACKENDS = ['reference', 'wasm', 'auto'] as const;
const zeros = (shape: number[]) => tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);

describe(`the new operations match PyTorch ${fixtures.torch}`, () => {
  it('has at least 150 configurations, and refusals', () => {
    const count = ['transposed2d', 'backward', 'conv1d', 'transposed1d', 'causal1d'] as const;
    expect(count.reduce((sum, key) => sum + fixtures[key].length, 0)).toBeGreaterThanOrEqual(150);
    expect(fixtures.refused.length).toBeGreaterThanOrEqual(30);
  });

  describe('convTranspose2d and ConvTranspose2d', () => {
    for (const c of fixtures.transposed2d) {
      it(c.name, async () => {
        const [x, w, b, expected] = [decode(c.input), decode(c.weight), c.bias && decode(c.bias), decode(c.output)];
        const [inChannels, outPerGroup, kH, kW] = c.weight.shape as [number, number, number, number];
        const groups = c.options.groups as number;
        const layer = new ConvTranspose2d(inChannels, outPerGroup * groups, [kH, kW], {
          ...c.options,
          bias: b !== null,
          seed: 1,
        });
        expect(layer.parameterCount).toBe(c.parameterCount);
        layer.weight = w;
        if (b) layer.bias = b;
        const outputSize = c.outputSize ?? undefined;
        for (const backend of BACKENDS) {
          expectClose(layer.forward(x, { outputSize, backend }), expected, absolute, relative);
          if (!outputSize)
            expectClose(convTranspose2d(x, w, b, { ...c.options, backend }), expected, absolute, relative);
        }
        if (BUILT) expectClose(await layer.forwardAsync(x, { outputSize, threads: 2 }), expected, absolute, relative);
        if (!outputSize) {
          const description = describeConvTranspose2d(c.input.shape, {
            outChannels: outPerGroup * groups,
            kernelSize: [kH, kW],
            bias: b !== null,
            ...c.options,
          });
          expect(description.outputShape).toEqual(c.output.shape);
          expect(description.parameterCount).toBe(c.parameterCount);
        }
      });
    }
  });

  describe('conv2dBackward equals torch.autograd', () => {
    for (const c of fixtures.backward) {
      it(c.name, async () => {
        const [x, w, dy] = [decode(c.input), decode(c.weight), decode(c.gradOutput)];
        const check = (g: Awaited<ReturnType<typeof conv2dBackward>>) => {
          expectClose(g.gradInput, decode(c.gradInput), absolute, relative);
          expectClose(g.gradWeight, decode(c.gradWeight), absolute, relative);
          if (c.gradBias) expectClose(g.gradBias!, decode(c.gradBias), absolute, relative);
          else expect(g.gradBias).toBeNull();
        };
        for (const backend of BACKENDS) check(conv2dBackward(dy, x, w, { ...c.options, backend }));
        if (BUILT) check(await conv2dBackwardAsync(dy, x, w, { ...c.options, threads: 2 }));
      });
    }
  });

  describe('conv1d and Conv1d', () => {
    for (const c of fixtures.conv1d) {
      it(c.name, async () => {
        const [x, w, b, expected] = [decode(c.input), decode(c.weight), c.bias && decode(c.bias), decode(c.output)];
        const [outChannels, , k] = c.weight.shape as [number, number, number];
        const layer = new Conv1d(x.shape.at(-2)!, outChannels, k, { ...c.options, bias: b !== null, seed: 1 });
        expect(layer.parameterCount).toBe(c.parameterCount);
        layer.weight = w;
        if (b) layer.bias = b;
        for (const backend of BACKENDS) {
          expectClose(conv1d(x, w, b, { ...c.options, backend }), expected, absolute, relative);
          expectClose(layer.forward(x), expected, absolute, relative);
        }
        if (BUILT) expectClose(await conv1dAsync(x, w, b, { ...c.options, threads: 2 }), expected, absolute, relative);
      });
    }
  });

  describe('convTranspose1d and ConvTranspose1d', () => {
    for (const c of fixtures.transposed1d) {
      it(c.name, () => {
        const [x, w, b, expected] = [decode(c.input), decode(c.weight), c.bias && decode(c.bias), decode(c.output)];
        const [inChannels, outPerGroup, k] = c.weight.shape as [number, number, number];
        const groups = c.options.groups as number;
        const layer = new ConvTranspose1d(inChannels, outPerGroup * groups, k, {
          ...c.options,
          bias: b !== null,
          seed: 1,
        });
        expect(layer.parameterCount).toBe(c.parameterCount);
        layer.weight = w;
        if (b) layer.bias = b;
        for (const backend of BACKENDS) {
          expectClose(
            layer.forward(x, { outputSize: c.outputSize ?? undefined, backend }),
            expected,
            absolute,
            relative,
          );
          if (!c.outputSize)
            expectClose(convTranspose1d(x, w, b, { ...c.options, backend }), expected, absolute, relative);
        }
      });
    }
  });

  describe('causalConv1d equals conv1d on the input padded d·(k − 1) on the left', () => {
    for (const c of fixtures.causal1d) {
      it(c.name, () => {
        const [x, w, b, expected] = [decode(c.input), decode(c.weight), c.bias && decode(c.bias), decode(c.output)];
        for (const backend of BACKENDS)
          expectClose(causalConv1d(x, w, b, { ...c.options, backend }), expected, absolute, relative);
        expect(expected.shape.at(-1)).toBe(x.shape.at(-1));
      });
    }
  });
});

const TORCH_WORDS_NOT_REPRODUCED = [
  /^conv_transpose2d\(\) /,
  /^expected stride/,
  /^Given groups=\d+, expected weight/,
  /^Expected 4-dimensional input for 4-dimensional weight/,
  /^Argument #4/,
];

describe('configurations PyTorch refuses are refused, naming the argument', () => {
  for (const c of fixtures.refused) {
    it(`${c.op}: ${c.name} → ${c.argument}`, () => {
      const input = zeros(c.inputShape);
      const run = () => {
        if (c.api === 'module') {
          const { inChannels, outChannels, kernelSize } = c.module!;
          const options = { ...c.options, seed: 0 } as never;
          const outputSize = c.outputSize ?? undefined;
          if (c.op === 'conv_transpose2d')
            new ConvTranspose2d(inChannels, outChannels, kernelSize as number, options).forward(input, { outputSize });
          else if (c.op === 'conv1d') new Conv1d(inChannels, outChannels, kernelSize as number, options).forward(input);
          else
            new ConvTranspose1d(inChannels, outChannels, kernelSize as number, options).forward(input, { outputSize });
          return;
        }
        const weight = zeros(c.weightShape!);
        const bias = c.biasLength === null ? null : zeros([c.biasLength]);
        const call = { conv_transpose2d: convTranspose2d, conv1d, conv_transpose1d: convTranspose1d }[c.op];
        call(input, weight, bias, c.options as never);
      };
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error, 'convlab accepted a configuration PyTorch refuses').toBeInstanceOf(Conv2dError);
      expect((error as Conv2dError).argument).toBe(c.argument);
      expect((error as Conv2dError).message).toContain(`Invalid ${c.argument} = `);
      // PyTorch's own words, where they are about the argument (not: its argument-parser errors, its
      // internal 4-D view of a 1-D call, or a weight message that prints the size in double brackets).
      if (!TORCH_WORDS_NOT_REPRODUCED.some((pattern) => pattern.test(c.torchError))) {
        const words = c.torchError.split(/[:,([{]/)[0]!.trim();
        expect((error as Conv2dError).message).toContain(words);
      }
    });
  }
});

describe('the phases of the engine against the scatter that defines the transposed convolution', () => {
  it('agree on 300 random configurations (strides, dilations, paddings, output paddings, groups)', () => {
    const random = seededRandom(12345);
    const pick = (a: number, b: number) => a + Math.floor(random() * (b - a + 1));
    let tried = 0;
    while (tried < 300) {
      const groups = pick(1, 3);
      const [cin, cout] = [groups * pick(1, 3), groups * pick(1, 3)];
      const [H, W, kH, kW] = [pick(1, 7), pick(1, 7), pick(1, 5), pick(1, 5)];
      const stride: [number, number] = [pick(1, 4), pick(1, 4)];
      const dilation: [number, number] = [pick(1, 3), pick(1, 3)];
      const padding: [number, number] = [pick(0, 5), pick(0, 5)];
      const outputPadding: [number, number] = [
        pick(0, Math.max(stride[0], dilation[0]) - 1),
        pick(0, Math.max(stride[1], dilation[1]) - 1),
      ];
      const fill = (n: number) => Float32Array.from({ length: n }, () => random() - 0.5);
      const x = tensor(fill(2 * cin * H * W), [2, cin, H, W]);
      const w = tensor(fill(cin * (cout / groups) * kH * kW), [cin, cout / groups, kH, kW]);
      const b = tensor(fill(cout), [cout]);
      const options = { stride, dilation, padding, outputPadding, groups };
      let expected: Tensor;
      try {
        expected = convTranspose2d(x, w, b, { ...options, backend: 'reference' });
      } catch (error) {
        expect((error as Conv2dError).argument).toBe('padding'); // the output would be empty
        continue;
      }
      tried++;
      for (const backend of ['wasm', 'auto'] as const)
        expectClose(convTranspose2d(x, w, b, { ...options, backend }), expected, 1e-5, 1e-5);
    }
  });

  it('the columns form (one product and a scatter, for small inputs with many channels) equals the scatter definition', async () => {
    const random = seededRandom(123);
    const pick = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
    const fill = (n: number) => Float32Array.from({ length: n }, () => random() - 0.5);
    let columnsRan = 0;
    for (let trial = 0; trial < 16; trial++) {
      const groups = trial % 4 === 3 ? 2 : 1;
      const cin = 64 * groups + (trial % 2) * 16 * groups;
      const cout = groups * pick(1, 9);
      const [kH, kW] = [pick(1, 5), pick(1, 4)];
      const stride: [number, number] = [pick(2, 3), pick(1, 3)];
      const dilation: [number, number] = [pick(1, 2), pick(1, 2)];
      const padding: [number, number] = [pick(0, 2), pick(0, 2)];
      const outputPadding: [number, number] = [pick(0, stride[0] - 1), pick(0, Math.max(stride[1], dilation[1]) - 1)];
      const [N, H, W] = [pick(1, 2), pick(1, 6), pick(1, 6)];
      const x = tensor(fill(N * cin * H * W), [N, cin, H, W]);
      const w = tensor(fill(cin * (cout / groups) * kH * kW), [cin, cout / groups, kH, kW]);
      const b = trial % 3 ? tensor(fill(cout), [cout]) : null;
      const options = { stride, dilation, padding, outputPadding, groups };
      let expected: Tensor;
      try {
        expected = convTranspose2d(x, w, b, { ...options, backend: 'reference' });
      } catch (error) {
        expect((error as Conv2dError).argument).toBe('padding');
        continue;
      }
      const info = resolveConvTranspose2dCall(x, w, b, options);
      if (useColumns(info)) columnsRan++;
      expectClose(convTranspose2d(x, w, b, options), expected, 1e-5, 1e-5);
      expectClose(convTranspose2d(x, w, b, options), expected, 1e-5, 1e-5); // the kept product weight
      if (BUILT) expectClose(await convTranspose2dAsync(x, w, b, { ...options, threads: 2 }), expected, 1e-5, 1e-5);
    }
    expect(columnsRan).toBeGreaterThan(8);
  });

  it.runIf(BUILT)(
    'a GEMM with few output pixels splits its output channels over the threads, and still equals the reference',
    async () => {
      const random = seededRandom(7);
      const fill = (n: number) => Float32Array.from({ length: n }, () => random() - 0.5);
      // 1 × 1 over 5 × 5 (one tile), 3 × 3 over 4 × 4 (im2col, one tile), grouped; output channels not a multiple of the runs.
      for (const [C, O, H, k, groups] of [
        [96, 260, 5, 1, 1],
        [64, 100, 4, 3, 1],
        [64, 72, 3, 3, 2],
      ] as const) {
        const x = tensor(fill(2 * C * H * H), [2, C, H, H]);
        const w = tensor(fill(O * (C / groups) * k * k), [O, C / groups, k, k]);
        const b = tensor(fill(O), [O]);
        const options = { padding: k === 3 ? 1 : 0, groups };
        const expected = conv2d(x, w, b, { ...options, backend: 'reference' });
        // K = C·k² up to 576 products a cell: float32 sums in another order, within the fixtures' tolerance.
        expectClose(await conv2dAsync(x, w, b, { ...options, threads: 2, backend: 'wasm' }), expected);
      }
    },
  );

  it('phases merged into one convolution (4 × 4 and 2 × 2 stride 2; 6 × 6 stride 3 on 17² wastes too much to merge) equal the scatter', async () => {
    const random = seededRandom(99);
    const fill = (n: number) => Float32Array.from({ length: n }, () => random() - 0.5);
    for (const [k, s, p, H] of [
      [4, 2, 1, 20],
      [2, 2, 0, 9],
      [6, 3, 2, 17],
    ] as const) {
      const x = tensor(fill(2 * 4 * H * H), [2, 4, H, H]);
      const w = tensor(fill(4 * 3 * k * k), [4, 3, k, k]);
      const b = tensor(fill(6), [6]);
      const options = { stride: s, padding: p, groups: 2 };
      const expected = convTranspose2d(x, w, b, { ...options, backend: 'reference' });
      expectClose(convTranspose2d(x, w, b, options), expected, 1e-5, 1e-5);
      expectClose(convTranspose2d(x, w, b, options), expected, 1e-5, 1e-5); // the kept merged weight
      if (BUILT) expectClose(await convTranspose2dAsync(x, w, b, { ...options, threads: 2 }), expected, 1e-5, 1e-5);
    }
  });

  it.runIf(BUILT)('the asynchronous call reads its operands when it is made', async () => {
    const x = tensor(
      Float32Array.from({ length: 16 * 12 * 12 }, (_, i) => Math.sin(i)),
      [1, 16, 12, 12],
    );
    const w = tensor(
      Float32Array.from({ length: 16 * 16 * 9 }, (_, i) => Math.cos(i)),
      [16, 16, 3, 3],
    );
    const expected = convTranspose2d(x, w, null, { stride: 2 });
    const pending = convTranspose2dAsync(x, w, null, { stride: 2, threads: 2 });
    x.data.fill(7);
    w.data.fill(7);
    expectClose(await pending, expected, 1e-5, 1e-5);
  });
});

describe('conv2dBackward refuses what does not fit', () => {
  it('a gradOutput of another shape than the forward output', () => {
    const x = zeros([1, 2, 5, 5]),
      w = zeros([3, 2, 3, 3]);
    expect(() => conv2dBackward(zeros([1, 3, 5, 5]), x, w)).toThrow(
      /Invalid gradOutput = \[1, 3, 5, 5\]: gradOutput must have the convolution's output shape \[1, 3, 3, 3\]/,
    );
  });
  it('conv2d refusals, in conv2d words', () => {
    expect(() => conv2dBackward(zeros([1, 3, 3, 3]), zeros([1, 2, 5, 5]), zeros([3, 2, 3, 3]), { groups: 2 })).toThrow(
      Conv2dError,
    );
    expect(() =>
      conv2dBackward(zeros([1, 3, 3, 3]), zeros([1, 2, 5, 5]), zeros([3, 2, 3, 3]), { bias: 1 as never }),
    ).toThrow(/bias must be true or false/);
  });
});

describe('describeConvTranspose2d', () => {
  it('writes the formula with the numbers in', () => {
    const d = describeConvTranspose2d([1, 8, 5, 5], { outChannels: 4, kernelSize: 4, stride: 2, padding: 1 });
    expect(d.outputShape).toEqual([1, 4, 10, 10]);
    expect(d.formula.height).toBe('H_out = (5 − 1)·2 − 2·1 + 1·(4 − 1) + 0 + 1 = 10');
    expect(d.parameterCount).toBe(8 * 4 * 16 + 4);
    expect(d.macs).toBe(8 * 5 * 5 * 4 * 16);
  });
});

describe('ConvTranspose2d', () => {
  it("prints PyTorch's repr", () => {
    expect(String(new ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1, bias: false, seed: 0 }))).toBe(
      'ConvTranspose2d(8, 4, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)',
    );
  });
  it('draws its parameters within ±1/√fan_in, fan_in = (C_out/groups)·kH·kW', () => {
    const layer = new ConvTranspose2d(6, 4, 3, { groups: 2, seed: 3 });
    const bound = 1 / Math.sqrt((4 / 2) * 9);
    expect(Math.max(...layer.weight.data.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...layer.weight.data.map(Math.abs))).toBeGreaterThan(bound * 0.8);
    expect(layer.weight.shape).toEqual([6, 2, 3, 3]);
  });
});
