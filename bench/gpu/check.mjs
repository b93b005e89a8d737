// The WebGPU device check (docs/gpu.md): on a lent GPU, in one call, every layer of the suite at
// batch 1 and 32:
//  1. the output of conv2dAsync(…, { backend: 'webgpu' }) against the CPU (the WebAssembly kernels,
//     themselves tested against the reference kernel): max |gpu − cpu| / max |cpu|;
//  2. the kernel time by GPU timestamps (median of many back-to-back runs on the input already on
//     the GPU) for the planner's choice and for every other candidate tile — so one call both checks
//     the planner and shows what it should choose;
//  3. the end-to-end time of conv2dAsync (upload, run, read back), median.
// Prepare: npm run build, and a .devcarry/ folder holding a Node binary, the `webgpu` package and
// device-env.sh (which puts node on PATH and points Vulkan at the GPU's driver; the team's device
// tooling makes it). Run on the device with carry [".devcarry", "dist"]:
//   source .devcarry/device-env.sh; node bench/gpu/check.mjs
// The full log goes to $OUT/gpu-check.json; the table is printed last. LAYERS=L8,L10 BATCHES=1
// narrows the run (a smoke test on SwiftShader: VK_ICD_FILENAMES, GPU.md); TUNE=0 skips the candidates;
// VERBOSE=1 prints every candidate's time as it goes (they are all in the JSON log).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
// Only modules with no npm imports: the device has the \`webgpu\` package and nothing else.
import '../../dist/platform/install-node.js';
import { resolveConv2dCall } from '../../dist/core/call.js';
import { conv2dAsync } from '../../dist/engine/conv2d.js';
import { LAYER_SUITE } from '../../dist/bench/layers.js';
import { measure, median } from '../../dist/bench/measure.js';
import { macsOf } from '../../dist/core/resolve.js';
import { elementCount } from '../../dist/core/tensor.js';
import { compareOutputs } from '../../dist/core/compare.js';
import { randomFill } from '../../dist/core/random.js';
import { gpuDevice } from '../../dist/kernels/webgpu/device.js';
import { WebgpuConv } from '../../dist/kernels/webgpu/layer.js';
import { GEMM_TILES, gemmWorkgroupCount, tileName } from '../../dist/kernels/webgpu/gemm.js';
import { planWebgpu } from '../../dist/kernels/webgpu/plan.js';

// cuDNN through PyTorch on the H200, fp32 (TF32 off), median of 50, µs (GPU.md).
const CUDNN_US = {
  L1: [56, 489],
  L2: [47, 275],
  L3: [37, 154],
  L4: [75, 190],
  L5: [23, 150],
  L6: [37, 275],
  L7: [59, 122],
  L8: [36, 29],
  L9: [31, 61],
  L10: [37, 38],
};

// CUDNN=file: cuDNN timed in the same call by bench/gpu/cudnn.py (CUDA graphs, same heating), used
// in place of GPU.md's figures.
const cudnnMeasured =
  process.env.CUDNN && existsSync(process.env.CUDNN) ? JSON.parse(readFileSync(process.env.CUDNN, 'utf8')) : null;
const cudnnUsFor = (id, batch) =>
  cudnnMeasured?.results.find((r) => r.layer === id && r.batch === batch)?.graphUs ?? CUDNN_US[id][batch === 1 ? 0 : 1];
// TILES='{"name": {"bm":…,"bn":…,"bk":…,"tm":…,"tn":…,"splitK":1}, …}' tries these tiles instead of GEMM_TILES.
const candidateTiles = process.env.TILES ? JSON.parse(process.env.TILES) : GEMM_TILES;
const only = process.env.LAYERS?.split(',');
const batches = (process.env.BATCHES ?? '1,32').split(',').map(Number);
const tune = process.env.TUNE !== '0';

const device = await gpuDevice();
const adapterInfo = device.adapterInfo ?? {};
console.log(
  `GPU: ${adapterInfo.vendor ?? '?'} ${adapterInfo.architecture ?? ''} ${adapterInfo.description ?? ''}; timestamps: ${device.features.has('timestamp-query')}`,
);

