import { describe, expect, it } from 'vitest';
import { Conv2dError, MAX_TENSOR_ELEMENTS, conv2d, resolveSettings, tensor } from '../src/index.js';
import { resolveConv2dCall } from '../src/core/call.js';

const x = (shape: number[]) => tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);

function errorOf(run: () => unknown): Conv2dError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Conv2dError);
    return error as Conv2dError;
  }
  throw new Error('expected a Conv2dError, but nothing was thrown');
}

describe('option resolution', () => {
  it('defaults match PyTorch: stride 1, padding 0, dilation 1, groups 1, zeros', () => {
    expect(resolveSettings({})).toEqual({
      stride: [1, 1],
      dilation: [1, 1],
      padding: { kind: 'explicit', height: 0, width: 0 },
      groups: 1,
      paddingMode: 'zeros',
    });
    expect(resolveSettings(undefined)).toEqual(resolveSettings({}));
  });

  it('an int becomes a pair, a pair is [height, width]', () => {
    const s = resolveSettings({ stride: 2, dilation: [1, 3], padding: [0, 2] });
    expect(s.stride).toEqual([2, 2]);
    expect(s.dilation).toEqual([1, 3]);
    expect(s.padding).toEqual({ kind: 'explicit', height: 0, width: 2 });
  });

  it("'same' puts total // 2 before and the rest after, per axis", () => {
    // kernel (4, 2), dilation (1, 3): totals 3 and 3 → (1, 2) and (1, 2), as nn.Conv2d's _reversed_padding_repeated_twice [1, 2, 1, 2]
    const info = resolveConv2dCall(x([1, 1, 8, 8]), x([1, 1, 4, 2]), null, { padding: 'same', dilation: [1, 3] });
    expect([info.padTop, info.padBottom, info.padLeft, info.padRight]).toEqual([1, 2, 1, 2]);
    expect(info.outputShape).toEqual([1, 1, 8, 8]);
  });

  it("'valid' is no padding", () => {
    const info = resolveConv2dCall(x([1, 1, 8, 8]), x([1, 1, 3, 3]), null, { padding: 'valid' });
    expect([info.padTop, info.padBottom, info.padLeft, info.padRight]).toEqual([0, 0, 0, 0]);
    expect(info.outputShape).toEqual([1, 1, 6, 6]);
  });

  it('an unbatched input gives an unbatched output', () => {
    expect(conv2d(x([3, 5, 5]), x([2, 3, 3, 3])).shape).toEqual([2, 3, 3]);
  });

  it('a batch of zero gives an empty output, as in PyTorch', () => {
    expect(conv2d(x([0, 3, 5, 5]), x([2, 3, 3, 3])).shape).toEqual([0, 2, 3, 3]);
  });

  it.each([
    ['strides', { strides: 2 }, "did you mean 'stride'?"],
    ['padding_mode', { padding_mode: 'reflect' }, "did you mean 'paddingMode'?"],
    ['bias', { bias: false }, 'the options are stride, padding, dilation, groups, paddingMode'],
    ['kernel', { kernel: 3 }, 'the options are'],
  ])('an unknown option key is an error: %s', (key, options, hint) => {
    const error = errorOf(() => conv2d(x([1, 1, 4, 4]), x([1, 1, 3, 3]), null, options as never));
    expect(error.argument).toBe('options');
    expect(error.value).toBe(key);
    expect(error.message).toContain(`unknown option '${key}'`);
    expect(error.message).toContain(hint);
  });

  it.each([
    ['stride', 1.5, 'stride must be an integer'],
    ['stride', Number.NaN, 'stride must be a finite integer'],
    ['dilation', Number.POSITIVE_INFINITY, 'dilation must be a finite integer'],
    ['padding', -0.5, 'padding must be an integer'],
    ['groups', 2.5, 'groups must be an integer'],
    ['stride', '2', 'stride must be an integer or a pair'],
    ['stride', [1, 2, 3], 'but got 3 values'],
    ['dilation', [1], 'but got 1 values'],
    ['padding', [1, 'a'], 'padding must be an integer'],
    ['groups', true, 'groups must be an integer'],
    ['stride', 2 ** 40, 'stride must be at most 2147483647'],
    ['paddingMode', 3, 'padding_mode must be one of'],
    ['padding', 'SAME', "Invalid padding string 'SAME'"],
  ])('%s = %s is refused: %s', (argument, value, rule) => {
    const error = errorOf(() => conv2d(x([1, 2, 6, 6]), x([2, 2, 3, 3]), null, { [argument]: value } as never));
    expect(error.argument).toBe(argument);
    expect(error.message).toContain(rule);
    expect(error.message).toContain(`Invalid ${argument} = `);
  });

  it('options must be an object', () => {
    expect(errorOf(() => conv2d(x([1, 1, 4, 4]), x([1, 1, 3, 3]), null, 3 as never)).argument).toBe('options');
    expect(errorOf(() => conv2d(x([1, 1, 4, 4]), x([1, 1, 3, 3]), null, [1] as never)).argument).toBe('options');
  });
});

