import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseValues } from '../src/cli/sweep.js';
import { randomFill } from '../src/core/random.js';
import {
  Conv2d,
  ConvlabError,
  MAX_TENSOR_ELEMENTS,
  conv2d,
  createAnimation,
  describeConv2d,
  kernelsSupporting,
  tensor,
} from '../src/index.js';
import { resolveConv2dCall } from '../src/core/call.js';
import { runConv2d, runConv2dAsync } from '../src/kernels/run.js';
import { BUILT, kernelAgrees } from './helpers.js';

/**
 * The fuzz suite (issue 14): random configurations within limits through every CPU kernel and
 * thread count, agreeing with the reference kernel; hostile sizes through every entry point, each
 * ending in a result or a ConvlabError — and never allocating past the limit, checked by counting
 * every Float32Array the library asks for. A few seconds in CI; FUZZ_RUNS=5000 for a long run.
 * (The GPU's sample is in webgpu.test.ts.)
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** Every Float32Array made while `largest` is watched, by length; the class still answers instanceof for any float array. */
const Original = globalThis.Float32Array;
let largest = 0;
class Counted extends Original {
  constructor(...args: unknown[]) {
    const length = typeof args[0] === 'number' ? args[0] : typeof args[2] === 'number' ? args[2] : 0;
    largest = Math.max(largest, length);
    super(...(args as []));
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Original;
  }
}
beforeAll(() => {
  globalThis.Float32Array = Counted as unknown as Float32ArrayConstructor;
});
afterAll(() => {
  globalThis.Float32Array = Original;
});

/** Runs `f` and returns how many elements its largest Float32Array had, and whether it was refused. */
function watched(f: () => unknown): { refused: boolean; largest: number } {
  largest = 0;
  try {
    f();
    return { refused: false, largest };
  } catch (error) {
    if (!(error instanceof ConvlabError)) throw error;
    expect(error.message).not.toContain('\n');
    return { refused: true, largest };
  }
}

const small = (max: number) => fc.integer({ min: 1, max });
const config = fc
  .record({
    batch: fc.integer({ min: 0, max: 2 }),
    groups: small(3),
    cPer: small(3),
    oPer: small(3),
    h: small(9),
    w: small(9),
    kh: small(4),
    kw: small(4),
    stride: fc.tuple(small(3), small(3)),
    dilation: fc.tuple(small(3), small(3)),
    padding: fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
      fc.constant('same' as const),
    ),
    paddingMode: fc.constantFrom('zeros', 'reflect', 'replicate', 'circular'),
    bias: fc.boolean(),
  })
  .map((c) => ({ ...c, stride: c.padding === 'same' ? ([1, 1] as [number, number]) : c.stride }));

describe('fuzz: random configurations through every CPU kernel agree with the reference', () => {
  it(`${RUNS} configurations, every WebAssembly kernel that supports each, 1 and 2 threads`, async () => {
    let computed = 0;
    await fc.assert(
      fc.asyncProperty(config, fc.integer({ min: 1, max: 1000 }), async (c, seed) => {
        const xs = [c.batch, c.groups * c.cPer, c.h, c.w];
        const ws = [c.groups * c.oPer, c.cPer, c.kh, c.kw];
        const x = tensor(
          randomFill(
            xs.reduce((a, b) => a * b, 1),
            seed,
          ),
          xs,
        );
        const w = tensor(
          randomFill(
            ws.reduce((a, b) => a * b, 1),
            seed + 1,
          ),
          ws,
        );
        const b = c.bias ? tensor(randomFill(ws[0]!, seed + 2), [ws[0]!]) : null;
        const options = {
          stride: c.stride,
          dilation: c.dilation,
          padding: c.padding,
          groups: c.groups,
          paddingMode: c.paddingMode,
        };
        let info: ReturnType<typeof resolveConv2dCall>;
        try {
          info = resolveConv2dCall(x, w, b, options);
        } catch (error) {
          if (error instanceof ConvlabError) return; // refused, as PyTorch would (the conformance tests pin which)
          throw error;
        }
        const expected = conv2d(x, w, b, { ...options, backend: 'reference' });
        computed++;
        for (const kernel of kernelsSupporting(info, 'wasm')) {
          const output = new Float32Array(expected.data.length);
          runConv2d(info, x.data, w.data, b?.data ?? null, output, 'wasm', kernel);
          expect(kernelAgrees(kernel, output, expected.data), `${kernel} ${JSON.stringify(c)}`).toBe(true);
          if (BUILT) {
            // Forced, so even these small layers go to the worker pool (two threads share the tasks).
            const threaded = new Float32Array(expected.data.length);
            await runConv2dAsync(info, x.data, w.data, b?.data ?? null, threaded, 'wasm', 2, kernel);
            expect(kernelAgrees(kernel, threaded, expected.data), `${kernel}, 2 threads ${JSON.stringify(c)}`).toBe(
              true,
            );
          }
        }
      }),
      { numRuns: RUNS, seed: 14 },
    );
    // Most drawn configurations are valid: the property is about computing, not refusing.
    expect(computed).toBeGreaterThan(RUNS / 3);
  }, 120_000);
});

