import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../src/index.js';
import { expectClose } from './helpers.js';

/** `convlab forward --weights … --layer …` (the built CLI) against PyTorch's own forward pass. */

const DIR = fileURLToPath(new URL('./fixtures/weights/', import.meta.url));
const file = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));

describe('convlab forward --weights --layer', () => {
  const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const out = mkdtempSync(join(tmpdir(), 'convlab-weights-'));
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'forward', ...args], { encoding: 'utf8' });

  it.each(['model.safetensors', 'model.npz'])('runs features.0 of %s as PyTorch did', (name) => {
    const output = join(out, `${name}.npy`);
    const r = run(
      '--input',
      join(DIR, 'x.npy'),
      '--weights',
      join(DIR, name),
      '--layer',
      'features.0',
      '-p',
      '1',
      '--output',
      output,
    );
    expect(r.status, r.stderr).toBe(0);
    expectClose(readNpy(new Uint8Array(readFileSync(output))), readNpy(file('y-features.0.npy')));
  });

  it('names the layers there are when the name is wrong: exit 2, one line', () => {
    const r = run(
      '--input',
      join(DIR, 'x.npy'),
      '--weights',
      join(DIR, 'model.npz'),
      '--layer',
      'conv1',
      '--output',
      join(out, 'x.npy'),
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      "convlab forward: invalid --layer (layer = 'conv1'): no convolution weight 'conv1.weight' in the file; its convolution layers are: features.0, features.2",
    );
  });

  it('reads a weights file head first: a large file of something else, or /dev/zero, is refused at once (issue 14)', () => {
    const big = join(out, 'big.bin');
    writeFileSync(big, '');
    truncateSync(big, 1.5 * 2 ** 30); // sparse: a header length of 0
    const started = performance.now();
    for (const weights of [big, '/dev/zero']) {
      const r = run(
        '--input',
        join(DIR, 'x.npy'),
        '--weights',
        weights,
        '--layer',
        'features.0',
        '--output',
        join(out, 'never.npy'),
      );
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(/neither a \.safetensors file .* nor an \.npz archive$/);
    }
    // A zip's first bytes followed by 1.5 GiB of nothing: refused from its last bytes, not read whole.
    const fakeZip = join(out, 'fake.npz');
    writeFileSync(fakeZip, new Uint8Array([0x50, 0x4b, 0x03, 0x04]));
    truncateSync(fakeZip, 1.5 * 2 ** 30);
    const r = run(
      '--input',
      join(DIR, 'x.npy'),
      '--weights',
      fakeZip,
      '--layer',
      'features.0',
      '--output',
      join(out, 'never.npy'),
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/without its end-of-directory record/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