/** max |gpu − cpu| / max |cpu|, by the one closeness check. */
function relativeError(gpu, cpu) {
  const { maxError, maxExpected } = compareOutputs(gpu, cpu);
  return maxError / maxExpected;
}

/** Keeps the GPU busy for `ms` with back-to-back runs of `layer` (~5 ms of work a submission, two in flight). */
async function keepBusy(layer, ms, usGuess) {
  const runs = Math.min(2000, Math.max(10, Math.ceil(5000 / usGuess)));
  const start = performance.now();
  let pending = null;
  while (performance.now() - start < ms) {
    const encoder = device.createCommandEncoder();
    for (let i = 0; i < runs; i++) layer.encode(encoder);
    device.queue.submit([encoder.finish()]);
    if (pending) await pending;
    pending = device.queue.onSubmittedWorkDone();
  }
  await pending;
}

/**
 * Kernel µs of each plan (median of back-to-back runs, ≥ 10 ms of them, by GPU timestamps around
 * each run's compute pass) and its relative error. An idle H200 sits at 345 MHz and climbs to
 * 1980 MHz only under sustained load (seen in the first runs of this script: small layers timed at
 * 420–1245 MHz when the GPU was not kept busy). So every plan is first compiled and checked, then the
 * GPU is kept busy for 300 ms, then each plan is timed right after 30 ms of its own back-to-back
 * runs; two rounds, each plan's better median kept.
 */
async function measurePlans(info, plans, x, w, b, cpu) {
  const prepared = [];
  for (const plan of plans) {
    try {
      const layer = await WebgpuConv.create(info, plan);
      const out = new Float32Array(cpu.length);
      await layer.run(x.data, out, { weight: w.data, bias: b.data });
      const guess = median((await layer.timeKernels(5)).microseconds);
      prepared.push({ plan, layer, error: relativeError(out, cpu), us: Infinity, guess });
    } catch (error) {
      prepared.push({ plan, failed: String(error.message ?? error).slice(0, 200) });
    }
  }
  const ready = prepared.filter((p) => p.layer);
  await keepBusy(ready[0].layer, 300, ready[0].guess);
  for (let round = 0; round < 2; round++) {
    for (const p of ready) {
      await keepBusy(p.layer, 30, p.guess);
      const runs = Math.min(2000, Math.max(30, Math.ceil(10000 / p.guess)));
      const { source, microseconds } = await p.layer.timeKernels(runs);
      p.us = Math.min(p.us, median(microseconds));
      p.source = source;
    }
  }
  for (const p of ready) p.layer.destroy();
  return prepared.map(({ plan, error, us, source, failed }) => ({
    plan: describePlan(plan),
    error,
    us,
    source,
    failed,
  }));
}

// The kernel table's name, and for the GEMM its tile's (gemm.ts tileName: m64n128k8-t8x8-s4).
const describePlan = (plan) => (plan.kernel === 'webgpu-gemm' ? `webgpu-gemm ${tileName(plan.tile)}` : plan.kernel);

