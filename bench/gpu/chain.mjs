// GPU-resident chains (issue 15, item 5), for a lent GPU: a VGG-style chain of 3×3 layers at batch 1
// and 32, run on GPU tensors (toDevice → conv2dGpu with a fused ReLU → … → one read-back), against the
// sum of the same layers' kernel times (GPU timestamps, back to back on data already on the GPU):
// the chain's time per layer ÷ kernel time per layer shows what staying on the GPU leaves
// (target ≤ 1.5×). PyTorch eager on the same chain: bench/gpu/torch-chain.py (same layers, JSON in).
// Prepare and run as check.mjs (docs/gpu.md):
//   source .devcarry/device-env.sh; node bench/gpu/chain.mjs > $OUT/chain.json
//   python3 bench/gpu/torch-chain.py $OUT/chain.json $OUT/torch-chain.json
// CHAIN=small runs a 32×32 version (a smoke test on SwiftShader: VK_ICD_FILENAMES, GPU.md).
import '../../dist/platform/install-node.js';
import { conv2dGpu, toDevice } from '../../dist/engine/gpu-tensor.js';
import { median } from '../../dist/bench/measure.js';
import { randomFill } from '../../dist/core/random.js';
import { resolveConv2dCall } from '../../dist/core/call.js';
import { WebgpuConv } from '../../dist/kernels/webgpu/layer.js';
import { gpuDevice } from '../../dist/kernels/webgpu/device.js';

const small = process.env.CHAIN === 'small';
const side = small ? 32 : 224;
// [out, in, stride]: 3×3, padding 1, a ReLU after each.
const LAYERS = [
  [64, 3, 1],
  [64, 64, 1],
  [128, 64, 2],
  [128, 128, 1],
  [256, 128, 2],
  [256, 256, 1],
  [512, 256, 2],
  [512, 512, 1],
].map(([o, c, s]) => (small ? [Math.max(4, o / 16), Math.max(3, c / 16), s] : [o, c, s]));
const batches = (process.env.BATCHES ?? '1,32').split(',').map(Number);
const device = await gpuDevice();
const layers = LAYERS.map(([o, c, stride], i) => ({
  options: { padding: 1, stride },
  weight: { data: randomFill(o * c * 9, 10 + i).map((v) => v / Math.sqrt(c * 9)), shape: [o, c, 3, 3] },
  bias: { data: randomFill(o, 20 + i), shape: [o] },
}));

async function chainOnce(x) {
  let t = x;
  for (const { options, weight, bias } of layers) {
    const y = await conv2dGpu(t, weight, bias, { ...options, activation: 'relu' });
    if (t !== x) t.destroy();
    t = y;
  }
  await device.queue.onSubmittedWorkDone();
  return t;
}

const rows = [];
for (const batch of batches) {
  const input = { data: randomFill(batch * 3 * side * side, 1), shape: [batch, 3, side, side] };
  const x = await toDevice(input);
  // Warm (pipelines compiled, weights uploaded), then keep the GPU busy before timing (docs/gpu.md: clocks).
  for (let i = 0; i < 3; i++) (await chainOnce(x)).destroy();
  const warmEnd = performance.now() + 300;
  while (performance.now() < warmEnd) (await chainOnce(x)).destroy();
  const times = [];
  for (let i = 0; i < (small ? 5 : 30); i++) {
    const start = performance.now();
    (await chainOnce(x)).destroy();
    times.push((performance.now() - start) * 1000);
  }
  const chainUs = median(times);
  // Each layer's kernels alone, by timestamps where the adapter has them.
  let shape = input.shape;
  let kernelUs = 0;
  const perLayer = [];
  for (const { options, weight, bias } of layers) {
    const info = resolveConv2dCall(
      { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape },
      weight,
      bias,
      options,
    );
    const layer = await WebgpuConv.create(info, undefined, 'relu');
    await layer.run(
      new Float32Array(shape.reduce((a, b) => a * b, 1)),
      new Float32Array(info.outputShape.reduce((a, b) => a * b, 1)),
      { weight: weight.data, bias: bias.data },
    );
    const { source, microseconds } = await layer.timeKernels(small ? 3 : 30);
    const us = median(microseconds);
    perLayer.push({ kernel: layer.plan.kernel, us, source });
    kernelUs += us;
    layer.destroy();
    shape = info.outputShape;
  }
  x.destroy();
  const row = { batch, side, layers: layers.length, chainUs, kernelUs, ratio: chainUs / kernelUs, perLayer };
  rows.push(row);
  console.error(
    `N=${batch}: chain ${(chainUs / 1000).toFixed(3)} ms (${(chainUs / layers.length).toFixed(1)} µs a layer), kernels ${(kernelUs / 1000).toFixed(3)} ms — ${row.ratio.toFixed(2)}×`,
  );
}
console.log(
  JSON.stringify(
    { date: new Date().toISOString(), adapter: device.adapterInfo ?? null, layers: LAYERS, side, rows },
    null,
    1,
  ),
);
