#!/usr/bin/env node
// Two measurements behind issue 15's starting points (docs/engine.md), after `npm run build`:
//   node scripts/speed-probes.mjs first-call   import + the first conv2d of L2 in fresh processes, and the warm time
//   node scripts/speed-probes.mjs one-by-one   1×1 and 3×3 layers on 256², one and sixteen input channels
//   node scripts/speed-probes.mjs page-filter  the playground's first filter of its 256×256 sample, as the
//                                              page reports it, in fresh Chromium pages (after npm run build:web)
//   node scripts/speed-probes.mjs few-pixels   a 512 → 4096 1×1 product over 8 × 8 cells (the product of T1's
//                                              columns form) on one thread and on two: whether threads split it
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The Node ES build, as `import 'convlab'` loads it (scripts/build-bundles.mjs).
const ENTRY = new URL('../dist/esm/entry-node.js', import.meta.url).href;
const mode = process.argv[2];

if (mode === 'first-call-child') {
  const t0 = performance.now();
  const { conv2d, tensor } = await import(ENTRY);
  const t1 = performance.now();
  const x = tensor(new Float32Array(64 * 56 * 56).fill(0.5), [1, 64, 56, 56]);
  const w = tensor(new Float32Array(64 * 64 * 9).fill(0.01), [64, 64, 3, 3]);
  const out = tensor(new Float32Array(64 * 56 * 56), [1, 64, 56, 56]);
  const t2 = performance.now();
  conv2d(x, w, null, { padding: 1, out });
  const t3 = performance.now();
  const warm = [];
  for (let i = 0; i < 11; i++) {
    const start = performance.now();
    conv2d(x, w, null, { padding: 1, out });
    warm.push(performance.now() - start);
  }
  warm.sort((a, b) => a - b);
  console.log(JSON.stringify({ importMs: t1 - t0, firstCallMs: t3 - t2, warmMs: warm[5] }));
} else if (mode === 'first-call') {
  for (let run = 0; run < 3; run++) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'first-call-child'], {
      encoding: 'utf8',
    });
    const r = JSON.parse(child.stdout);
    console.log(
      `import ${r.importMs.toFixed(1)} ms, first L2 call ${r.firstCallMs.toFixed(1)} ms, warm ${r.warmMs.toFixed(1)} ms`,
    );
  }
} else if (mode === 'one-by-one') {
  const { timeLayerSync } = await import(ENTRY);
  for (const [c, k] of [
    [1, 1],
    [1, 3],
    [16, 1],
    [16, 3],
  ])
    for (const o of [16, 64, 256]) {
      const t = timeLayerSync(
        [c, 256, 256],
        { outChannels: o, kernelSize: k, padding: k === 3 ? 1 : 0 },
        { budgetMs: 300 },
      );
      console.log(`C=${c} k=${k} O=${o}: ${t.medianMs.toFixed(2)} ms, ${t.gflops.toFixed(1)} GFLOP/s, ${t.kernel}`);
    }
} else if (mode === 'few-pixels') {
  const { conv2d, conv2dAsync, tensor } = await import(ENTRY);
  const fill = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898));
  const x = tensor(fill(512 * 64), [1, 512, 8, 8]);
  const w = tensor(fill(4096 * 512), [4096, 512, 1, 1]);
  const out = tensor(new Float32Array(4096 * 64), [1, 4096, 8, 8]);
  const median = async (run) => {
    for (let i = 0; i < 3; i++) await run();
    const times = [];
    for (let i = 0; i < 41; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b)[20].toFixed(2);
  };
  console.log(`one thread: ${await median(() => conv2d(x, w, null, { out }))} ms`);
  console.log(`two threads: ${await median(() => conv2dAsync(x, w, null, { out, threads: 2 }))} ms`);
} else if (mode === 'page-filter') {
  const { preview } = await import('vite');
  const { chromium } = await import('playwright-core');
  const config = fileURLToPath(new URL('../web/vite.config.ts', import.meta.url));
  const server = await preview({ configFile: config, preview: { port: 0, strictPort: false }, logLevel: 'silent' });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  for (let run = 0; run < 3; run++) {
    const page = await browser.newPage();
    await page.goto(server.resolvedUrls.local[0]);
    const timing = page.getByTestId('filter-timing');
    await timing.filter({ hasText: ' ms' }).waitFor();
    const first = await timing.textContent();
    await page.getByTestId('kernel-preset').selectOption('Sobel x');
    await timing.filter({ hasText: ' ms' }).waitFor();
    console.log(`first: ${first}; next (Sobel x): ${await timing.textContent()}`);
    await page.close();
  }
  await browser.close();
  await server.close();
} else {
  console.error('usage: node scripts/speed-probes.mjs first-call | one-by-one | page-filter | few-pixels');
  process.exit(2);
}
