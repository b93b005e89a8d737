#!/usr/bin/env node
// Makes assets/fonts/NotoSansSC-convlab-{Regular,Bold}.ttf: Noto Sans SC (SIL Open Font License),
// cut down to the Chinese characters convlab's pictures and charts print (WORDS['zh-CN'] in
// src/viz/i18n.ts), so the package ships ~30 KB instead of 2 × 10 MB. Run it after changing those
// strings: `npm run build && node scripts/subset-cjk-font.mjs` (test/viz-fonts.test.ts fails until
// the subset covers every character).
// Needs: `pyftsubset` (Debian's fonttools, installed here if missing) and the npm registry (the
// source font comes from the @expo-google-fonts/noto-sans-sc package, fetched into a temporary folder).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allText } from '../dist/viz/i18n.js';

const SOURCE_PACKAGE = '@expo-google-fonts/noto-sans-sc@0.4.3';
const out = new URL('../assets/fonts/', import.meta.url).pathname;

function ensurePyftsubset() {
  try {
    execFileSync('pyftsubset', ['--help'], { stdio: 'ignore' });
  } catch {
    const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
    execFileSync(
      sudo[0] ?? 'apt-get',
      [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'install', '-y', '-qq', 'fonttools'],
      { stdio: 'inherit' },
    );
  }
}

// Characters DejaVu Sans lacks: CJK ideographs, CJK punctuation and full-width forms.
const characters = [...new Set([...allText('zh-CN')].filter((ch) => ch.codePointAt(0) >= 0x2e80))].sort().join('');
ensurePyftsubset();
const work = mkdtempSync(join(tmpdir(), 'convlab-font-'));
try {
  execFileSync('npm', ['pack', SOURCE_PACKAGE, '--silent'], { cwd: work, stdio: ['ignore', 'pipe', 'inherit'] });
  execFileSync('sh', ['-c', 'tar xzf *.tgz'], { cwd: work });
  for (const [weight, name] of [
    ['400Regular', 'Regular'],
    ['700Bold', 'Bold'],
  ]) {
    execFileSync(
      'pyftsubset',
      [
        join(work, 'package', weight, `NotoSansSC_${weight}.ttf`),
        `--text=${characters}`,
        `--output-file=${join(out, `NotoSansSC-convlab-${name}.ttf`)}`,
        '--layout-features=*',
        '--name-IDs=*',
        '--no-hinting',
      ],
      { stdio: 'inherit' },
    );
  }
  copyFileSync(join(work, 'package', 'LICENSE_FONT'), join(out, 'OFL.txt'));
  writeFileSync(join(out, 'characters.txt'), `${characters}\n`);
  console.log(`subset ${characters.length} characters from ${SOURCE_PACKAGE} into ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
