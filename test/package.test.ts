import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build, createLogger, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as users get it: `npm pack`'s tarball installed into fresh projects (npm test builds
 * dist/ first), then used — from Node (ES modules and CommonJS), from a strict TypeScript project,
 * and bundled by Vite, webpack 5 and esbuild with no configuration and run in Chromium, with and
 * without cross-origin isolation.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'convlab-package-'));
let tarball = '';

function sh(command: string, args: string[], cwd: string) {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
  });
}

/** A fresh project with the tarball installed (no other dependency). */
function project(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const installed = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], dir);
  expect(installed.status, installed.stderr).toBe(0);
  return dir;
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  return stat.isDirectory() ? readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0) : stat.size;
}

beforeAll(() => {
  tarball = join(
    work,
    execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!,
  );
}, 120_000);

describe('the packed package, linted', () => {
  it('publint: no error, warning or suggestion', () => {
    const r = sh(join(ROOT, 'node_modules/.bin/publint'), ['run', '--strict', '--level', 'suggestion', tarball], ROOT);
    expect(r.stdout + r.stderr).toMatch(/All good!/);
    expect(r.status).toBe(0);
  });

  it('are-the-types-wrong: every entry resolves with types under node10, node16 (CommonJS and ES modules) and bundlers', () => {
    const r = sh(join(ROOT, 'node_modules/.bin/attw'), [tarball, '--format', 'json'], ROOT);
    const report = JSON.parse(r.stdout) as { analysis: { problems: unknown[] } };
    expect(report.analysis.problems).toEqual([]);
    expect(r.status).toBe(0);
  });
});

describe('the packed package in Node', () => {
  let dir = '';
  beforeAll(() => {
    dir = project('node-esm', {
      'app.mjs': `import { Conv2d, ConvlabError, conv2d, tensor } from 'convlab';
const layer = new Conv2d(16, 32, 3, { padding: 1, seed: 1 });
const x = tensor(Float32Array.from({ length: 16 * 40 * 40 }, (_, i) => Math.sin(i)), [1, 16, 40, 40]);
const a = layer.forward(x), b = await layer.forwardAsync(x, { threads: 2 });
// convlab/sweep: a two-point sweep (no chart, so no optional package), its own platform installed.
const { runSweep, sweepBase } = await import('convlab/sweep');
const base = sweepBase([4, 12, 12], { outChannels: 4, kernelSize: 3 });
const swept = await runSweep({ id: 's', title: 's', base, x: { argument: 'out-channels', values: [1, 2] } }, { budgetMs: 400 });
// One module graph: an error from convlab/sweep is convlab's class.
let oneGraph = false;
try { sweepBase([0, 12, 12], { outChannels: 4, kernelSize: 3 }); } catch (e) { oneGraph = e instanceof ConvlabError; }
console.log(JSON.stringify({ shape: a.shape, same: a.data.every((v, i) => v === b.data[i]), points: swept.points.length, oneGraph }));`,
      'app.cjs': `const { Conv2d, ConvlabError, tensor } = require('convlab');
const layer = new Conv2d(16, 32, 3, { padding: 1, seed: 1 });
const x = tensor(Float32Array.from({ length: 16 * 40 * 40 }, (_, i) => Math.sin(i)), [1, 16, 40, 40]);
const { runSweep, sweepBase } = require('convlab/sweep');
layer.forwardAsync(x, { threads: 2 }).then(async (b) => {
  const a = layer.forward(x);
  const base = sweepBase([4, 12, 12], { outChannels: 4, kernelSize: 3 });
  const swept = await runSweep({ id: 's', title: 's', base, x: { argument: 'out-channels', values: [1, 2] } }, { budgetMs: 400 });
  let oneGraph = false;
  try { sweepBase([0, 12, 12], { outChannels: 4, kernelSize: 3 }); } catch (e) { oneGraph = e instanceof ConvlabError; }
  console.log(JSON.stringify({ shape: a.shape, same: a.data.every((v, i) => v === b.data[i]), points: swept.points.length, oneGraph }));
});`,
    });
  }, 120_000);

  it('installs light: the engine, shapes and the picture model in under 10 MB of node_modules', () => {
    const modules = join(dir, 'node_modules');
    const packages = readdirSync(modules).filter((name) => !name.startsWith('.'));
    expect(packages.sort()).toEqual(['commander', 'convlab', 'fflate', 'gifenc']);
    expect(sizeOf(modules)).toBeLessThan(10 * 2 ** 20);
  });

  it.each(['app.mjs', 'app.cjs'])('computes with threads from %s (ES module and CommonJS)', (app) => {
    const run = sh(process.execPath, [app], dir);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ shape: [1, 32, 40, 40], same: true, points: 2, oneGraph: true });
  });

  it('the CLI names what a heavy command needs, in one line, exit 2', () => {
    const convlab = (...args: string[]) =>
      sh(process.execPath, [join(dir, 'node_modules/convlab/dist/cli/main.js'), ...args], dir);
    expect(convlab('shape', '--input', '3,7,7', '--out-channels', '2', '-k', '3').status).toBe(0);
    for (const [args, words] of [
      [
        ['gif', '--input', '3,7,7', '--out-channels', '2', '-k', '3', '--output', 'x.gif'],
        'convlab gif: convlab gif needs @napi-rs/canvas: npm install @napi-rs/canvas',
      ],
      [
        ['sweep', '--x', 'out-channels=1,2', '--out-dir', 'sweeps'],
        'convlab sweep: convlab sweep needs vega: npm install vega',
      ],
    ] as const) {
      const r = convlab(...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(words);
    }
  });

  it('type-checks in a strict TypeScript project without skipLibCheck', () => {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          noEmit: true,
          skipLibCheck: false,
          types: [],
          lib: ['ES2022', 'DOM'],
        },
        include: ['app.ts'],
      }),
    );
    writeFileSync(
      join(dir, 'app.ts'),
      `import { Conv2d, type Tensor, conv2d, conv2dAsync, createAnimation, describeConv2d, tensor } from 'convlab';
const layer = new Conv2d(3, 2, 3, { padding: 1 });
const y: Tensor = conv2d(tensor(new Float32Array(3 * 7 * 7), [1, 3, 7, 7]), layer.weight, layer.bias, { padding: 1 });
const z: Promise<Tensor> = conv2dAsync(y, layer.weight, null, { threads: 2 });
console.log(y.shape, z, describeConv2d([3, 7, 7], { outChannels: 2, kernelSize: 3 }).outputShape, createAnimation([3, 7, 7], { outChannels: 2, kernelSize: 3 }).steps);
`,
    );
    const tsc = sh(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], dir);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });
});

