import { describe, expect, it } from 'vitest';
import { Conv2dError, capabilities, conv2d, conv2dAsync, selectKernel, tensor } from '../src/index.js';
import { resolveConv2dCall } from '../src/core/call.js';
import { BUILT, expectClose, seededTensor } from './helpers.js';
import { mainHeap } from '../src/kernels/wasm/runtime.js';
import { runsAtOnce } from '../src/kernels/run.js';
import { estimatedMs } from '../src/kernels/select.js';
import { LAYER_SUITE, benchLayerInfo } from '../src/bench/layers.js';
import { kernelForInfo } from '../src/engine/kernel-for.js';
import { resolveLayer } from '../src/core/describe.js';

const make = seededTensor;

describe('execution options: backend, threads, out', () => {
  const x = make([1, 16, 30, 30], 1),
    w = make([24, 16, 3, 3], 2),
    b = make([24], 3);

  it('every backend and thread count computes the same convolution', async () => {
    const expected = conv2d(x, w, b, { padding: 1, backend: 'reference' });
    expectClose(conv2d(x, w, b, { padding: 1 }), expected);
    expectClose(conv2d(x, w, b, { padding: 1, backend: 'wasm' }), expected);
    expectClose(await conv2dAsync(x, w, b, { padding: 1, threads: 2 }), expected);
    expectClose(await conv2dAsync(x, w, b, { padding: 1, threads: 1, backend: 'reference' }), expected);
  });

  it('concurrent async calls and sync calls in between do not disturb each other', async () => {
    const big = make([1, 32, 48, 48], 4),
      bw = make([64, 32, 3, 3], 5);
    const expectedBig = conv2d(big, bw, null, { padding: 1, backend: 'reference' });
    const expectedSmall = conv2d(x, w, b, { padding: 1, backend: 'reference' });
    const pending = [
      conv2dAsync(big, bw, null, { padding: 1, threads: 2 }),
      conv2dAsync(x, w, b, { padding: 1, threads: 2 }),
    ];
    expectClose(conv2d(x, w, b, { padding: 1, backend: 'wasm' }), expectedSmall);
    const [y1, y2] = await Promise.all(pending);
    expectClose(y1!, expectedBig);
    expectClose(y2!, expectedSmall);
  });

  it('reads its tensors when called, whatever the size: refilling them before the promise settles changes nothing (issue 14)', async () => {
    for (const [xs, ws] of [
      [
        [1, 32, 48, 48],
        [64, 32, 3, 3],
      ], // 42M MACs: threads
      [
        [1, 2, 6, 6],
        [2, 2, 3, 3],
      ], // small: the calling thread
    ] as const) {
      const input = make([...xs], 6),
        weight = make([...ws], 7);
      const expected = conv2d(input, weight, null, { padding: 1, backend: 'reference' });
      for (const backend of ['auto', 'reference'] as const) {
        const pending = conv2dAsync(input, weight, null, { padding: 1, threads: 2, backend });
        const savedX = input.data.slice(),
          savedW = weight.data.slice();
        input.data.fill(0);
        weight.data.fill(Number.NaN);
        expectClose(await pending, expected);
        input.data.set(savedX);
        weight.data.set(savedW);
      }
    }
  });

  it("refuses an `out` over the input's memory through a second SharedArrayBuffer object (structuredClone), and accepts separate ones (issue 14)", () => {
    const memory = new SharedArrayBuffer(4 * (16 + 16 + 9));
    const alias = structuredClone(memory); // another object, the same bytes
    const input = tensor(new Float32Array(memory, 0, 16).fill(1), [1, 1, 4, 4]);
    const weight = make([1, 1, 2, 2], 3);
    // out starts inside the input, ends past it; out covers the input; out ends inside it.
    for (const [offset, length] of [
      [8, 9],
      [0, 9],
    ] as const) {
      const out = tensor(new Float32Array(alias, 4 * offset, length), [1, 1, 3, 3]);
      expect(() => conv2d(input, weight, null, { out })).toThrow(/must not share memory/);
    }
    const inside = tensor(new Float32Array(new SharedArrayBuffer(4 * 9)), [1, 1, 3, 3]);
    const bigInput = tensor(new Float32Array(alias, 0, 16), [1, 1, 4, 4]);
    expect(() =>
      conv2d(tensor(new Float32Array(memory, 4 * 4, 4), [1, 1, 2, 2]), make([1, 1, 2, 2], 4), null, {
        out: tensor(new Float32Array(alias, 0, 1), [1, 1, 1, 1]),
      }),
    ).not.toThrow();
    // Separate shared memories, and the input untouched by the probe.
    const before = Array.from(bigInput.data);
    expect(conv2d(bigInput, weight, null, { out: inside })).toBe(inside);
    expect(Array.from(bigInput.data)).toEqual(before);
    // A SharedArrayBuffer out over the input's bytes whose range holds the input entirely.
    const around = tensor(new Float32Array(alias, 0, 36), [1, 4, 3, 3]);
    expect(() =>
      conv2d(tensor(new Float32Array(memory, 4 * 4, 16), [1, 1, 4, 4]), make([4, 1, 2, 2], 5), null, { out: around }),
    ).toThrow(/must not share memory/);
  });

  it("lets the kernels' memory go after a large call, on the calling thread and on the workers (issue 14: 1 GB kept)", async () => {
    // 1×1, 136 → 136 channels on 512²: 142 MB of input and as much output in the kernels' memory.
    const x = tensor(new Float32Array(136 * 512 * 512).fill(0.5), [1, 136, 512, 512]);
    const w = make([136, 136, 1, 1], 8);
    const expectedFirst = conv2d(tensor(x.data.subarray(0, 136 * 4), [1, 136, 2, 2]), w, null, {
      backend: 'reference',
    });
    for (const call of [
      () => conv2d(x, w, null, { backend: 'wasm' }),
      () => conv2dAsync(x, w, null, { backend: 'wasm', threads: 2 }),
    ]) {
      const y = await call();
      // The heap was dropped: the next heap starts small.
      expect(mainHeap('sync')!.memory.buffer.byteLength).toBeLessThan(2 ** 24);
      expect(mainHeap('async')!.memory.buffer.byteLength).toBeLessThan(2 ** 24);
      expect(y.data[0]).toBeCloseTo(expectedFirst.data[0]!, 4);
    }
    // And the next call works on the fresh heap (workers restarted on demand).
    const small = make([1, 16, 30, 30], 9),
      sw = make([24, 16, 3, 3], 10);
    expectClose(
      await conv2dAsync(small, sw, null, { padding: 1, threads: 2 }),
      conv2d(small, sw, null, { padding: 1, backend: 'reference' }),
    );
  }, 60_000);

  it('writes into and returns `out`', async () => {
    const out = tensor(new Float32Array(24 * 30 * 30).fill(Number.NaN), [1, 24, 30, 30]);
    const y = conv2d(x, w, b, { padding: 1, out });
    expect(y).toBe(out);
    expectClose(out, conv2d(x, w, b, { padding: 1, backend: 'reference' }));
    out.data.fill(Number.NaN);
    expect(await conv2dAsync(x, w, b, { padding: 1, out, threads: 2 })).toBe(out);
    expectClose(out, conv2d(x, w, b, { padding: 1, backend: 'reference' }));
  });

  it.each([
    [{ backend: 'gpu' }, 'backend', "backend must be one of 'auto', 'reference', 'wasm'"],
    [{ backend: ['webgpu', 'gpu'] }, 'backend', 'or a list of them in order of preference'],
    [{ backend: [] }, 'backend', 'backend must name at least one backend'],
    [{ threads: 0 }, 'threads', 'threads must be an integer from 1 to 64'],
    [{ threads: 65 }, 'threads', 'threads must be an integer from 1 to 64'],
    [{ threads: 1.5 }, 'threads', 'threads must be an integer'],
    [{ out: tensor(new Float32Array(10), [10]) }, 'out', "out must have the output's shape [1, 24, 28, 28]"],
  ])('refuses %j', (options, argument, rule) => {
    expect(() => conv2d(x, w, b, options as never)).toThrow(Conv2dError);
    expect(() => conv2d(x, w, b, options as never)).toThrow(expect.objectContaining({ argument }));
    expect(() => conv2d(x, w, b, options as never)).toThrow(rule);
  });

  it('a list of backends is a preference order: the first one available here runs', async () => {
    const expected = conv2d(x, w, b, { padding: 1, backend: 'reference' });
    // The GPU cannot answer the synchronous call: the WebAssembly kernels do.
    expectClose(conv2d(x, w, b, { padding: 1, backend: ['webgpu', 'wasm'] }), expected);
    // Where the first is available it runs (here the GPU is SwiftShader's; without one, see webgpu.test.ts).
    expectClose(await conv2dAsync(x, w, b, { padding: 1, backend: ['webgpu', 'reference'] }), expected);
    // Alone, an unavailable backend is still an error naming it.
    expect(() => conv2d(x, w, b, { padding: 1, backend: ['webgpu'] })).toThrow(/use conv2dAsync/);
  });

  it.runIf(BUILT)('capabilities() says what this platform offers, found out by starting workers', async () => {
    const caps = await capabilities();
    expect(caps).toMatchObject({ platform: 'node', simd: true });
    expect(caps.cores).toBeGreaterThanOrEqual(1);
    expect(caps.threads).toBe(Math.min(caps.cores, 64));
    if (!caps.webgpu) expect(caps.webgpuReason).toMatch(/WebGPU/);
  });

  it('refuses an `out` that shares memory with the input', () => {
    const shared = new Float32Array(4 * 4 * 2);
    const input = tensor(shared.subarray(0, 16), [1, 1, 4, 4]);
    const out = tensor(shared.subarray(8, 24), [1, 1, 4, 4]);
    expect(() => conv2d(input, make([1, 1, 1, 1], 9), null, { out })).toThrow(/must not share memory/);
  });
});

