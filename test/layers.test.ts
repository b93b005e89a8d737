import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The module layers, checked on the sources: imports point down only —
 *   errors ← core ← kernels ← (engine, platform) ← (nn, io) ← (viz, bench) ← analysis ← cli
 * — and nothing the browser entry reaches names a Node module or a Node-only package.
 */

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const RANK: Record<string, number> = {
  errors: 0,
  types: 0,
  core: 1,
  kernels: 2,
  engine: 3,
  platform: 3,
  nn: 4,
  io: 4,
  viz: 5,
  bench: 5,
  analysis: 6,
  cli: 7,
};
/** Packages that only run in Node: never reachable from the browser entry. */
const NODE_ONLY = ['webgpu', '@napi-rs/canvas', '@resvg/resvg-js', 'onnxruntime-node', 'commander', 'dejavu-fonts-ttf'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? sources(path)
      : path.endsWith('.ts') && !path.includes('/assembly/')
        ? [path]
        : [];
  });
}

/** Every module a file names: static imports and re-exports, dynamic imports, and worker URLs. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const found = [
    ...text.matchAll(/(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g),
    ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...text.matchAll(/new URL\(\s*['"](\.[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g),
  ].map((m) => m[1]!);
  // Type-only imports vanish from the JavaScript: they cannot load anything.
  const typeOnly = new Set([...text.matchAll(/import\s+type\s+[^'";]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!));
  return found.filter((specifier) => !typeOnly.has(specifier));
}

const resolveLocal = (from: string, specifier: string) => resolve(dirname(from), specifier.replace(/\.js$/, '.ts'));
const layerOf = (file: string) => relative(SRC, file).split('/')[0]!;

describe('module layers', () => {
  it('imports point down only (core imports no kernel, kernels no engine, nothing imports the CLI)', () => {
    const violations: string[] = [];
    for (const file of sources(SRC)) {
      const from = layerOf(file);
      if (!(from in RANK)) continue; // the entries and index sit on top
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith('.')) continue;
        const to = layerOf(resolveLocal(file, specifier));
        if (to in RANK && RANK[to]! > RANK[from]!) violations.push(`${relative(SRC, file)} → ${specifier}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('no cycles between folders (two folders never import each other, directly or around a loop)', () => {
    const edges = new Map<string, Set<string>>();
    for (const file of sources(SRC)) {
      const from = relative(SRC, dirname(file)) || '.';
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith('.')) continue;
        const to = relative(SRC, dirname(resolveLocal(file, specifier))) || '.';
        if (to !== from && !to.startsWith(`${from}/`)) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    // Depth-first search for a back edge; report the loop.
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (node: string, path: string[]) => {
      state.set(node, 'open');
      for (const next of edges.get(node) ?? []) {
        if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), node, next].join(' → '));
        else if (!state.has(next)) visit(next, [...path, node]);
      }
      state.set(node, 'done');
    };
    for (const node of edges.keys()) if (!state.has(node)) visit(node, []);
    expect(cycles).toEqual([]);
  });

  it('nothing the browser entry reaches names a node: module or a Node-only package', () => {
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith('node:') || NODE_ONLY.includes(specifier))
          offending.push(`${[...path, relative(SRC, file)].join(' → ')} → ${specifier}`);
        else if (specifier.startsWith('.')) visit(resolveLocal(file, specifier), [...path, relative(SRC, file)]);
      }
    };
    visit(join(SRC, 'entry-browser.ts'), []);
    visit(join(SRC, 'sweep-browser.ts'), []); // convlab/sweep's browser entry
    expect(seen.size).toBeGreaterThan(40); // the whole API is reached
    expect(offending).toEqual([]);
  });

  it('the check sees what it should: the Node entry does reach node: modules', () => {
    const reached: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith('node:')) reached.push(specifier);
        else if (specifier.startsWith('.')) visit(resolveLocal(file, specifier));
      }
    };
    visit(join(SRC, 'entry-node.ts'));
    expect(reached).toContain('node:worker_threads');
  });

  it('the playground is a client of the library: web/ imports only the public entries', () => {
    const WEB = fileURLToPath(new URL('../web/', import.meta.url));
    const publicEntries = ['entry-browser.ts', 'sweep-browser.ts'].map((name) => join(SRC, name));
    const reachesIn: string[] = [];
    for (const file of readdirSync(WEB).filter((name) => name.endsWith('.ts'))) {
      for (const specifier of importsOf(join(WEB, file))) {
        if (!specifier.startsWith('.')) continue;
        const target = resolveLocal(join(WEB, file), specifier);
        if (target.startsWith(SRC) && !publicEntries.includes(target)) reachesIn.push(`${file} → ${specifier}`);
      }
    }
    expect(reachesIn).toEqual([]);
  });
});
