import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The engine in a real browser (Debian's Chromium, headless): the built package served as plain ES
 * modules from a cross-origin-isolated page, so WebAssembly shared memory and Web Workers are
 * available. Checks the kernels (relaxed SIMD is on in Chromium), the worker pool and the reference
 * agree. Chromium comes from scripts/install-test-deps.sh (npm test runs it first).
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * What both test pages start with: the package's browser dependencies, gifenc and fflate, mapped as a bundler
 * would resolve it; an optional count of Workers started; the package; a seeded random tensor maker.
 */
const prelude = (seed: number, countWorkers = false) => `<!doctype html><meta charset="utf-8">
<script type="importmap">{ "imports": { "gifenc": "/node_modules/gifenc/dist/gifenc.esm.js", "fflate": "/node_modules/fflate/esm/browser.js" } }</script>
<script type="module">
let workersStarted = 0;
${countWorkers ? 'const NativeWorker = globalThis.Worker;\nglobalThis.Worker = class extends NativeWorker { constructor(...args) { super(...args); workersStarted++; } };' : ''}
const { conv2d, conv2dAsync, tensor } = await import('/dist/entry-browser.js');
let seed = ${seed};
const make = (shape) => tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5), shape);
`;

const PAGE = `${prelude(7, true)}
const { kernelModule } = await import('/dist/kernels/wasm/runtime.js');
const cases = [
  [[1, 16, 40, 40], [32, 16, 3, 3], { padding: 1 }],
  [[2, 8, 33, 35], [12, 4, 3, 2], { groups: 2, stride: [2, 1], dilation: 2, padding: 'valid' }],
  [[1, 24, 30, 30], [24, 1, 3, 3], { groups: 24, padding: 1, paddingMode: 'reflect' }],
  [[1, 64, 20, 20], [32, 64, 1, 1], {}],
];
let worst = 0;
for (const [xs, ws, options] of cases) {
  const x = make(xs), w = make(ws), b = make([ws[0]]);
  const expected = conv2d(x, w, b, { ...options, backend: 'reference' });
  for (const y of [conv2d(x, w, b, { ...options, backend: 'wasm' }), await conv2dAsync(x, w, b, { ...options, threads: 2, backend: 'wasm' })]) {
    for (let i = 0; i < y.data.length; i++) worst = Math.max(worst, Math.abs(y.data[i] - expected.data[i]) / (1 + Math.abs(expected.data[i])));
  }
}
// The renderer on the browser's own canvas: the current output cell has the theme's colour.
const { createAnimation, drawFrame, THEMES } = await import('/dist/entry-browser.js');
const frame = createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 }).frame(4);
const canvas = document.createElement('canvas');
canvas.width = frame.width; canvas.height = frame.height;
const ctx = canvas.getContext('2d');
drawFrame(ctx, frame);
const cell = frame.shapes.find((s) => s.kind === 'rect' && s.fill === THEMES.light.outputCurrent);
const [r, g, b] = ctx.getImageData(cell.x + cell.w / 2, cell.y + cell.h / 2, 1, 1).data;
const drawn = '#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');
const { support } = kernelModule();
window.result = { isolated: crossOriginIsolated, relaxed: support.relaxedSimd, available: support.available, shared: support.sharedMemory, workersStarted, worst,
  drawn, expectedColour: THEMES.light.outputCurrent };
</script>`;

// The GPU backend in the browser: navigator.gpu (SwiftShader here). Every PyTorch fixture through
// the planner's kernel (direct or depthwise: the fixtures are narrow), a sample through the GEMM
// forced, with and without split-K; the planner's GEMM, split-K GEMM, depthwise and direct kernels on
// a few wider layers of our own.
const GPU_PAGE = `${prelude(11)}
const fixtures = JSON.parse(await (await fetch('/test/fixtures/conv2d-torch.json')).text(),
  (key, value) => value && typeof value === 'object' && 'nonFinite' in value ? Number(value.nonFinite) : value);
const decode = (encoded) => {
  const bytes = Uint8Array.from(atob(encoded.data), (c) => c.charCodeAt(0));
  return tensor(new Float32Array(bytes.buffer), encoded.shape);
};
const { absolute, relative } = fixtures.tolerance;
const { resolveConv2dCall } = await import('/dist/core/call.js');
const { WebgpuConv } = await import('/dist/kernels/webgpu/layer.js');
const { planWebgpu } = await import('/dist/kernels/webgpu/plan.js');
const { GEMM_TILES } = await import('/dist/kernels/webgpu/gemm.js');
const failures = [];
let checked = 0;
for (const [index, c] of fixtures.valid.entries()) {
  const x = decode(c.input), w = decode(c.weight), b = c.bias ? decode(c.bias) : null;
  const expected = decode(c.output).data;
  const info = resolveConv2dCall(x, w, b, c.options);
  // The public path (the planner's kernel) on every fixture; the GEMM forced (the fixtures are too
  // narrow for the planner to choose it) on every 16th, with its K split in two on every 48th —
  // SwiftShader takes seconds to compile each GEMM configuration.
  const outputs = [['planned', (await conv2dAsync(x, w, b, { ...c.options, backend: 'webgpu' })).data]];
  const forced = [];
  if (index % 16 === 0) forced.push(['gemm', planWebgpu(info, 'webgpu-gemm')]);
  if (index % 48 === 0) forced.push(['gemm split 2', planWebgpu(info, 'webgpu-gemm', { ...GEMM_TILES['m32n64k16-t4x4'], splitK: 2 })]);
  for (const [name, plan] of forced) {
    const layer = await WebgpuConv.create(info, plan);
    const output = new Float32Array(expected.length);
    await layer.run(x.data, output, { weight: w.data, bias: b ? b.data : null });
    layer.destroy();
    outputs.push([name, output]);
  }
  for (const [name, y] of outputs) {
    checked++;
    for (let i = 0; i < expected.length; i++) {
      if (!(Math.abs(y[i] - expected[i]) <= absolute + relative * Math.abs(expected[i])) && !Object.is(y[i], expected[i])) { failures.push(c.name + ' ' + name); break; }
    }
  }
}
const cases = [
  [[1, 16, 20, 20], [32, 16, 3, 3], { padding: 1 }],
  [[1, 64, 6, 6], [64, 64, 3, 3], { padding: 1 }], // few tiles, long K: split-K
  [[2, 4, 9, 11], [6, 2, 3, 2], { groups: 2, stride: [2, 1], dilation: 2, padding: 'valid' }],
  [[1, 3, 8, 8], [3, 1, 3, 3], { groups: 3, padding: 2, paddingMode: 'reflect' }],
];
let worst = 0;
for (const [xs, ws, options] of cases) {
  const x = make(xs), w = make(ws), b = make([ws[0]]);
  const expected = conv2d(x, w, b, { ...options, backend: 'reference' });
  const y = await conv2dAsync(x, w, b, { ...options, backend: 'webgpu' });
  for (let i = 0; i < y.data.length; i++) worst = Math.max(worst, Math.abs(y.data[i] - expected.data[i]) / (1 + Math.abs(expected.data[i])));
}
window.result = { hasGpu: !!navigator.gpu, worst, checked, fixtures: fixtures.valid.length, failures };
</script>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };

let server: Server;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    // Cross-origin isolation: what a page needs for SharedArrayBuffer and shared WebAssembly memory
    // (every resource of the isolated page carries the headers; ?plain serves a page without them).
    if (!url.searchParams.has('plain') && !(request.headers.referer ?? '').includes('plain')) {
      response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    const path = url.pathname;
    if (path === '/' || path === '/gpu') {
      response.setHeader('Content-Type', 'text/html');
      response.end(path === '/gpu' ? GPU_PAGE : PAGE);
      return;
    }
    const file = normalize(join(ROOT, path));
    const served = [
      join(ROOT, 'dist'),
      join(ROOT, 'node_modules', 'gifenc'),
      join(ROOT, 'node_modules', 'fflate'),
      join(ROOT, 'test', 'fixtures', 'conv2d-torch.json'),
    ];
    if (!served.some((prefix) => file.startsWith(prefix))) {
      response.statusCode = 404;
      response.end();
      return;
    }
    try {
      const body = await readFile(file);
      response.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
      response.end(body);
    } catch {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // WebGPU on SwiftShader (the Vulkan driver Debian's chromium ships), for the GPU backend's test.
    args: [
      '--no-sandbox',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--enable-unsafe-webgpu',
      '--use-webgpu-adapter=swiftshader',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function runPage(path: string): Promise<Record<string, unknown>> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}${path}`);
  await page
    .waitForFunction(() => (window as { result?: unknown }).result !== undefined, undefined, { timeout: 140_000 })
    .catch(() => {
      throw new Error(`the page did not finish: ${errors.join('; ')}`);
    });
  const result = await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result);
  await page.close();
  expect(errors).toEqual([]);
  return result;
}