describe('the packed package in a Vite app (no configuration) in Chromium', () => {
  let dir = '';
  let browser: Browser;
  const messages: string[] = [];
  beforeAll(async () => {
    dir = project('vite-app', {
      'index.html':
        '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><pre id="out"></pre><script type="module" src="./main.js"></script></body></html>',
      'main.js': `import { capabilities, conv2d, conv2dAsync, tensor } from 'convlab';
const x = tensor(Float32Array.from({ length: 16 * 40 * 40 }, (_, i) => Math.sin(i)), [1, 16, 40, 40]);
const w = tensor(Float32Array.from({ length: 32 * 16 * 9 }, (_, i) => Math.cos(i)), [32, 16, 3, 3]);
const a = conv2d(x, w, null, { padding: 1 });
const b = await conv2dAsync(x, w, null, { padding: 1, threads: 2 });
const caps = await capabilities();
document.getElementById('out').textContent = JSON.stringify({ shape: a.shape, same: a.data.every((v, i) => v === b.data[i]), isolated: crossOriginIsolated, caps });
document.body.dataset.done = 'true';`,
    });
    const logger = createLogger('info');
    for (const level of ['warn', 'warnOnce', 'error'] as const)
      logger[level] = (message: string) => {
        messages.push(`${level}: ${message}`);
      };
    logger.info = () => {};
    await build({ root: dir, configFile: false, customLogger: logger });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('builds with no warning ("externalized for browser compatibility" included) and no Node-only chunk', () => {
    expect(messages).toEqual([]);
    const assets = readdirSync(join(dir, 'dist/assets'));
    expect(assets.some((name) => /webgpu|worker-node|platform\/node/.test(name))).toBe(false);
    expect(assets.some((name) => name.startsWith('worker-browser'))).toBe(true); // the threads' worker, found and bundled
  });

  it.each([true, false])('runs, cross-origin isolated: %s', async (isolated) => {
    const server = await preview({
      root: dir,
      configFile: false,
      logLevel: 'silent',
      preview: {
        port: 0,
        headers: isolated
          ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
          : {},
      },
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    try {
      await page.goto(server.resolvedUrls!.local[0]!);
      await page.waitForSelector('body[data-done=true]', { timeout: 30_000 });
      const { caps, ...result } = JSON.parse((await page.textContent('#out'))!);
      expect(result).toEqual({ shape: [1, 32, 40, 40], same: true, isolated });
      // capabilities() says what the page really gets: threads on workers only where it is isolated.
      expect(caps.platform).toBe('browser');
      expect(caps.simd).toBe(true);
      if (isolated) expect(caps.threads).toBe(Math.min(caps.cores, 64));
      else
        expect(caps).toMatchObject({ threads: 1, threadsReason: expect.stringContaining('not cross-origin isolated') });
      expect(caps.webgpu || !/VK_ICD|Node/.test(caps.webgpuReason)).toBe(true); // a browser's words
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  });
});

/** The page every browser consumer runs: both calls agree, and capabilities() says what the page got. */
const PAGE_SCRIPT = (
  configure: string,
) => `import { capabilities, configure, conv2d, conv2dAsync, tensor } from 'convlab';
${configure}
const x = tensor(Float32Array.from({ length: 16 * 40 * 40 }, (_, i) => Math.sin(i)), [1, 16, 40, 40]);
const w = tensor(Float32Array.from({ length: 32 * 16 * 9 }, (_, i) => Math.cos(i)), [32, 16, 3, 3]);
const a = conv2d(x, w, null, { padding: 1 });
const b = await conv2dAsync(x, w, null, { padding: 1, threads: 2 });
document.getElementById('out').textContent = JSON.stringify({ same: a.data.every((v, i) => v === b.data[i]), caps: await capabilities() });
document.body.dataset.done = 'true';`;

describe('the packed package bundled by esbuild (no configuration) in Chromium', () => {
  let dir = '';
  let browser: Browser;
  beforeAll(async () => {
    dir = project('esbuild-app', {
      'plain.js': PAGE_SCRIPT(''),
      // esbuild does not bundle workers: the one-file worker is copied beside the bundle and named.
      'threads.js': PAGE_SCRIPT("configure({ workerUrl: new URL('./convlab-worker.js', import.meta.url) });"),
    });
    for (const name of ['plain', 'threads']) {
      const built = sh(
        join(ROOT, 'node_modules/.bin/esbuild'),
        [`${name}.js`, '--bundle', '--format=esm', `--outfile=dist/${name}.js`],
        dir,
      );
      expect(built.status, built.stderr).toBe(0);
      expect(built.stderr).not.toMatch(/warning|error/i);
      writeFileSync(
        join(dir, `dist/${name}.html`),
        `<!doctype html><html><head><link rel="icon" href="data:,"></head><body><pre id="out"></pre><script type="module" src="./${name}.js"></script></body></html>`,
      );
    }
    copyFileSync(join(dir, 'node_modules/convlab/dist/convlab-worker.js'), join(dir, 'dist/convlab-worker.js'));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ['plain', 1],
    ['threads', 2],
  ] as const)('%s: computes; threads on workers only where the worker script is found (%i)', async (name, threads) => {
    const server = await preview({
      root: dir,
      configFile: false,
      logLevel: 'silent',
      preview: {
        port: 0,
        headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
      },
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${server.resolvedUrls!.local[0]!}${name}.html`);
      await page.waitForSelector('body[data-done=true]', { timeout: 30_000 });
      const { same, caps } = JSON.parse((await page.textContent('#out'))!);
      expect(same).toBe(true);
      expect(caps.threads).toBe(Math.min(threads, caps.cores));
      if (threads === 1) expect(caps.threadsReason).toMatch(/a worker failed to start.*configure\(\{ workerUrl \}\)/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  });
});

describe('the packed package bundled by webpack 5 (no configuration) in Chromium', () => {
  let dir = '';
  let browser: Browser;
  beforeAll(async () => {
    dir = project('webpack-app', {});
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'src/index.js'),
      PAGE_SCRIPT('')
        .replace(/await capabilities\(\)/, 'caps')
        .replace('const b = await conv2dAsync', 'const caps = await capabilities();\nconst b = await conv2dAsync'),
    );
    const built = sh(
      process.execPath,
      [join(ROOT, 'node_modules/webpack-cli/bin/cli.js'), '--mode', 'production'],
      dir,
    );
    expect(built.status, built.stdout + built.stderr).toBe(0);
    expect(built.stdout).toMatch(/compiled successfully/);
    expect(built.stdout).not.toMatch(/WARNING|ERROR/);
    writeFileSync(
      join(dir, 'dist/index.html'),
      '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><pre id="out"></pre><script src="./main.js"></script></body></html>',
    );
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.each([true, false])(
    'runs, cross-origin isolated: %s (threads on the worker webpack bundled)',
    async (isolated) => {
      const server = await preview({
        root: dir,
        configFile: false,
        logLevel: 'silent',
        preview: {
          port: 0,
          headers: isolated
            ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
            : {},
        },
      });
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        await page.goto(server.resolvedUrls!.local[0]!);
        await page.waitForSelector('body[data-done=true]', { timeout: 30_000 });
        const { same, caps } = JSON.parse((await page.textContent('#out'))!);
        expect(same).toBe(true);
        expect(caps.threads).toBe(isolated ? Math.min(caps.cores, 64) : 1);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
        await server.close();
      }
    },
  );
});
