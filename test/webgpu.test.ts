import { describe, expect, it } from 'vitest';
import { Conv2d, Conv2dError, conv2d, conv2dAsync, tensor } from '../src/index.js';
import { decode, expectClose, loadTorchFixtures, randomData } from './helpers.js';

/**
 * The WebGPU backend on every PyTorch fixture — on SwiftShader (a CPU Vulkan driver) here and in CI,
 * the real GPU where there is one. Every argument, padding modes included.
 */
const fixtures = loadTorchFixtures();

describe('conv2dAsync on WebGPU matches PyTorch', () => {
  it('runs every fixture', async () => {
    let worst = '';
    for (const c of fixtures.valid) {
      const bias = c.bias ? decode(c.bias) : null;
      const y = await conv2dAsync(decode(c.input), decode(c.weight), bias, { ...(c.options as object), backend: 'webgpu' });
      try {
        expectClose(y, decode(c.output), fixtures.tolerance.absolute, fixtures.tolerance.relative);
      } catch (error) {
        worst = `${c.name}: ${(error as Error).message}`;
        break;
      }
    }
    expect(worst).toBe('');
  }, 120_000);

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