describe('in Chromium', () => {
  it('cross-origin isolated: every kernel on shared memory, on the calling thread and on Web Workers, matches the reference', async () => {
    const result = await runPage('/');
    expect(result.isolated).toBe(true);
    expect(result.available).toBe(true);
    expect(result.shared).toBe(true);
    expect(result.relaxed).toBe(true); // Chromium validates relaxed SIMD: the fused multiply-add flavour runs
    expect(result.workersStarted).toBeGreaterThanOrEqual(1); // conv2dAsync used the Web Worker pool
    expect(result.worst as number).toBeLessThan(1e-5);
    expect(result.drawn).toBe(result.expectedColour); // drawFrame works on the browser's canvas
  }, 90_000);

  it('the WebGPU backend (navigator.gpu, SwiftShader here) matches the reference', async () => {
    const result = await runPage('/gpu');
    expect(result.hasGpu).toBe(true);
    const fixtures = result.fixtures as number;
    expect(fixtures).toBeGreaterThan(190);
    expect(result.checked).toBe(fixtures + Math.ceil(fixtures / 16) + Math.ceil(fixtures / 48)); // every fixture, the GEMM samples
    expect(result.failures).toEqual([]);
    expect(result.worst as number).toBeLessThan(1e-5);
  }, 150_000);

  it('not isolated: the unshared build runs the kernels on one thread, matching the reference', async () => {
    const result = await runPage('/?plain');
    expect(result.isolated).toBe(false);
    expect(result.available).toBe(true);
    expect(result.shared).toBe(false);
    expect(result.workersStarted).toBe(0);
    expect(result.worst as number).toBeLessThan(1e-5);
  }, 90_000);
});
