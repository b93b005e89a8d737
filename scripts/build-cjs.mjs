#!/usr/bin/env node
// dist/cjs/entry-node.cjs: the Node entry as one CommonJS file, for `require('convlab')`. Bundles
// convlab's own modules from dist/ (run after tsc) and leaves every package and node: module external.
// It sits one folder below dist/ like the ES modules it is made of, so the paths they resolve from
// import.meta.url (the worker script, the fonts) point at the same files.
import { rolldown } from 'rolldown';

const bundle = await rolldown({
  input: new URL('../dist/entry-node.js', import.meta.url).pathname,
  external: (id) => !id.startsWith('.') && !id.startsWith('/'),
  platform: 'node',
  logLevel: 'warn',
});
await bundle.write({ file: new URL('../dist/cjs/entry-node.cjs', import.meta.url).pathname, format: 'cjs', sourcemap: false, codeSplitting: false });
await bundle.close();
