#!/usr/bin/env node
// Builds made from dist/ after tsc (rolldown; packages and node: modules stay external, but for two):
// - dist/esm/ and dist/cjs/: the Node entries — `convlab` (entry-node), `convlab/node` (node) and
//   `convlab/sweep` (sweep) — as ES modules for `import` and as CommonJS for `require`. In each
//   format the three entries share one module graph (one platform, one settings object, one
//   Conv2dError class): `convlab`'s modules in one chunk, what only the other two need with them.
//   fflate and gifenc are inlined and comments left out, for a fast import: loading
//   tsc's 100 small files and the two packages took 68 ms on this 2-core machine, this takes ~20 ms
//   (`node scripts/speed-probes.mjs first-call`). Both folders sit one folder below dist/ like the
//   modules they are made of, so the paths those resolve from import.meta.url (the worker script,
//   the fonts) point at the same files.
// - dist/convlab-worker.js: the browser worker in one file, for bundlers that do not bundle workers
//   (esbuild): copy it beside your bundle and call configure({ workerUrl }) (docs/browser.md).
import { rmSync } from 'node:fs';
import { rolldown } from 'rolldown';

const dist = (path) => new URL(`../dist/${path}`, import.meta.url).pathname;

/** The packages inlined into the Node builds (both MIT; their packages stay installed beside them). */
const INLINED = ['fflate', 'gifenc'];
const BANNER = '// convlab, bundled for Node. Includes fflate (MIT, 101arrowz) and gifenc (MIT, Matt DesLauriers).';

const nodeOptions = {
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !INLINED.includes(id),
  platform: 'node',
  // gifenc's ES build (its `module` field) rather than its CommonJS one; fflate's browser build, as
  // its Node build loads worker_threads at import (~5 ms) for functions convlab does not call
  // (it calls only unzipSync).
  resolve: { mainFields: ['module', 'main'], alias: { fflate: 'fflate/browser' } },
  logLevel: 'warn',
};

/** The modules `convlab` itself is made of (the other entries add theirs: the canvas, the charts). */
async function mainEntryModules() {
  const build = await rolldown({ ...nodeOptions, input: dist('entry-node.js') });
  const { output } = await build.generate({ format: 'esm', codeSplitting: false });
  await build.close();
  return new Set(output.flatMap((chunk) => chunk.moduleIds ?? []));
}

const NODE_ENTRIES = { 'entry-node': 'entry-node.js', node: 'viz/node.js', sweep: 'sweep-node.js' };

async function bundleNode(format, shared) {
  const [dir, ext] = format === 'esm' ? ['esm', 'js'] : ['cjs', 'cjs'];
  rmSync(dist(dir), { recursive: true, force: true });
  const build = await rolldown({
    ...nodeOptions,
    input: Object.fromEntries(Object.entries(NODE_ENTRIES).map(([name, input]) => [name, dist(input)])),
  });
  await build.write({
    dir: dist(dir),
    format,
    sourcemap: format === 'esm',
    entryFileNames: `[name].${ext}`,
    chunkFileNames: `[name]-[hash].${ext}`,
    codeSplitting: { groups: [{ name: 'convlab', test: (id) => shared.has(id) }] },
    // Comments left out (a third of the text), the code not minified: a stack trace shows a line of
    // code, not the whole file on one line. The ES build's source maps lead back to dist/'s modules.
    comments: { legal: true, annotation: false, jsdoc: false },
    postBanner: (chunk) => (chunk.isEntry || chunk.name === 'convlab' ? BANNER : ''),
  });
  await build.close();
}

const shared = await mainEntryModules();
await bundleNode('esm', shared);
await bundleNode('cjs', shared);

const worker = await rolldown({
  input: dist('kernels/threads/worker-browser.js'),
  external: (id) => !id.startsWith('.') && !id.startsWith('/'),
  platform: 'browser',
  logLevel: 'warn',
});
await worker.write({ file: dist('convlab-worker.js'), format: 'esm', sourcemap: false, codeSplitting: false });
await worker.close();

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
