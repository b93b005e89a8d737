import { describe, expect, it } from 'vitest';
import { Conv2d, Conv2dError, conv2d, conv2dAsync, tensor } from '../src/index.js';
import { decode, expectClose, loadTorchFixtures, randomData } from './helpers.js';
import { resolveConv2dCall } from '../src/core/conv2d.js';
import { runConv2dAsync } from '../src/kernels/run.js';

/**
 * The WebGPU backend on every PyTorch fixture — on SwiftShader (a CPU Vulkan driver) here and in CI,
 * the real GPU where there is one. Every argument, padding modes included.
 */
const fixtures = loadTorchFixtures();

describe('conv2dAsync on WebGPU matches PyTorch', () => {
  // SwiftShader compiles the tiled kernel slowly (~2 s a configuration): it runs every 12th fixture,
  // the direct kernel all of them.
  for (const [kernel, every] of [['webgpu-direct', 1], ['webgpu-gemm', 12]] as const) {
    it(`${kernel}: ${every === 1 ? 'every fixture' : `every ${every}th fixture`}`, async () => {
      let worst = '';
      for (const c of fixtures.valid.filter((_, i) => i % every === 0)) {
        const input = decode(c.input), weight = decode(c.weight), bias = c.bias ? decode(c.bias) : null;
        const info = resolveConv2dCall(input, weight, bias, c.options);
        const output = new Float32Array(info.outputShape.reduce((a, b) => a * b, 1));
        expect(await runConv2dAsync(info, input.data, weight.data, bias?.data ?? null, output, 'webgpu', 1, kernel)).toBe(kernel);
        try {
          expectClose({ data: output, shape: info.outputShape }, decode(c.output), fixtures.tolerance.absolute, fixtures.tolerance.relative);
        } catch (error) {
          worst = `${c.name}: ${(error as Error).message}`;
          break;
        }
      }
      expect(worst).toBe('');
    }, 180_000);
  }

  it('the tiled kernel across tile edges (channels and pixels around 64, groups, batches)', async () => {
    for (const [xs, ws, options] of [
      [[2, 8, 9, 9], [65, 8, 3, 3], { padding: 1 }], [[1, 6, 11, 13], [24, 3, 2, 3], { groups: 2, stride: [2, 1], dilation: [1, 2] }],
      [[3, 4, 8, 8], [9, 4, 3, 3], { padding: 2, paddingMode: 'circular' }], [[1, 40, 3, 3], [8, 40, 1, 1], {}],
    ] as [number[], number[], object][]) {
      const x = tensor(randomData(xs.reduce((a, b) => a * b, 1), 5), xs), w = tensor(randomData(ws.reduce((a, b) => a * b, 1), 6), ws);
      const b = tensor(randomData(ws[0]!, 7), [ws[0]!]);
      const info = resolveConv2dCall(x, w, b, options);
      const output = new Float32Array(info.outputShape.reduce((p, q) => p * q, 1));
      await runConv2dAsync(info, x.data, w.data, b.data, output, 'webgpu', 1, 'webgpu-gemm');
      expectClose({ data: output, shape: info.outputShape }, conv2d(x, w, b, { ...options, backend: 'reference' }));
    }
  }, 60_000);

  it('Conv2d.forwardAsync on the GPU equals forward on the CPU', async () => {
    const layer = new Conv2d(8, 12, [3, 2], { stride: [2, 1], padding: 'valid', dilation: 2, groups: 4, seed: 3 });
    const x = tensor(randomData(2 * 8 * 17 * 15, 9), [2, 8, 17, 15]);
    expectClose(await layer.forwardAsync(x, { backend: 'webgpu' }), layer.forward(x));
  });

  it('the synchronous conv2d refuses the GPU, saying why', () => {
    const x = tensor(randomData(9, 1), [1, 3, 3]);
    expect(() => conv2d(x, tensor([1], [1, 1, 1, 1]), null, { backend: 'webgpu' })).toThrow(Conv2dError);
    expect(() => conv2d(x, tensor([1], [1, 1, 1, 1]), null, { backend: 'webgpu' })).toThrow(/use conv2dAsync/);
  });
});
