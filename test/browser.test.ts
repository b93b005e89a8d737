import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
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
 * The two test pages are typed programs (test/browser/engine-page.ts, gpu-page.ts), bundled here with
 * esbuild: every import of src/ stays an import of the built /dist/ module, so the page runs the
 * package as shipped; an import map resolves its browser dependencies (gifenc, fflate) as a bundler would.
 */
const PROGRAMS = { '/': 'engine-page.ts', '/gpu': 'gpu-page.ts' } as const;
const bundles = new Map<string, string>();

async function bundlePrograms(): Promise<void> {
  for (const [path, file] of Object.entries(PROGRAMS)) {
    const result = await build({
      entryPoints: [join(ROOT, 'test', 'browser', file)],
      bundle: true,
      format: 'esm',
      target: 'es2022',
      write: false,
      logLevel: 'warning',
      plugins: [
        {
          name: 'src-to-dist',
          setup(b) {
            b.onResolve({ filter: /\/src\// }, (args) => ({
              path: `/dist/${args.path.split('/src/')[1]}`,
              external: true,
            }));
          },
        },
      ],
    });
    bundles.set(path, result.outputFiles[0]!.text);
  }
}

const page = (path: string) => `<!doctype html><meta charset="utf-8">
<script type="importmap">{ "imports": { "gifenc": "/node_modules/gifenc/dist/gifenc.esm.js", "fflate": "/node_modules/fflate/esm/browser.js" } }</script>
<script type="module" src="/program${path === '/' ? '' : path}.js"></script>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' };

let server: Server;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  await bundlePrograms();
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
      response.end(page(path));
      return;
    }
    if (path === '/program.js' || path === '/program/gpu.js') {
      response.setHeader('Content-Type', 'text/javascript');
      response.end(bundles.get(path === '/program.js' ? '/' : '/gpu'));
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
    expect(result.agrees).toBe(true);
    expect(result.drawn).toBe(result.expectedColour); // drawFrame works on the browser's canvas
  }, 90_000);

  it('the WebGPU backend (navigator.gpu, SwiftShader here) matches the reference', async () => {
    const result = await runPage('/gpu');
    expect(result.hasGpu).toBe(true);
    const fixtures = result.fixtures as number;
    expect(fixtures).toBeGreaterThan(190);
    expect(result.checked).toBe(fixtures + Math.ceil(fixtures / 16) + Math.ceil(fixtures / 48)); // every fixture, the GEMM samples
    expect(result.failures).toEqual([]);
    expect(result.agrees).toBe(true);
  }, 150_000);

  it('not isolated: the unshared build runs the kernels on one thread, matching the reference', async () => {
    const result = await runPage('/?plain');
    expect(result.isolated).toBe(false);
    expect(result.available).toBe(true);
    expect(result.shared).toBe(false);
    expect(result.workersStarted).toBe(0);
    expect(result.agrees).toBe(true);
  }, 90_000);
});