/** Sizes a hostile or careless user sends. */
const size = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.constantFrom(
    2 ** 15,
    2 ** 16,
    46_341,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 40,
    2 ** 53,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
);
const pair = fc.oneof(size, fc.tuple(size, size));
/** The largest Float32Array a refused call may make before saying no: a picture's worth, never gigabytes. */
const REFUSAL_BUDGET = 2 ** 22;

describe('fuzz: hostile sizes end in a result or a ConvlabError, never past the allocation limit', () => {
  it('describeConv2d, new Conv2d, createAnimation', () => {
    fc.assert(
      fc.property(fc.tuple(size, size, size), size, pair, pair, pair, pair, size, (shape, out, k, s, p, d, g) => {
        const layer = { outChannels: out, kernelSize: k, stride: s, padding: p, dilation: d, groups: g } as never;
        for (const call of [
          () => describeConv2d(shape, layer),
          () => new Conv2d(shape[0], out, k, { stride: s, padding: p, dilation: d, groups: g } as never),
          () => createAnimation(shape, layer),
        ]) {
          const { refused, largest: made } = watched(call);
          expect(made).toBeLessThanOrEqual(refused ? REFUSAL_BUDGET : MAX_TENSOR_ELEMENTS);
        }
      }),
      { numRuns: RUNS * 10, seed: 14 },
    );
  });

  it('conv2d with small tensors and hostile options: huge outputs refused before allocation', () => {
    fc.assert(
      fc.property(pair, pair, pair, (s, p, d) => {
        const x = tensor(new Original(2 * 3 * 3), [1, 2, 3, 3]);
        const w = tensor(new Original(2 * 2 * 2 * 2), [2, 2, 2, 2]);
        const options = { stride: s, padding: p, dilation: d } as never;
        // Valid outputs up to 2^30 elements are allowed (and would take 4 GiB): conv2d runs only where
        // the layer describes to a modest one, or is refused.
        let outputElements = 0;
        const described = watched(() => {
          outputElements = describeConv2d([2, 3, 3], {
            outChannels: 2,
            kernelSize: 2,
            ...(options as object),
          }).outputShape.reduce((a, b) => a * b, 1);
        });
        if (!described.refused && outputElements > 2 ** 22) return;
        const { refused, largest: made } = watched(() => conv2d(x, w, null, options));
        expect(made).toBeLessThanOrEqual(refused ? REFUSAL_BUDGET : 2 ** 22);
      }),
      { numRuns: RUNS * 10, seed: 14 },
    );
  });

  it('sweep ranges are counted, not made', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.constantFrom('', ':pow2', ':0', ':1', ':3'),
        (a, b, step) => {
          const started = performance.now();
          try {
            const values = parseValues('--x', `${a}..${b}${step}`);
            expect(values.length).toBeLessThanOrEqual(64);
          } catch (error) {
            if (!(error instanceof ConvlabError)) throw error;
          }
          expect(performance.now() - started).toBeLessThan(100);
        },
      ),
      { numRuns: RUNS * 5, seed: 14 },
    );
  });
});
