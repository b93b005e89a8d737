#!/usr/bin/env node
// Where Winograd F(4×4, 3×3) beats im2col + GEMM on one thread (the winogradPays rule in
// src/kernels/table.ts), after `npm run build`:
//   node scripts/winograd-crossover.mjs
// Times both kernels, forced, on 3×3 stride-1 'same' layers over channel counts and sizes; each time is
// the median of warm calls, weight transform and copies included, as conv2d pays them.
import { resolveConv2dCall } from '../dist/core/call.js';
import { randomFill } from '../dist/core/random.js';
import { runConv2d } from '../dist/kernels/run.js';
import { median } from '../dist/bench/measure.js';

const WINOGRAD = 'wasm-winograd-f4x4-3x3-simd128';
const IM2COL = 'wasm-im2col-gemm-4x8-simd128';

function timeKernel(info, x, w, out, kernel) {
  runConv2d(info, x, w, null, out, 'wasm', kernel);
  const times = [];
  const deadline = performance.now() + 150;
  while (times.length < 5 || (performance.now() < deadline && times.length < 200)) {
    const start = performance.now();
    runConv2d(info, x, w, null, out, 'wasm', kernel);
    times.push(performance.now() - start);
  }
  return median(times);
}

console.log('| C_in | C_out | H = W | im2col ms | Winograd ms | speed-up |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const size of [14, 28, 56]) {
  for (const [c, o] of [
    [4, 4],
    [8, 8],
    [8, 32],
    [16, 16],
    [16, 64],
    [32, 8],
    [32, 32],
    [64, 64],
    [128, 128],
  ]) {
    const xShape = [1, c, size, size];
    const wShape = [o, c, 3, 3];
    const x = randomFill(c * size * size, 1);
    const w = randomFill(o * c * 9, 2);
    const info = resolveConv2dCall({ data: x, shape: xShape }, { data: w, shape: wShape }, null, { padding: 1 });
    const out = new Float32Array(o * size * size);
    const gemm = timeKernel(info, x, w, out, IM2COL);
    const wino = timeKernel(info, x, w, out, WINOGRAD);
    console.log(`| ${c} | ${o} | ${size} | ${gemm.toFixed(3)} | ${wino.toFixed(3)} | ${(gemm / wino).toFixed(2)}× |`);
  }
}
