#!/usr/bin/env node
// One-file builds made from dist/ after tsc (rolldown; packages and node: modules stay external):
// - dist/cjs/entry-node.cjs: the Node entry as CommonJS, for `require('convlab')`. It sits one folder
//   below dist/ like the ES modules it is made of, so the paths they resolve from import.meta.url
//   (the worker script, the fonts) point at the same files.
// - dist/convlab-worker.js: the browser worker in one file, for bundlers that do not bundle workers
//   (esbuild): copy it beside your bundle and call configure({ workerUrl }) (docs/browser.md).
import { rolldown } from 'rolldown';

const dist = (path) => new URL(`../dist/${path}`, import.meta.url).pathname;

async function bundle(input, file, format) {
  const build = await rolldown({ input: dist(input), external: (id) => !id.startsWith('.') && !id.startsWith('/'), platform: format === 'cjs' ? 'node' : 'browser', logLevel: 'warn' });
  await build.write({ file: dist(file), format, sourcemap: false, codeSplitting: false });
  await build.close();
}

await bundle('entry-node.js', 'cjs/entry-node.cjs', 'cjs');
await bundle('kernels/threads/worker-browser.js', 'convlab-worker.js', 'esm');