describe('padding far wider than the input (issue 14: the WebAssembly path asked for 9 GB)', () => {
  // Both over the small-layer threshold, so 'auto' would pick a WebAssembly kernel on shape alone.
  it('replicate, padding 3000, stride 3000: the reference kernel, which pads on the fly; forcing wasm says why not', () => {
    const x = make([1, 256, 4, 4], 1),
      w = make([256, 256, 2, 2], 2);
    const options = { padding: 3000, stride: 3000, paddingMode: 'replicate' } as const;
    const before = process.memoryUsage().arrayBuffers;
    const y = conv2d(x, w, null, options);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 ** 24);
    expect(y.shape).toEqual([1, 256, 3, 3]);
    expectClose(y, conv2d(x, w, null, { ...options, backend: 'reference' }));
    expect(() => conv2d(x, w, null, { ...options, backend: 'wasm' })).toThrow(/pads on the fly/);
  });

  it('padding of 2³¹ − 1 (PyTorch accepts it): the reference kernel, whose indexes are doubles (found by the fuzz suite: the im2col kernel read out of bounds)', () => {
    const x = make([1, 2, 3, 3], 1),
      w = make([2, 2, 2, 2], 2);
    const options = { stride: 32768, padding: [0, 2 ** 31 - 1] as [number, number] };
    const info = resolveConv2dCall(x, w, null, options);
    expect(info.outputShape).toEqual([1, 2, 1, 131072]);
    expect(selectKernel(info, { wasm: true })).toBe('reference');
    expectClose(conv2d(x, w, null, options), conv2d(x, w, null, { ...options, backend: 'reference' }));
    expect(() => conv2d(x, w, null, { ...options, backend: 'wasm' })).toThrow(/32-bit integers/);
  });

  it('depthwise, zero padding 40000, stride 40000: the im2col GEMM reads the zeros in place (no padded plane)', () => {
    const x = make([4, 256, 4, 4], 1),
      w = make([256, 1, 2, 2], 2);
    const options = { groups: 256, padding: 40000, stride: 40000 };
    const info = resolveConv2dCall(x, w, null, options);
    expect(selectKernel(info, { wasm: true })).toBe('wasm-im2col-gemm-4x8-simd128');
    const before = process.memoryUsage().arrayBuffers;
    const y = conv2d(x, w, null, options);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 ** 24);
    expectClose(y, conv2d(x, w, null, { ...options, backend: 'reference' }));
  });
});

