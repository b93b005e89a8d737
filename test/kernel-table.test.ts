import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveConv2dCall } from '../src/core/call.js';
import { KERNELS, type KernelName, kernelsSupporting, selectKernel, tensor } from '../src/index.js';
import { LAYER_SUITE } from '../src/bench/layers.js';
import { MR, NR } from '../src/kernels/wasm/tile.js';
import { instantiate, kernelModule } from '../src/kernels/wasm/runtime.js';

/** The kernel table (src/kernels/table.ts): the one list every choice, test, benchmark and doc reads. */

const infoOf = (input: number[], weight: number[], options: object = {}) =>
  resolveConv2dCall(
    tensor(new Float32Array(input.reduce((a, b) => a * b, 1)), input),
    tensor(new Float32Array(weight.reduce((a, b) => a * b, 1)), weight),
    null,
    options,
  );

describe('the kernel table', () => {
  it('is what the README lists, row for row', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([^`]+)` \| (\w+) \| (.+) \| (.+) \|$/gm)].map((m) => ({
      name: m[1],
      backend: m[2],
      when: m[3],
      how: m[4],
    }));
    expect(rows).toEqual(KERNELS.map(({ name, backend, when, how }) => ({ name, backend, when, how })));
  });

  it('names every kernel once, the CPU GEMMs by the micro-kernel tile the module was built with', () => {
    expect(new Set(KERNELS.map((k) => k.name)).size).toBe(KERNELS.length);
    for (const k of KERNELS.filter((k) => k.name.includes('gemm') && k.backend === 'wasm'))
      expect(k.name).toContain(`-${MR}x${NR}-`);
    const { module } = kernelModule();
    if (module) {
      const kernels = instantiate(module, new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true }));
      expect([kernels.microTileRows(), kernels.microTileColumns()]).toEqual([MR, NR]);
    }
  });

  it('ends every backend with a kernel that supports any layer with 32-bit indexes, so a choice exists', () => {
    const odd = infoOf([2, 6, 9, 11], [4, 3, 2, 5], { groups: 2, stride: [2, 1], dilation: [1, 2], padding: 'valid' });
    for (const backend of ['reference', 'wasm', 'webgpu'] as const) {
      const supporting = kernelsSupporting(odd, backend);
      expect(supporting.length, backend).toBeGreaterThan(0);
      expect(supporting.at(-1)).toBe(KERNELS.filter((k) => k.backend === backend).at(-1)!.name);
    }
  });

  it('chooses, for every layer of the suite, a kernel that supports it: the first of its backend that suits it', () => {
    for (const layer of LAYER_SUITE) {
      for (const batch of [1, 32]) {
        const info = infoOf([batch, ...layer.input.slice(1)], layer.weight, layer.options);
        for (const backend of ['wasm', 'webgpu'] as const) {
          const chosen: KernelName = selectKernel(info, { wasm: true }, backend);
          const entries = KERNELS.filter((k) => k.backend === backend);
          const at = entries.findIndex((k) => k.name === chosen);
          expect(at, `${layer.id} ${backend}`).toBeGreaterThanOrEqual(0);
          expect(entries[at]!.supports(info)).toBe(true);
          // Every kernel before it either cannot run the layer or does not suit it.
          for (const earlier of entries.slice(0, at)) {
            const suits = 'suits' in earlier ? earlier.suits(info) : true;
            expect(earlier.supports(info) && suits, `${layer.id}: ${earlier.name} before ${chosen}`).toBe(false);
          }
        }
      }
    }
  });
});
