import { randomFill } from '../src/core/random.js';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type ConvlabError,
  Conv2dError,
  NpyError,
  conv2d,
  describeConv2d,
  readNpy,
  resolveSettings,
  tensor,
  writeNpy,
} from '../src/index.js';
import { FIXTURES } from './helpers.js';

/**
 * Property-based tests: random and malformed arguments and files only ever produce a result or a
 * clear ConvlabError — never another exception, a hang or a crash.
 */

/** Runs `f`; a ConvlabError is an acceptable answer, any other exception fails the property. */
function resultOrClearError<T>(f: () => T, kind: typeof ConvlabError = Conv2dError): T | undefined {
  try {
    return f();
  } catch (error) {
    if (!(error instanceof kind)) throw error;
    expect(error.message).toMatch(/^Invalid \S+ = .+: .+$/);
    expect(error.message).not.toContain('\n');
    return undefined;
  }
}

/** Values a careless caller might pass for any option. */
const junk = fc.oneof(
  fc.integer({ min: -3, max: 6 }),
  fc.tuple(fc.integer({ min: -1, max: 5 }), fc.integer({ min: -1, max: 5 })),
  fc.constantFrom('same', 'valid', 'full', 'zeros', 'reflect', 'replicate', 'circular', '', 'SAME'),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1.5, 2 ** 53, true, null, [], [1, 2, 3], {}, '2'),
  fc.anything(),
);
const optionKey = fc.constantFrom('stride', 'padding', 'dilation', 'groups', 'paddingMode', 'strides', 'bias');
const options = fc.dictionary(optionKey, junk, { maxKeys: 5 });

describe('option resolution never fails unclearly', () => {
  it('resolveSettings: a settled record or a Conv2dError', () => {
    fc.assert(
      fc.property(options, (raw) => {
        const settings = resultOrClearError(() => resolveSettings(raw));
        if (!settings) return;
        for (const v of [...settings.stride, ...settings.dilation, settings.groups])
          expect(Number.isInteger(v) && v >= 1).toBe(true);
        if (settings.padding.kind === 'explicit')
          expect(settings.padding.height >= 0 && settings.padding.width >= 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('conv2d on small random shapes: output of the predicted shape, or a Conv2dError', () => {
    const dim = fc.integer({ min: 0, max: 6 });
    fc.assert(
      fc.property(
        fc.array(dim, { minLength: 2, maxLength: 5 }),
        fc.array(dim, { minLength: 3, maxLength: 5 }),
        fc.option(fc.integer({ min: 0, max: 5 })),
        options,
        (inputShape, weightShape, biasLength, raw) => {
          const make = (shape: number[]) => tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape);
          const bias = biasLength === null ? null : make([biasLength]);
          const y = resultOrClearError(() => conv2d(make(inputShape), make(weightShape), bias, raw as never));
          if (!y) return;
          // Whatever was accepted, the description of the same layer predicts the same shape.
          const d = describeConv2d(inputShape, {
            outChannels: weightShape[0]!,
            kernelSize: [weightShape[2]!, weightShape[3]!],
            ...raw,
          } as never);
          expect(y.shape).toEqual(d.outputShape);
          expect(y.data.length).toBe(y.shape.reduce((a, b) => a * b, 1));
          expect(y.data.every(Number.isFinite)).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('describeConv2d never fails unclearly', () => {
  it('random layers: the closed forms hold, or a Conv2dError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 3, maxLength: 4 }), fc.anything()),
        fc.record({
          outChannels: fc.oneof(fc.integer({ min: -1, max: 16 }), junk),
          kernelSize: fc.oneof(fc.integer({ min: 0, max: 9 }), junk),
        }),
        options,
        (inputShape, layer, raw) => {
          const d = resultOrClearError(() => describeConv2d(inputShape as number[], { ...layer, ...raw } as never));
          if (!d) return;
          const [kH, kW] = d.kernelSize;
          const spatial = d.outputShape.slice(-2);
          const inputSpatial = d.inputShape.slice(-2);
          const padded = [
            inputSpatial[0]! + d.padding.top + d.padding.bottom,
            inputSpatial[1]! + d.padding.left + d.padding.right,
          ];
          expect(spatial[0]).toBe(Math.floor((padded[0]! - d.dilation[0] * (kH - 1) - 1) / d.stride[0]) + 1);
          expect(spatial[1]).toBe(Math.floor((padded[1]! - d.dilation[1] * (kW - 1) - 1) / d.stride[1]) + 1);
          expect(d.formula.height.endsWith(`= ${spatial[0]}`)).toBe(true);
          expect(d.parameterCount).toBe(
            d.outChannels * (d.inChannels / d.groups) * kH * kW + (d.bias ? d.outChannels : 0),
          );
          expect(d.flops).toBe(2 * d.macs);
          expect(spatial.every((s) => s >= 1)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('shapes holding values that cannot be printed plainly', () => {
  it('are refused with a ConvlabError, not a TypeError from printing them (found by the property above)', () => {
    for (const dim of [{ toString: null }, Object.create(null), Symbol('x'), 10n]) {
      expect(() => describeConv2d([dim, 7, 7] as never, { outChannels: 1, kernelSize: 1 })).toThrow(Conv2dError);
    }
  });
});

describe('the .npy reader never fails unclearly', () => {
  const good = new Uint8Array(readFileSync(`${FIXTURES}npy/float32.npy`));

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        resultOrClearError(() => readNpy(bytes), NpyError);
      }),
      { numRuns: 2000 },
    );
  });

  it('a valid file with random bytes changed, or cut short', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(good.length),
        (edits, length) => {
          const bytes = good.slice(0, length);
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          resultOrClearError(() => readNpy(bytes), NpyError);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('random header text', () => {
    const headerText = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc
        .record({
          descr: fc.constantFrom("'<f4'", "'<f8'", "'>f4'", "'<i4'", "'|u1'", '1', "''"),
          fortran: fc.constantFrom('False', 'True', '0', "'no'"),
          shape: fc.array(fc.oneof(fc.nat(10), fc.constant(-1)), { maxLength: 4 }),
        })
        .map(
          ({ descr, fortran, shape }) =>
            `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`,
        ),
    );
    fc.assert(
      fc.property(headerText, fc.nat(64), (header, dataLength) => {
        const text = `${header}\n`;
        const bytes = new Uint8Array(10 + text.length + dataLength);
        bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
        new DataView(bytes.buffer).setUint16(8, text.length, true);
        bytes.set(new TextEncoder().encode(text).subarray(0, text.length), 10);
        resultOrClearError(() => readNpy(bytes), NpyError);
      }),
      { numRuns: 3000 },
    );
  });

  it('writeNpy then readNpy returns the tensor exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(4), { maxLength: 4 }), fc.integer(), (shape, seed) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const data = randomFill(n, seed).map((v) => v * 1e3);
        const back = readNpy(writeNpy(tensor(data, shape)));
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data)).toEqual(Array.from(data));
      }),
      { numRuns: 500 },
    );
  });
});
