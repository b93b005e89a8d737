import { describe, expect, it } from 'vitest';
import { resolveConv2dCall } from '../src/core/call.js';
import { tensor } from '../src/index.js';
import { LAYER_SUITE } from '../src/bench/layers.js';
import { GEMM_TILES, gemmWorkgroupCount, gemmWgsl, packGemmWeight } from '../src/kernels/webgpu/gemm.js';
import { gemmTileFor, planWebgpu } from '../src/kernels/webgpu/plan.js';
import { selectKernel } from '../src/kernels/select.js';
import { depthwiseWgsl } from '../src/kernels/webgpu/depthwise.js';

/** The GPU planner's rules (src/kernels/webgpu/plan.ts) and the packing, without a GPU. */
function infoOf(input: number[], weight: number[], options: object = {}) {
  return resolveConv2dCall(
    tensor(new Float32Array(input.reduce((a, b) => a * b, 1)), input),
    tensor(new Float32Array(weight.reduce((a, b) => a * b, 1)), weight),
    null,
    options,
  );
}

const gpuKernel = (info: ReturnType<typeof infoOf>) => selectKernel(info, { wasm: true }, 'webgpu');

describe('the WebGPU planner', () => {
  it('routes depthwise, narrow and general layers to their kernels', () => {
    expect(gpuKernel(infoOf([1, 144, 56, 56], [144, 1, 3, 3], { padding: 1, groups: 144 }))).toBe('webgpu-depthwise');
    expect(gpuKernel(infoOf([1, 8, 32, 32], [8, 1, 13, 13], { groups: 8 }))).toBe('webgpu-direct'); // window too large to unroll
    expect(gpuKernel(infoOf([1, 3, 7, 7], [2, 3, 3, 3]))).toBe('webgpu-direct'); // 2 output channels
    expect(gpuKernel(infoOf([1, 64, 56, 56], [64, 64, 3, 3], { padding: 1 }))).toBe('webgpu-gemm');
    expect(() => planWebgpu(infoOf([1, 64, 8, 8], [64, 64, 3, 3]), 'webgpu-depthwise')).toThrow(/depthwise/);
  });

  it('chooses tiles by channels a group and workgroup count, and splits K only where workgroups are few', () => {
    for (const layer of LAYER_SUITE) {
      for (const batch of [1, 32]) {
        const info = infoOf([batch, ...layer.input.slice(1)], layer.weight, layer.options);
        if (gpuKernel(info) !== 'webgpu-gemm') continue;
        const tile = gemmTileFor(info);
        const m = info.outChannelsPerGroup;
        // The tile is never taller than needed by more than the smallest step (32 → 64 → 128).
        expect(tile.bm).toBeLessThanOrEqual(m <= 32 ? 32 : m <= 64 ? 64 : 128);
        const unsplit = gemmWorkgroupCount(info, { ...tile, splitK: 1 });
        if (tile.splitK > 1) {
          expect(unsplit).toBeLessThan(264);
          expect(Math.ceil(info.taps / tile.bk) / tile.splitK).toBeGreaterThanOrEqual(2); // ≥ 2 steps a slice
        }
        if (unsplit >= 264) expect(tile.splitK).toBe(1);
      }
    }
    // Spot checks against the H200 timings (docs/gpu.md).
    expect(gemmTileFor(infoOf([32, 64, 56, 56], [64, 64, 3, 3], { padding: 1 }))).toEqual(GEMM_TILES['m64n128k8-t8x8']);
    expect(gemmTileFor(infoOf([1, 256, 14, 14], [256, 256, 3, 3], { padding: 1 })).splitK).toBe(16);
  });

  it('packs weights as [g][k][m] padded to whole tiles, with the tap table after them', () => {
    const info = infoOf([1, 4, 5, 6], [6, 2, 2, 3], { groups: 2, dilation: [2, 1], padding: 1 });
    const tile = GEMM_TILES['m32n64k16-t4x4'];
    const weight = Float32Array.from({ length: 6 * 2 * 2 * 3 }, (_, i) => i + 1);
    const packed = packGemmWeight(info, tile, weight);
    const K = 2 * 2 * 3,
      kPadded = 16,
      mPadded = 32;
    for (let g = 0; g < 2; g++) {
      for (let m = 0; m < 32; m++) {
        for (let k = 0; k < kPadded; k++) {
          const expected = m < 3 && k < K ? weight[((g * 3 + m) * 2 + Math.floor(k / 6)) * 6 + (k % 6)] : 0;
          expect(packed[(g * kPadded + k) * mPadded + m]).toBe(expected);
        }
      }
    }
    const taps = new Int32Array(packed.buffer, 2 * kPadded * mPadded * 4);
    for (let k = 0; k < K; k++) {
      const c = Math.floor(k / 6),
        ky = Math.floor(k / 3) % 2,
        kx = k % 3;
      expect([...taps.subarray(4 * k, 4 * k + 3)]).toEqual([c * 30 + ky * 2 * 6 + kx, ky * 2, kx]);
    }
    expect(taps[4 * K + 1]).toBeGreaterThan(1000); // past K: outside every window
  });

  it('generates WGSL with every argument baked in', () => {
    const info = infoOf([2, 6, 9, 9], [12, 3, 3, 2], {
      groups: 2,
      stride: [2, 1],
      padding: 1,
      paddingMode: 'circular',
    });
    const source = gemmWgsl(info, GEMM_TILES['m64n64k16-t4x4']);
    for (const constant of [
      'const C: i32 = 6',
      'const SH: i32 = 2',
      'const KW: i32 = 2',
      'const CG: i32 = 3',
      'return i + size',
    ])
      expect(source).toContain(constant);
    expect(depthwiseWgsl(infoOf([1, 4, 9, 9], [8, 1, 3, 3], { groups: 4, padding: 1 }))).toContain(
      'const MULT: i32 = 2',
    );
  });
});
