import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveConv2dCall } from '../src/core/call.js';
import { tensor } from '../src/index.js';
import { depthwiseWgsl } from '../src/kernels/webgpu/depthwise.js';
import { directConvWgsl } from '../src/kernels/webgpu/direct.js';
import { GEMM_TILES, gemmWgsl } from '../src/kernels/webgpu/gemm.js';

/**
 * Golden files for three generated WGSL kernels (test/golden/*.wgsl): a change to a generator shows
 * up as a diff of the shader it writes, reviewed like any other. Remake them after a deliberate
 * change with UPDATE_GOLDEN=1, and read the diff before committing.
 */

const infoOf = (input: number[], weight: number[], options: object) =>
  resolveConv2dCall(
    tensor(new Float32Array(input.reduce((a, b) => a * b, 1)), input),
    tensor(new Float32Array(weight.reduce((a, b) => a * b, 1)), weight),
    tensor(new Float32Array(weight[0]!), [weight[0]!]),
    options,
  );

const CASES: [string, () => string][] = [
  // The implicit GEMM on a ResNet 3×3 layer, zero padding (the tap-table path).
  [
    'gemm-resnet-3x3-m64n64k16-t4x4',
    () => gemmWgsl(infoOf([1, 64, 14, 14], [64, 64, 3, 3], { padding: 1 }), GEMM_TILES['m64n64k16-t4x4']),
  ],
  // Depthwise 3×3 with reflect padding (the padding mode's index map in WGSL).
  [
    'depthwise-3x3-reflect',
    () => depthwiseWgsl(infoOf([1, 8, 12, 12], [8, 1, 3, 3], { groups: 8, padding: 1, paddingMode: 'reflect' })),
  ],
  // The direct kernel on the article's title layer: stride, dilation, zero padding.
  [
    'direct-title-layer',
    () => directConvWgsl(infoOf([1, 3, 7, 7], [2, 3, 3, 3], { padding: 1, stride: 2, dilation: 2 })),
  ],
];

describe('generated WGSL, against golden files', () => {
  for (const [name, generate] of CASES) {
    it(name, () => {
      const path = new URL(`./golden/${name}.wgsl`, import.meta.url);
      const source = generate();
      if (process.env.UPDATE_GOLDEN || !existsSync(path)) {
        if (!process.env.UPDATE_GOLDEN)
          throw new Error(`missing golden ${name}.wgsl: run with UPDATE_GOLDEN=1 once, read it, commit it`);
        writeFileSync(path, source);
      }
      expect(source).toBe(readFileSync(path, 'utf8'));
    });
  }
});
