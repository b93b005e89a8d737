#!/usr/bin/env node
// One-file builds made from dist/ after tsc (rolldown; packages and node: modules stay external):
// - dist/cjs/entry-node.cjs and dist/cjs/node.cjs: the Node entry and `convlab/node` as CommonJS, for
//   `require`. It sits one folder
//   below dist/ like the ES modules it is made of, so the paths they resolve from import.meta.url
//   (the worker script, the fonts) point at the same files.
// - dist/convlab-worker.js: the browser worker in one file, for bundlers that do not bundle workers
//   (esbuild): copy it beside your bundle and call configure({ workerUrl }) (docs/browser.md).
import { rolldown } from 'rolldown';

const dist = (path) => new URL(`../dist/${path}`, import.meta.url).pathname;

async function bundle(input, file, format) {
  const build = await rolldown({
    input: dist(input),
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    platform: format === 'cjs' ? 'node' : 'browser',
    logLevel: 'warn',
  });
  await build.write({ file: dist(file), format, sourcemap: false, codeSplitting: false });
  await build.close();
}

await bundle('entry-node.js', 'cjs/entry-node.cjs', 'cjs');
// `convlab/node` (rendering in Node) for require too; one folder below dist/, so its fonts resolve alike.
await bundle('viz/node.js', 'cjs/node.cjs', 'cjs');
// `convlab/sweep` (sweeps and their charts) for require too.
await bundle('sweep-node.js', 'cjs/sweep.cjs', 'cjs');
await bundle('kernels/threads/worker-browser.js', 'convlab-worker.js', 'esm');

// Types for `require('convlab')`: the declaration tree again as .d.cts files beside the CommonJS
// entry, their relative imports pointing at .cjs, so TypeScript reads them as CommonJS types
// (a .d.ts in this "type": "module" package would be read as ES module types).
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const distDir = dist('');
const cjsDir = dist('cjs');
function declarations(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return path === cjsDir || name === 'embed' ? [] : declarations(path);
    return name.endsWith('.d.ts') ? [path] : [];
  });
}
for (const file of declarations(distDir)) {
  const target = join(cjsDir, relative(distDir, file)).replace(/\.d\.ts$/, '.d.cts');
  mkdirSync(dirname(target), { recursive: true });
  const text = readFileSync(file, 'utf8').replace(
    /(from\s+|import\s*\(?)(['"])(\.{1,2}\/[^'"]+)\.js\2/g,
    '$1$2$3.cjs$2',
  );
  writeFileSync(target, text);
}