describe('tensor checks', () => {
  it('tensor() refuses data whose length is not the product of the shape', () => {
    const error = errorOf(() => tensor([1, 2, 3], [2, 2]));
    expect(error.argument).toBe('data');
    expect(error.message).toContain('shape [2, 2] needs 4 elements');
  });

  it('tensor() refuses bad shapes and non-number data', () => {
    expect(errorOf(() => tensor([1], [1.5])).argument).toBe('shape');
    expect(errorOf(() => tensor([1], [-1])).argument).toBe('shape');
    expect(errorOf(() => tensor(['a'] as never, [1])).argument).toBe('data');
    expect(errorOf(() => tensor({} as never, [1])).argument).toBe('data');
  });

  it('tensor() keeps a Float32Array without copying and converts arrays', () => {
    const data = new Float32Array(4);
    expect(tensor(data, [2, 2]).data).toBe(data);
    expect(Array.from(tensor([1, 2], [2]).data)).toEqual([1, 2]);
  });

  it('conv2d refuses tensors whose data does not match their shape', () => {
    const bad = { data: new Float32Array(10), shape: [1, 1, 3, 3] };
    const error = errorOf(() => conv2d(bad, x([1, 1, 3, 3])));
    expect(error.argument).toBe('input.data');
    expect(errorOf(() => conv2d(x([1, 1, 3, 3]), { data: [1, 2] as never, shape: [1, 1, 1, 2] })).argument).toBe(
      'weight.data',
    );
    expect(errorOf(() => conv2d(null as never, x([1, 1, 3, 3]))).argument).toBe('input');
    expect(errorOf(() => conv2d(x([1, 1, 3, 3]), x([1, 1, 3, 3]), 5 as never)).argument).toBe('bias');
  });

  it('refuses empty channel or spatial dimensions', () => {
    expect(errorOf(() => conv2d(x([1, 0, 3, 3]), x([1, 0, 1, 1]))).argument).toBe('input');
    expect(errorOf(() => conv2d(x([1, 1, 3, 3]), x([0, 1, 1, 1]))).argument).toBe('weight');
  });

  it('refuses an output too large to allocate, before allocating', () => {
    // 1 × 4096 × 16384 × 16384 = 2^40 output elements from a tiny input described by shape only.
    const input = { data: new Float32Array(0), shape: [0, 1, 16384, 16384] };
    expect(conv2d(input, x([4096, 1, 1, 1])).shape).toEqual([0, 4096, 16384, 16384]); // empty: fine
    const huge = { shape: [1, 1, 40000, 40000], data: new Float32Array(1) };
    Object.defineProperty(huge.data, 'length', { value: 40000 * 40000 }); // a stand-in: the check must not read it
    const error = errorOf(() => conv2d(huge as never, x([4096, 1, 1, 1])));
    expect(error.argument).toBe('output');
    expect(error.message).toContain(`at most ${MAX_TENSOR_ELEMENTS} elements`);
  });
});
