// The WebGPU device check (../shared/GPU.md): on a lent GPU, in one call, every layer of the suite
// against the CPU (WebAssembly kernels, themselves tested against the reference), then the time at
// batch 1 and 32, beside cuDNN's figures from GPU.md. Prepare on the development machine:
//   bash ../shared/gpu/prepare-carry.sh && npm run build
// and run on the device with carry [".devcarry", "dist"]:
//   source .devcarry/device-env.sh; node bench/gpu/check.mjs
// The full log goes to $OUT/gpu-check.json; a table is printed last.
import { writeFileSync } from 'node:fs';
import { conv2d, conv2dAsync } from '../../dist/index.js';
import { LAYER_SUITE } from '../../dist/bench/layers.js';
import { layerFlops } from '../../dist/bench/harness.js';
import { randomFill } from '../../dist/analysis/sweep.js';

// cuDNN through PyTorch on the H200, fp32 (TF32 off), median of 50, µs (GPU.md).
const CUDNN_US = { L1: [56, 489], L2: [47, 275], L3: [37, 154], L4: [75, 190], L5: [23, 150], L6: [37, 275], L7: [59, 122], L8: [36, 29], L9: [31, 61], L10: [37, 38] };

async function median(run, runs) {
  const times = [];
  for (let i = 0; i < 3; i++) await run();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

// LAYERS=L8,L10 BATCHES=1 narrows the run (a smoke test on SwiftShader: VK_ICD_FILENAMES, GPU.md).
const only = process.env.LAYERS?.split(',');
const batches = (process.env.BATCHES ?? '1,32').split(',').map(Number);
const rows = [];
for (const layer of LAYER_SUITE.filter((l) => !only || only.includes(l.id))) {
  for (const batch of batches) {
    const inputShape = [batch === 1 ? layer.input[0] : batch, ...layer.input.slice(1)];
    const x = { data: randomFill(inputShape.reduce((a, b) => a * b, 1), 1), shape: inputShape };
    const w = { data: randomFill(layer.weight.reduce((a, b) => a * b, 1), 2), shape: layer.weight };
    const b = { data: randomFill(layer.weight[0], 3), shape: [layer.weight[0]] };
    const cpu = conv2d(x, w, b, { ...layer.options, backend: 'wasm' });
    const gpu = await conv2dAsync(x, w, b, { ...layer.options, backend: 'webgpu' });
    let maxError = 0, maxValue = 0;
    for (let i = 0; i < cpu.data.length; i++) {
      maxError = Math.max(maxError, Math.abs(gpu.data[i] - cpu.data[i]));
      maxValue = Math.max(maxValue, Math.abs(cpu.data[i]));
    }
    const ms = await median(() => conv2dAsync(x, w, b, { ...layer.options, backend: 'webgpu' }), batch === 1 ? 30 : 10);
    const flops = layerFlops({ ...layer, input: inputShape });
    rows.push({ layer: layer.id, batch, relativeError: maxError / maxValue, wallMs: ms, tflops: flops / ms / 1e9, cudnnUs: CUDNN_US[layer.id][batch === 1 ? 0 : 1] });
  }
}
if (process.env.OUT) writeFileSync(`${process.env.OUT}/gpu-check.json`, JSON.stringify(rows, null, 2));
console.log('layer  N   rel.error  end-to-end ms (upload+run+readback)  TFLOP/s   cuDNN kernel µs');
for (const r of rows) {
  console.log(`${r.layer.padEnd(5)} ${String(r.batch).padStart(2)}  ${r.relativeError.toExponential(1).padStart(9)}  ${r.wallMs.toFixed(3).padStart(10)}  ${r.tflops.toFixed(2).padStart(30)}  ${String(r.cudnnUs).padStart(8)}`);
}
