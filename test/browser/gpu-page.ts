// The WebGPU backend in Chromium (navigator.gpu; SwiftShader here), as a typed program bundled by
// test/browser.test.ts (../../src/ is served from /dist/). Every PyTorch fixture through the kernel
// the table picks (direct or depthwise: the fixtures are narrow), a sample through the GEMM forced,
// with and without split-K; the table's GEMM, split-K GEMM, depthwise and direct kernels on a few
// wider layers of our own.
import { resolveConv2dCall } from '../../src/core/call.js';
import { compareOutputs } from '../../src/core/compare.js';
import { type Case, agreesWithReference } from './seeded.js';
import { type Tensor, conv2dAsync, tensor } from '../../src/entry-browser.js';
import { GEMM_TILES } from '../../src/kernels/webgpu/gemm.js';
import { WebgpuConv } from '../../src/kernels/webgpu/layer.js';
import { type WebgpuPlan, planWebgpu } from '../../src/kernels/webgpu/plan.js';

export interface GpuPageResult {
  hasGpu: boolean;
  agrees: boolean;
  checked: number;
  fixtures: number;
  failures: string[];
}

interface EncodedTensor {
  data: string;
  shape: number[];
}
interface Fixture {
  name: string;
  input: EncodedTensor;
  weight: EncodedTensor;
  bias: EncodedTensor | null;
  output: EncodedTensor;
  options: Record<string, unknown>;
}

const fixtures = JSON.parse(await (await fetch('/test/fixtures/conv2d-torch.json')).text(), (_key, value) =>
  value && typeof value === 'object' && 'nonFinite' in value ? Number(value.nonFinite) : value,
) as { valid: Fixture[]; tolerance: { absolute: number; relative: number } };
const decode = (encoded: EncodedTensor): Tensor => {
  const bytes = Uint8Array.from(atob(encoded.data), (c) => c.charCodeAt(0));
  return tensor(new Float32Array(bytes.buffer), encoded.shape);
};
const { absolute, relative } = fixtures.tolerance;
const failures: string[] = [];
let checked = 0;
for (const [index, c] of fixtures.valid.entries()) {
  const x = decode(c.input),
    w = decode(c.weight),
    b = c.bias ? decode(c.bias) : null;
  const expected = decode(c.output).data;
  const info = resolveConv2dCall(x, w, b, c.options);
  // The public path on every fixture; the GEMM forced (the fixtures are too narrow for the table to
  // choose it) on every 16th, with its K split in two on every 48th — SwiftShader takes seconds to
  // compile each GEMM configuration.
  const outputs: [string, Float32Array][] = [
    ['planned', (await conv2dAsync(x, w, b, { ...c.options, backend: 'webgpu' })).data],
  ];
  const forced: [string, WebgpuPlan][] = [];
  if (index % 16 === 0) forced.push(['gemm', planWebgpu(info, 'webgpu-gemm')]);
  if (index % 48 === 0)
    forced.push(['gemm split 2', planWebgpu(info, 'webgpu-gemm', { ...GEMM_TILES['m32n64k16-t4x4'], splitK: 2 })]);
  for (const [name, plan] of forced) {
    const layer = await WebgpuConv.create(info, plan);
    const output = new Float32Array(expected.length);
    await layer.run(x.data, output, { weight: w.data, bias: b ? b.data : null });
    layer.destroy();
    outputs.push([name, output]);
  }
  for (const [name, y] of outputs) {
    checked++;
    if (!compareOutputs(y, expected, absolute, relative).agrees) failures.push(`${c.name} ${name}`);
  }
}

const cases: Case[] = [
  [[1, 16, 20, 20], [32, 16, 3, 3], { padding: 1 }],
  [[1, 64, 6, 6], [64, 64, 3, 3], { padding: 1 }], // few tiles, long K: split-K
  [[2, 4, 9, 11], [6, 2, 3, 2], { groups: 2, stride: [2, 1], dilation: 2, padding: 'valid' }],
  [[1, 3, 8, 8], [3, 1, 3, 3], { groups: 3, padding: 2, paddingMode: 'reflect' }],
];
const agrees = await agreesWithReference(cases, 11, (x, w, b, options) => [
  conv2dAsync(x, w, b, { ...options, backend: 'webgpu' }),
]);
const result: GpuPageResult = {
  hasGpu: 'gpu' in navigator,
  agrees,
  checked,
  fixtures: fixtures.valid.length,
  failures,
};
(window as unknown as { result: GpuPageResult }).result = result;
