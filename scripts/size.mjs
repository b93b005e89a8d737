#!/usr/bin/env node
// How big the code is, in tinygrad's sz.py spirit: lines, and characters per line, per file and per
// folder of src/ (and web/). Printed by CI; run it any time: node scripts/size.mjs
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : files(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}
const rows = [...files(join(root, 'src')), ...files(join(root, 'web'))].map((path) => {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const chars = lines.reduce((n, line) => n + line.trim().length, 0);
  return {
    file: relative(root, path),
    lines: lines.length,
    perLine: chars / Math.max(1, lines.length),
    long: lines.filter((l) => l.length > 120).length,
  };
});
rows.sort((a, b) => b.lines - a.lines);
const pad = (text, width) => String(text).padStart(width);
console.log(`${'file'.padEnd(44)} ${pad('lines', 6)} ${pad('chars/line', 10)} ${pad('>120', 5)}`);
for (const r of rows)
  console.log(`${r.file.padEnd(44)} ${pad(r.lines, 6)} ${pad(r.perLine.toFixed(1), 10)} ${pad(r.long, 5)}`);
const folders = new Map();
for (const r of rows) {
  const folder = dirname(r.file);
  const f = folders.get(folder) ?? { lines: 0, files: 0 };
  folders.set(folder, { lines: f.lines + r.lines, files: f.files + 1 });
}
console.log(`\n${'folder'.padEnd(44)} ${pad('files', 6)} ${pad('lines', 6)}`);
for (const [folder, f] of [...folders].sort((a, b) => b[1].lines - a[1].lines))
  console.log(`${folder.padEnd(44)} ${pad(f.files, 6)} ${pad(f.lines, 6)}`);
console.log(
  `\ntotal: ${rows.length} files, ${rows.reduce((n, r) => n + r.lines, 0)} lines, ${rows.reduce((n, r) => n + r.long, 0)} lines over 120 characters`,
);
