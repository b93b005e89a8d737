import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KERNELS } from '../src/kernels/table.js';

const WASM_KERNELS = KERNELS.filter((k) => k.backend === 'wasm').length;

/**
 * The relaxed-SIMD flavour (fused multiply-add) is chosen where the platform validates it; Node 20
 * needs a flag for it, so this runs the built package in a child process with the flag and checks
 * the flavour was picked and every WebAssembly kernel still matches the reference kernel.
 */
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

const script = `
import { conv2d, tensor } from '${DIST}entry-node.js';
import { kernelModule } from '${DIST}kernels/wasm/runtime.js';
import { runConv2d } from '${DIST}kernels/run.js';
import { resolveConv2dCall } from '${DIST}core/call.js';
import { kernelEntry, kernelsSupporting } from '${DIST}kernels/table.js';
import { randomFill } from '${DIST}core/random.js';
import { compareOutputs, compareToScale } from '${DIST}core/compare.js';
let seed = 1;
const make = (shape) => tensor(randomFill(shape.reduce((a, b) => a * b, 1), seed++), shape);
const cases = [
  [[2, 8, 13, 11], [12, 8, 3, 3], { padding: 1 }],
  [[1, 16, 9, 17], [7, 16, 1, 1], {}],
  [[1, 6, 20, 21], [12, 1, 3, 3], { groups: 6, padding: 1 }],
  [[1, 4, 9, 9], [6, 2, 3, 2], { groups: 2, stride: 2, dilation: 2, padding: 2, paddingMode: 'reflect' }],
];
let agrees = true;
const ran = new Set();
for (const [xs, ws, options] of cases) {
  const x = make(xs), w = make(ws), b = make([ws[0]]);
  const expected = conv2d(x, w, b, { ...options, backend: 'reference' });
  const info = resolveConv2dCall(x, w, b, options);
  for (const kernel of kernelsSupporting(info, 'wasm')) {
    const out = new Float32Array(expected.data.length);
    ran.add(runConv2d(info, x.data, w.data, b.data, out, 'wasm', kernel));
    // Winograd is held to 1e-4 of the output's scale (its table entry's rounding rule), the rest to 1e-5 each.
    agrees &&= kernelEntry(kernel).rounding === 'scale'
      ? compareToScale(out, expected.data).agrees
      : compareOutputs(out, expected.data, 1e-5, 1e-5).agrees;
  }
}
console.log(JSON.stringify({ relaxed: kernelModule().support.relaxedSimd, agrees, ran: ran.size }));
`;

describe('relaxed SIMD flavour', () => {
  it('is used when the platform has it, and matches the reference kernel', () => {
    const result = spawnSync(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    const { relaxed, agrees, ran } = JSON.parse(result.stdout) as { relaxed: boolean; agrees: boolean; ran: number };
    expect(relaxed).toBe(true);
    expect(agrees).toBe(true);
    expect(ran).toBe(WASM_KERNELS); // every WebAssembly kernel of the table
  });

  it('is not required: without the flag the SIMD128 flavour runs', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const { relaxed, agrees, ran } = JSON.parse(result.stdout) as { relaxed: boolean; agrees: boolean; ran: number };
    expect(relaxed).toBe(false);
    expect(agrees).toBe(true);
    expect(ran).toBe(WASM_KERNELS); // every WebAssembly kernel of the table
  });
});