const rows = [];
for (const layer of LAYER_SUITE.filter((l) => !only || only.includes(l.id))) {
  for (const batch of batches) {
    const started = performance.now();
    const inputShape = [batch, ...layer.input.slice(1)];
    const x = { data: randomFill(elementCount(inputShape), 1), shape: inputShape };
    const w = { data: randomFill(elementCount(layer.weight), 2), shape: layer.weight };
    const b = { data: randomFill(layer.weight[0], 3), shape: [layer.weight[0]] };
    const info = resolveConv2dCall(x, w, b, layer.options);
    const cpu = (await conv2dAsync(x, w, b, { ...layer.options, backend: 'wasm', threads: 16 })).data;
    const gpu = await conv2dAsync(x, w, b, { ...layer.options, backend: 'webgpu' });
    const flops = 2 * macsOf(info);
    // End to end: single calls (no batching of calls into one sample), after two warm-up calls.
    const samples = batch === 1 ? 30 : 10;
    const wall = await measure(() => conv2dAsync(x, w, b, { ...layer.options, backend: 'webgpu' }), {
      minSampleMs: 0,
      warmupMs: 0,
      minSamples: samples,
      maxSamples: samples,
      budgetMs: 0,
    });
    const chosen = planWebgpu(info, undefined, undefined, device.limits);
    const plans = [chosen];
    if (tune) {
      plans.push(planWebgpu(info, 'webgpu-direct'));
      if (chosen.kernel === 'webgpu-gemm' || chosen.kernel === 'webgpu-direct') {
        for (const tile of Object.values(candidateTiles)) {
          const fewWorkgroups = gemmWorkgroupCount(info, tile) < 264;
          for (const splitK of fewWorkgroups ? [1, 2, 4, 8, 16] : [1])
            plans.push(planWebgpu(info, 'webgpu-gemm', { ...tile, splitK }));
        }
      }
    }
    const unique = [...new Map(plans.map((plan) => [describePlan(plan), plan])).values()];
    const [planned, ...candidates] = await measurePlans(info, unique, x, w, b, cpu);
    const best = [planned, ...candidates]
      .filter((c) => c.us !== undefined && c.error < 1e-4)
      .sort((p, q) => p.us - q.us)[0];
    const cudnnUs = cudnnUsFor(layer.id, batch);
    rows.push({
      layer: layer.id,
      batch,
      plan: describePlan(chosen),
      relativeError: relativeError(gpu.data, cpu),
      kernelUs: planned.us ?? NaN,
      timing: planned.source,
      tflops: flops / planned.us / 1e6,
      cudnnUs,
      cudnnTflops: flops / cudnnUs / 1e6,
      wallMs: wall.medianMs,
      best,
      candidates,
      seconds: (performance.now() - started) / 1000,
    });
    const r = rows.at(-1);
    console.log(
      `${r.layer} N=${batch}: ${r.plan} ${r.kernelUs.toFixed(1)} µs (cuDNN ${cudnnUs.toFixed(1)}); best ${best ? `${best.plan} ${best.us.toFixed(1)} µs` : '-'}; err ${r.relativeError.toExponential(1)}; ${r.seconds.toFixed(1)} s`,
    );
    if (process.env.VERBOSE)
      for (const c of candidates)
        console.log(
          `    ${c.plan.padEnd(26)} ${c.failed ? `FAILED ${c.failed}` : `${c.us.toFixed(1).padStart(9)} µs  err ${c.error.toExponential(1)}`}`,
        );
  }
}
if (process.env.OUT)
  writeFileSync(
    `${process.env.OUT}/gpu-check.json`,
    JSON.stringify({ adapter: adapterInfo, date: new Date().toISOString(), cudnn: cudnnMeasured, rows }, null, 2),
  );
console.log(
  `\ncuDNN: ${cudnnMeasured ? `measured in this call (${cudnnMeasured.device}, torch ${cudnnMeasured.torch}, cuDNN ${cudnnMeasured.cudnn}; CUDA graph of 20 runs)` : 'figures from GPU.md'}`,
);
console.log(
  'layer  N  plan                     rel.error  kernel µs  TFLOP/s  cuDNN µs  cuDNN TFLOP/s  ours÷cuDNN speed  end-to-end ms',
);
for (const r of rows) {
  console.log(
    `${r.layer.padEnd(5)} ${String(r.batch).padStart(2)}  ${r.plan.padEnd(24)} ${r.relativeError.toExponential(1).padStart(9)}  ${r.kernelUs.toFixed(1).padStart(9)}  ${r.tflops.toFixed(2).padStart(7)}  ${String(r.cudnnUs.toFixed(1)).padStart(8)}  ${r.cudnnTflops.toFixed(2).padStart(13)}  ${(r.cudnnUs / r.kernelUs).toFixed(2).padStart(16)}  ${r.wallMs.toFixed(3).padStart(13)}`,
  );
}
process.exit(0);
