import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/**
 * The API reference (TypeDoc, `npm run docs` → docs/api/) builds with warnings as errors: every type
 * that appears in a public signature is exported and documented, so a user can name it.
 */
it('the TypeDoc API reference builds with no warning', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = mkdtempSync(join(tmpdir(), 'convlab-api-'));
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.stdout.replace(/.*npm warn.*\n/g, '') + r.stderr).not.toMatch(/warning|error/i);
  expect(r.status).toBe(0);
  expect(readdirSync(out)).toContain('index.html');
}, 120_000);