describe('selectKernel', () => {
  const info = (xs: number[], ws: number[], options = {}) => resolveConv2dCall(make(xs, 1), make(ws, 2), null, options);
  it('computes layers under 0.8 ms of estimated work at once, on the calling thread; larger ones on threads', () => {
    const suite = (id: string) => benchLayerInfo(LAYER_SUITE.find((l) => l.id === id)!);
    // L5 (depthwise, 0.65 ms on one thread here) and L10 (0.24 ms): a worker's wake-up would cost more.
    expect(runsAtOnce(suite('L5'), 'auto', 2)).toBe(true);
    expect(runsAtOnce(suite('L10'), 'auto', 2)).toBe(true);
    // L2 (Winograd, ~2 ms), L1 (im2col, ~5 ms), L7 (grouped Winograd, ~1 ms): threads.
    for (const id of ['L1', 'L2', 'L7']) expect(runsAtOnce(suite(id), 'auto', 2), id).toBe(false);
    expect(runsAtOnce(suite('L2'), 'auto', 1)).toBe(true);
    expect(runsAtOnce(suite('L2'), 'webgpu', 2)).toBe(false);
    // The estimates are milliseconds: within a factor of three of what the layers take here.
    expect(estimatedMs(suite('L5'), 'wasm-depthwise-simd128')).toBeGreaterThan(0.2);
    expect(estimatedMs(suite('L5'), 'wasm-depthwise-simd128')).toBeLessThan(2);
    expect(estimatedMs(suite('L2'), 'wasm-winograd-f4x4-3x3-simd128')).toBeGreaterThan(0.7);
    expect(estimatedMs(suite('L2'), 'wasm-winograd-f4x4-3x3-simd128')).toBeLessThan(6);
  });

  it("gives way to the next kernel of the table, not the reference loop, where Winograd's memory would pass 4 GiB", () => {
    // 4608 → 4608 channels, 3×3: Winograd keeps 36/9 of the 764 MB of weights transformed, plus two
    // copies (4.6 GB); im2col + GEMM needs the weights twice (1.5 GB). Planned only, never allocated.
    const huge = resolveLayer([4608, 8, 8], { outChannels: 4608, kernelSize: 3, padding: 1 });
    expect(selectKernel(huge, { wasm: true })).toBe('wasm-winograd-f4x4-3x3-simd128');
    expect(kernelForInfo(huge)).toBe('wasm-im2col-gemm-4x8-simd128');
    expect(kernelForInfo(huge, 'wasm')).toBe('wasm-im2col-gemm-4x8-simd128');
    // A layer that fits keeps its kernel.
    expect(kernelForInfo(resolveLayer([64, 56, 56], { outChannels: 64, kernelSize: 3, padding: 1 }))).toBe(
      'wasm-winograd-f4x4-3x3-simd128',
    );
  });

  it('names the kernel for each kind of layer', () => {
    // The article's 7×7 figure: 486 MACs, under the small-layer threshold.
    expect(selectKernel(info([1, 3, 7, 7], [2, 3, 3, 3], { padding: 1, stride: 2, dilation: 2 }), { wasm: true })).toBe(
      'reference',
    );
    // 3×3 stride 1: Winograd from 32 input channels per group, or 16 on an output of 40+ tiles.
    expect(selectKernel(info([1, 64, 56, 56], [64, 64, 3, 3], { padding: 1 }), { wasm: true })).toBe(
      'wasm-winograd-f4x4-3x3-simd128',
    );
    expect(selectKernel(info([1, 16, 28, 28], [16, 16, 3, 3], { padding: 1 }), { wasm: true })).toBe(
      'wasm-winograd-f4x4-3x3-simd128',
    );
    expect(selectKernel(info([1, 16, 14, 14], [64, 16, 3, 3], { padding: 1 }), { wasm: true })).toBe(
      'wasm-im2col-gemm-4x8-simd128',
    );
    expect(selectKernel(info([1, 8, 56, 56], [32, 8, 3, 3], { padding: 1 }), { wasm: true })).toBe(
      'wasm-im2col-gemm-4x8-simd128',
    );
    // Dilated 3×3 as sub-grids up to dilation 2; strided 3×3: im2col.
    expect(selectKernel(info([1, 64, 56, 56], [64, 64, 3, 3], { padding: 2, dilation: 2 }), { wasm: true })).toBe(
      'wasm-winograd-f4x4-3x3-simd128',
    );
    expect(selectKernel(info([1, 64, 56, 56], [64, 64, 3, 3], { padding: 3, dilation: 3 }), { wasm: true })).toBe(
      'wasm-im2col-gemm-4x8-simd128',
    );
    expect(selectKernel(info([1, 64, 56, 56], [64, 64, 3, 3], { padding: 1, stride: 2 }), { wasm: true })).toBe(
      'wasm-im2col-gemm-4x8-simd128',
    );
    expect(selectKernel(info([1, 256, 56, 56], [64, 256, 1, 1]), { wasm: true })).toBe('wasm-gemm-1x1-4x8-simd128');
    // 1×1 with reflect padding: the padding is written out first, so the 1×1 GEMM still runs it.
    expect(
      selectKernel(info([1, 64, 56, 56], [64, 64, 1, 1], { padding: 1, paddingMode: 'reflect' }), { wasm: true }),
    ).toBe('wasm-gemm-1x1-4x8-simd128');
    expect(selectKernel(info([1, 64, 56, 56], [64, 64, 1, 1], { padding: 1 }), { wasm: true })).toBe(
      'wasm-im2col-gemm-4x8-simd128',
    );
    expect(selectKernel(info([1, 144, 56, 56], [144, 1, 3, 3], { padding: 1, groups: 144 }), { wasm: true })).toBe(
      'wasm-depthwise-simd128',
    );
    expect(selectKernel(info([1, 64, 56, 56], [64, 64, 3, 3]), { wasm: false })).toBe('reference');
    expect(selectKernel(info([1, 3, 7, 7], [2, 3, 3, 3]), { wasm: true }, 'wasm')).toBe('wasm-im2col-gemm-4x8-simd128');
    expect(selectKernel(info([1, 64, 56, 56], [64, 64, 3, 3]), { wasm: true }, 'reference')).toBe('reference');
  });
});
