import { randomBelow, randomFill, seededRandom } from '../src/core/random.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Conv2d,
  Conv2dError,
  conv2d,
  conv2dAsync,
  conv2dBackwardAsync,
  conv2dGpu,
  convTranspose2dAsync,
  tensor,
  toDevice,
} from '../src/index.js';
import { elementCount } from '../src/core/tensor.js';
import { FIXTURES, decode, expectClose, loadTorchFixtures } from './helpers.js';
import { resolveConv2dCall } from '../src/core/call.js';
import { runConv2dAsync } from '../src/kernels/run.js';
import { isDepthwise } from '../src/kernels/table.js';
import { GEMM_TILES, type GemmTile, gemmUsesTapTable } from '../src/kernels/webgpu/gemm.js';
import { WebgpuConv } from '../src/kernels/webgpu/layer.js';
import { cachedLayerCount } from '../src/kernels/webgpu/conv.js';
import { planWebgpu } from '../src/kernels/webgpu/plan.js';

/**
 * The WebGPU backend on every PyTorch fixture — on SwiftShader (a CPU Vulkan driver) here and in CI,
 * the real GPU where there is one. Every argument, padding modes included.
 */
const fixtures = loadTorchFixtures();

describe('conv2dAsync on WebGPU matches PyTorch', () => {
  // SwiftShader compiles the tiled kernel slowly (~2–5 s a configuration): it runs every 12th
  // fixture, the direct kernel all of them, the depthwise kernel every depthwise one.
  const depthwiseFixtures = fixtures.valid.filter((c) =>
    isDepthwise(resolveConv2dCall(decode(c.input), decode(c.weight), c.bias ? decode(c.bias) : null, c.options)),
  );
  for (const [kernel, cases, label] of [
    ['webgpu-direct', fixtures.valid, 'every fixture'],
    ['webgpu-gemm', fixtures.valid.filter((_, i) => i % 12 === 0), 'every 12th fixture'],
    ['webgpu-depthwise', depthwiseFixtures, `every depthwise fixture (${depthwiseFixtures.length})`],
  ] as const) {
    it(`${kernel}: ${label}`, async () => {
      expect(cases.length).toBeGreaterThan(kernel === 'webgpu-depthwise' ? 5 : 15);
      let worst = '';
      for (const c of cases) {
        const input = decode(c.input),
          weight = decode(c.weight),
          bias = c.bias ? decode(c.bias) : null;
        const info = resolveConv2dCall(input, weight, bias, c.options);
        const output = new Float32Array(info.outputShape.reduce((a, b) => a * b, 1));
        expect(
          await runConv2dAsync(info, input.data, weight.data, bias?.data ?? null, output, 'webgpu', 1, kernel),
        ).toBe(kernel);
        try {
          expectClose(
            { data: output, shape: info.outputShape },
            decode(c.output),
            fixtures.tolerance.absolute,
            fixtures.tolerance.relative,
          );
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
      [[2, 8, 9, 9], [65, 8, 3, 3], { padding: 1 }],
      [[1, 6, 11, 13], [24, 3, 2, 3], { groups: 2, stride: [2, 1], dilation: [1, 2] }],
      [[3, 4, 8, 8], [9, 4, 3, 3], { padding: 2, paddingMode: 'circular' }],
      [[1, 40, 3, 3], [8, 40, 1, 1], {}],
    ] as [number[], number[], object][]) {
      const x = tensor(
          randomFill(
            xs.reduce((a, b) => a * b, 1),
            5,
          ),
          xs,
        ),
        w = tensor(
          randomFill(
            ws.reduce((a, b) => a * b, 1),
            6,
          ),
          ws,
        );
      const b = tensor(randomFill(ws[0]!, 7), [ws[0]!]);
      const info = resolveConv2dCall(x, w, b, options);
      const output = new Float32Array(info.outputShape.reduce((p, q) => p * q, 1));
      await runConv2dAsync(info, x.data, w.data, b.data, output, 'webgpu', 1, 'webgpu-gemm');
      expectClose({ data: output, shape: info.outputShape }, conv2d(x, w, b, { ...options, backend: 'reference' }));
    }
  }, 60_000);

  it('every GEMM tile, with and without split-K, through the tap table and through the padding-mode maps', async () => {
    // Two layers that cross tile edges in every direction (M = 40 and 72 channels a group, P not a
    // multiple of any tile's width, K not a multiple of BK), one with zero padding (tap table), one
    // reflecting (coordinates through sourceIndex).
    const layers: [number[], number[], object][] = [
      [[2, 10, 11, 9], [80, 5, 3, 2], { groups: 2, padding: [1, 2], stride: [2, 1], dilation: [1, 2] }],
      [[1, 6, 9, 13], [72, 6, 3, 3], { padding: 2, paddingMode: 'reflect', dilation: [2, 1] }],
    ];
    for (const [index, [xs, ws, options]] of layers.entries()) {
      const x = tensor(
          randomFill(
            xs.reduce((a, b) => a * b, 1),
            11,
          ),
          xs,
        ),
        w = tensor(
          randomFill(
            ws.reduce((a, b) => a * b, 1),
            12,
          ),
          ws,
        );
      const b = tensor(randomFill(ws[0]!, 13), [ws[0]!]);
      const info = resolveConv2dCall(x, w, b, options);
      expect(gemmUsesTapTable(info)).toBe(index === 0);
      const expected = conv2d(x, w, b, { ...options, backend: 'reference' });
      const tiles: [string, GemmTile][] =
        index === 0
          ? Object.entries(GEMM_TILES).flatMap(
              ([name, tile]) =>
                [
                  [name, tile],
                  ...(name === 'm64n64' || name === 'm32n128t8' ? [[`${name} split 3`, { ...tile, splitK: 3 }]] : []),
                ] as [string, GemmTile][],
            )
          : [
              ['m64n64', GEMM_TILES['m64n64k16-t4x4']],
              ['m128n128 split 2', { ...GEMM_TILES['m128n128k8-t8x8'], splitK: 2 }],
            ];
      for (const [name, tile] of tiles) {
        const layer = await WebgpuConv.create(info, planWebgpu(info, 'webgpu-gemm', tile));
        const output = new Float32Array(expected.data.length);
        await layer.run(x.data, output, { weight: w.data, bias: b.data });
        layer.destroy();
        try {
          expectClose({ data: output, shape: info.outputShape }, expected);
        } catch (error) {
          throw new Error(`tile ${name}, layer ${index}: ${(error as Error).message}`);
        }
      }
    }
  }, 180_000);

  it('weights stay on the GPU between calls, and an edit in place is seen', async () => {
    const layer = new Conv2d(6, 16, 3, { padding: 1, seed: 4 });
    const x = tensor(randomFill(2 * 6 * 10 * 10, 8), [2, 6, 10, 10]);
    expectClose(await layer.forwardAsync(x, { backend: 'webgpu' }), layer.forward(x));
    layer.weight.data[7] = 5; // in place: same array, new value
    layer.bias!.data[3] = -2;
    expectClose(await layer.forwardAsync(x, { backend: 'webgpu' }), layer.forward(x));
    layer.weight = tensor(randomFill(16 * 6 * 9, 9), [16, 6, 3, 3]); // replaced
    layer.bias = null;
    expectClose(await layer.forwardAsync(x, { backend: 'webgpu' }), layer.forward(x));
    // Calls that overlap keep their own inputs and outputs.
    const inputs = [1, 2, 3].map((seed) => tensor(randomFill(2 * 6 * 10 * 10, seed), [2, 6, 10, 10]));
    const outputs = await Promise.all(inputs.map((input) => layer.forwardAsync(input, { backend: 'webgpu' })));
    for (const [i, output] of outputs.entries()) expectClose(output, layer.forward(inputs[i]!));
  }, 60_000);

  it('a tile beyond the device limits is refused with an error, never run; the planner stays within them', async () => {
    const info = resolveConv2dCall(
      tensor(randomFill(2 * 8 * 6 * 6, 1), [2, 8, 6, 6]),
      tensor(randomFill(16 * 8 * 9, 2), [16, 8, 3, 3]),
      null,
      { padding: 1 },
    );
    const huge: GemmTile = { bm: 128, bn: 128, bk: 64, tm: 8, tn: 8, splitK: 1 }; // 128 KiB of workgroup memory
    await expect(WebgpuConv.create(info, { kernel: 'webgpu-gemm', tile: huge })).rejects.toThrow(/refused the kernel/);
    const small = { maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256 };
    expect(() => planWebgpu(info, 'webgpu-gemm', huge, small)).toThrow(Conv2dError);
    // L9 at batch 32 gets 64 × 128 × 16 (24 KiB) where the device allows it, 64 × 64 (16 KiB) where not.
    const l9 = resolveConv2dCall(
      tensor(new Float32Array(32 * 32 * 32 * 32), [32, 32, 32, 32]),
      tensor(new Float32Array(64 * 32 * 9), [64, 32, 3, 3]),
      null,
      { padding: 1 },
    );
    expect(
      planWebgpu(l9, 'webgpu-gemm', undefined, {
        maxComputeWorkgroupStorageSize: 32768,
        maxComputeInvocationsPerWorkgroup: 256,
      }).tile,
    ).toEqual(GEMM_TILES['m64n128k16-t4x8']);
    expect(planWebgpu(l9, 'webgpu-gemm', undefined, small).tile).toEqual(GEMM_TILES['m64n64k16-t4x4']);
  });

  it('many configurations at once: each call keeps its prepared layer until it is done; the cache stays bounded', async () => {
    const calls = Array.from({ length: 12 }, (_, i) => {
      const xs = [1, 2, 5 + i, 6],
        ws = [3, 2, 2, 2];
      const x = tensor(
          randomFill(
            xs.reduce((a, b) => a * b, 1),
            i + 1,
          ),
          xs,
        ),
        w = tensor(randomFill(24, i + 50), ws);
      return { x, w, promise: conv2dAsync(x, w, null, { backend: 'webgpu' }) };
    });
    for (const { x, w, promise } of calls) expectClose(await promise, conv2d(x, w, null, { backend: 'reference' }));
    expect(cachedLayerCount()).toBeLessThanOrEqual(8);
  }, 60_000);

  it('timestamps time the kernels where the adapter has them', async () => {
    const info = resolveConv2dCall(
      tensor(randomFill(64, 1), [1, 1, 8, 8]),
      tensor(randomFill(9, 2), [1, 1, 3, 3]),
      null,
      {},
    );
    const layer = await WebgpuConv.create(info);
    await layer.run(randomFill(64, 1), new Float32Array(36), { weight: randomFill(9, 2), bias: null });
    const { source, microseconds } = await layer.timeKernels(3);
    layer.destroy();
    expect(['timestamps', 'wall']).toContain(source);
    expect(microseconds.length).toBe(source === 'timestamps' ? 3 : 1);
    for (const us of microseconds) expect(us).toBeGreaterThan(0);
  });

  it('Conv2d.forwardAsync on the GPU equals forward on the CPU', async () => {
    const layer = new Conv2d(8, 12, [3, 2], { stride: [2, 1], padding: 'valid', dilation: 2, groups: 4, seed: 3 });
    const x = tensor(randomFill(2 * 8 * 17 * 15, 9), [2, 8, 17, 15]);
    expectClose(await layer.forwardAsync(x, { backend: 'webgpu' }), layer.forward(x));
  });

  it('a non-finite weight over zero padding: every GPU kernel multiplies the padded zeros, as the reference (issue 14)', async () => {
    for (const [xs, ws, options, kernels] of [
      [[1, 4, 9, 10], [8, 4, 3, 3], { padding: 1 }, ['webgpu-direct', 'webgpu-gemm']],
      [[1, 8, 9, 10], [8, 1, 3, 3], { padding: 1, groups: 8 }, ['webgpu-direct', 'webgpu-gemm', 'webgpu-depthwise']],
    ] as const) {
      const x = tensor(randomFill(elementCount(xs), 1), [...xs]);
      const w = tensor(randomFill(elementCount(ws), 2), [...ws]);
      w.data[0] = Number.POSITIVE_INFINITY;
      const info = resolveConv2dCall(x, w, null, options);
      const expected = conv2d(x, w, null, { ...options, backend: 'reference' });
      expect(expected.data.some(Number.isNaN)).toBe(true);
      for (const kernel of kernels) {
        const output = new Float32Array(expected.data.length);
        await runConv2dAsync(info, x.data, w.data, null, output, 'webgpu', 1, kernel);
        try {
          expectClose({ data: output, shape: info.outputShape }, expected, 1e-4, 1e-4);
        } catch (error) {
          throw new Error(`${kernel}: ${(error as Error).message}`);
        }
      }
    }
  }, 60_000);

  it('fuzz sample (issue 14): random configurations on the GPU agree with the reference kernel', async () => {
    // A few, fixed seed: SwiftShader compiles each new configuration in seconds.
    const RUNS = Number(process.env.FUZZ_GPU_RUNS ?? 8);
    const random = seededRandom(1400);
    const pick = (n: number) => randomBelow(random, n);
    for (let run = 0; run < RUNS; run++) {
      const groups = 1 + pick(2),
        cPer = 1 + pick(3),
        oPer = 1 + pick(12);
      const xs = [1 + pick(2), groups * cPer, 3 + pick(8), 3 + pick(8)];
      const ws = [groups * oPer, cPer, 1 + pick(3), 1 + pick(3)];
      const options = {
        stride: [1 + pick(2), 1 + pick(2)] as [number, number],
        padding: [pick(3), pick(3)] as [number, number],
        dilation: [1 + pick(2), 1] as [number, number],
        groups,
        paddingMode: (['zeros', 'reflect', 'replicate', 'circular'] as const)[pick(4)]!,
      };
      const x = tensor(randomFill(elementCount(xs), run), xs);
      const w = tensor(randomFill(elementCount(ws), run + 100), ws);
      let expected: ReturnType<typeof conv2d>;
      try {
        expected = conv2d(x, w, null, { ...options, backend: 'reference' });
      } catch (error) {
        if (error instanceof Conv2dError) continue; // refused (reflect padding past the input, …)
        throw error;
      }
      const y = await conv2dAsync(x, w, null, { ...options, backend: 'webgpu' });
      expectClose(y, expected, 1e-4, 1e-4);
    }
  }, 120_000);

  it('GPU-resident tensors: a chain of 10 layers runs on the GPU and matches the reference chain (issue 15)', async () => {
    const chain: [number[], Record<string, unknown>][] = [
      [[8, 3, 3, 3], { padding: 1 }],
      [[16, 8, 3, 3], { padding: 1, stride: 2 }],
      [[16, 1, 3, 3], { padding: 1, groups: 16, paddingMode: 'reflect' }],
      [[32, 16, 1, 1], {}],
      [[32, 4, 3, 3], { padding: 1, groups: 8 }],
      [[32, 32, 3, 3], { padding: 2, dilation: 2 }],
      [[8, 32, 1, 1], {}],
      [[8, 8, 3, 3], { padding: 'same', paddingMode: 'circular' }],
      [[12, 8, 2, 2], { stride: 2 }],
      [[4, 12, 3, 3], { padding: 1, paddingMode: 'replicate' }],
    ];
    const layers = chain.map(([ws, options], i) => ({
      weight: tensor(
        randomFill(elementCount(ws), 200 + i).map((v) => v / Math.sqrt(ws[1]! * ws[2]! * ws[3]!)),
        ws,
      ),
      bias: tensor(randomFill(ws[0]!, 300 + i), [ws[0]!]),
      options,
    }));
    const input = tensor(randomFill(2 * 3 * 24 * 24, 7), [2, 3, 24, 24]);
    let expected = input;
    for (const { weight, bias, options } of layers)
      expected = conv2d(expected, weight, bias, { ...options, backend: 'reference' });
    let x = await toDevice(input);
    for (const { weight, bias, options } of layers) {
      const y = await conv2dGpu(x, weight, bias, options);
      x.destroy();
      x = y;
    }
    expectClose(await x.read(), expected, 1e-4, 1e-4);
    // A destroyed tensor and a CPU tensor are refused, naming the argument.
    x.destroy();
    await expect(conv2dGpu(x, layers[0]!.weight, null)).rejects.toThrow(/destroyed/);
    await expect(conv2dGpu(input as never, layers[0]!.weight, null)).rejects.toThrow(/takes a GPU tensor/);
  }, 120_000);

  it('a ReLU fused into every GPU kernel (split-K included) equals relu(conv), NaN kept (issue 15)', async () => {
    const relu = (t: ReturnType<typeof conv2d>) => ({ data: t.data.map((v) => Math.max(v, 0)), shape: t.shape });
    for (const [xs, ws, options, kernel] of [
      [[1, 4, 9, 10], [6, 4, 3, 3], { padding: 1 }, 'webgpu-direct'],
      [[1, 8, 9, 10], [8, 1, 3, 3], { padding: 1, groups: 8 }, 'webgpu-depthwise'],
      [[1, 16, 12, 12], [32, 16, 3, 3], { padding: 1 }, 'webgpu-gemm'],
      [[1, 64, 6, 6], [64, 64, 3, 3], { padding: 1 }, 'webgpu-gemm'], // few tiles, long K: split-K
    ] as const) {
      const x = tensor(randomFill(elementCount(xs), 5), [...xs]);
      const w = tensor(randomFill(elementCount(ws), 6), [...ws]);
      const b = tensor(randomFill(ws[0], 7), [ws[0]]);
      x.data[3] = Number.NaN; // a NaN input: its outputs stay NaN through the ReLU
      const expected = relu(conv2d(x, w, b, { ...options, backend: 'reference' }));
      const y = await conv2dGpu(await toDevice(x), w, b, { ...options, activation: 'relu', kernel });
      expectClose(await y.read(), expected, 1e-4, 1e-4);
      expect(expected.data.some(Number.isNaN)).toBe(true);
    }
    await expect(
      conv2dGpu(
        await toDevice(tensor(new Float32Array(9), [1, 1, 3, 3])),
        tensor(new Float32Array(1), [1, 1, 1, 1]),
        null,
        { activation: 'gelu' as never },
      ),
    ).rejects.toThrow(/activation is 'relu'/);
  }, 120_000);

  it('a batch of 0 gives an empty output, as on the CPU (issue 14: dawn refused the zero-sized buffer)', async () => {
    const x = tensor(new Float32Array(0), [0, 4, 6, 6]),
      w = tensor(randomFill(8 * 4 * 9, 3), [8, 4, 3, 3]);
    const y = await conv2dAsync(x, w, null, { padding: 1, backend: 'webgpu' });
    expect(y.shape).toEqual([0, 8, 6, 6]);
    expect(y.data.length).toBe(0);
    const layer = new Conv2d(4, 8, 3, { padding: 1, seed: 1 });
    expect((await layer.forwardAsync(x, { backend: 'webgpu' })).shape).toEqual([0, 8, 6, 6]);
  });

  it('the transposed convolution and the backward pass on the GPU match PyTorch (a sample; issue 16)', async () => {
    const transposed = JSON.parse(readFileSync(`${FIXTURES}transposed-torch.json`, 'utf8'));
    const { absolute, relative } = transposed.tolerance;
    // SwiftShader compiles every new configuration (each output phase is one): a sample.
    for (const c of transposed.transposed2d.filter((_: unknown, i: number) => i % 16 === 5)) {
      const got = await convTranspose2dAsync(decode(c.input), decode(c.weight), c.bias && decode(c.bias), {
        ...c.options,
        backend: 'webgpu',
      });
      expectClose(got, decode(c.output), absolute, relative);
    }
    for (const c of transposed.backward.filter((_: unknown, i: number) => i % 16 === 3)) {
      const g = await conv2dBackwardAsync(decode(c.gradOutput), decode(c.input), decode(c.weight), {
        ...c.options,
        backend: 'webgpu',
      });
      expectClose(g.gradInput, decode(c.gradInput), absolute, relative);
      expectClose(g.gradWeight, decode(c.gradWeight), absolute, relative);
    }
  }, 240_000);

  it('the synchronous conv2d refuses the GPU, saying why', () => {
    const x = tensor(randomFill(9, 1), [1, 3, 3]);
    expect(() => conv2d(x, tensor([1], [1, 1, 1, 1]), null, { backend: 'webgpu' })).toThrow(Conv2dError);
    expect(() => conv2d(x, tensor([1], [1, 1, 1, 1]), null, { backend: 'webgpu' })).toThrow(/use conv2dAsync/);
  });
});

describe('without a GPU', () => {
  // A fresh Node process calls the GPU backend and prints the error's name and message.
  const INDEX = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'entry-node.js')).href;
  const script = `import { conv2dAsync, tensor } from '${INDEX}';
try {
  await conv2dAsync(tensor(new Float32Array(9), [1, 1, 3, 3]), tensor(new Float32Array(1), [1, 1, 1, 1]), null, { backend: 'webgpu' });
  console.log('ran');
} catch (error) { console.log(error.name + ': ' + error.message); }
process.exit(0);`;
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [...args, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, XDG_RUNTIME_DIR: '/tmp', ...env },
    });

  it('no adapter: a Conv2dError that says so', () => {
    const result = run([], { VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' });
    expect(result.stdout).toMatch(/^Conv2dError: .*no WebGPU adapter was found/m);
  });

  it("no adapter, backend ['webgpu', 'wasm']: the WebAssembly kernels run instead", () => {
    const fallback = `import { conv2dAsync, tensor } from '${INDEX}';
const y = await conv2dAsync(tensor(new Float32Array(9).fill(1), [1, 1, 3, 3]), tensor(new Float32Array([2]), [1, 1, 1, 1]), null, { backend: ['webgpu', 'wasm'] });
console.log(Array.from(y.data).join(','));
process.exit(0);`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', fallback], {
      encoding: 'utf8',
      env: {
        ...process.env,
        XDG_RUNTIME_DIR: '/tmp',
        VK_ICD_FILENAMES: '/nonexistent/icd.json',
        VK_DRIVER_FILES: '/nonexistent/icd.json',
      },
    });
    expect(result.stdout.trim()).toBe('2,2,2,2,2,2,2,2,2');
  });

  it("no 'webgpu' package: a Conv2dError naming the optional dependency", () => {
    // A module hook makes the package unresolvable, as on an install that skipped it.
    const dir = mkdtempSync(join(tmpdir(), 'convlab-no-webgpu-'));
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `export async function resolve(specifier, context, next) {
  if (specifier === 'webgpu') throw Object.assign(new Error('Cannot find package webgpu'), { code: 'ERR_MODULE_NOT_FOUND' });
  return next(specifier, context);
}`,
    );
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);`,
    );
    const result = run(['--import', pathToFileURL(join(dir, 'register.mjs')).href], {});
    expect(result.stdout).toMatch(/^Conv2dError: .*optional dependency 'webgpu'/m);
  });
});
