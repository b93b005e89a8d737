import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NpyError, readNpy, tensor, writeNpy } from '../src/index.js';
import { FIXTURES } from './helpers.js';

/** Files written by NumPy itself (scripts/fixtures/generate_npy.py), and the values they hold as decimal text. */
const npy = (name: string) => new Uint8Array(readFileSync(`${FIXTURES}npy/${name}`));
const expected = JSON.parse(readFileSync(`${FIXTURES}npy/values.json`, 'utf8')) as {
  shape: number[];
  values: number[];
};

function npyErrorOf(bytes: Uint8Array): NpyError {
  try {
    readNpy(bytes, 'test');
  } catch (error) {
    expect(error).toBeInstanceOf(NpyError);
    return error as NpyError;
  }
  throw new Error('expected an NpyError');
}

/** Builds a .npy file by hand: a header dict and raw data bytes. */
function handMade(header: string, data: Uint8Array, version = 1): Uint8Array {
  const text = `${header}\n`;
  const pre = version === 1 ? 10 : 12;
  const out = new Uint8Array(pre + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[pre + i] = text.charCodeAt(i);
  out.set(data, pre + text.length);
  return out;
}

describe('reading .npy files written by NumPy', () => {
  it.each(['float32.npy', 'float64.npy', 'big-endian-f4.npy', 'big-endian-f8.npy', 'version2.npy', 'version3.npy'])(
    '%s',
    (name) => {
      const array = readNpy(npy(name));
      expect(array.shape).toEqual(expected.shape);
      expect(array.dtype).toBe(name.includes('f8') || name.includes('64') ? 'float64' : 'float32');
      // float32 files hold exactly the float32 values; float64 files round to them.
      expect(Array.from(array.data)).toEqual(expected.values.map((v) => Math.fround(v)));
    },
  );

  it('scalars, vectors and empty arrays', () => {
    expect(readNpy(npy('scalar.npy'))).toMatchObject({ shape: [], data: new Float32Array([2.5]) });
    expect(Array.from(readNpy(npy('vector.npy')).data)).toEqual([0, 1, 2, 3, 4]);
    expect(readNpy(npy('empty.npy')).shape).toEqual([0, 3]);
  });

  it.each([
    ['fortran.npy', 'Fortran-ordered arrays are not supported'],
    ['int32.npy', "unsupported dtype '<i4'"],
    ['float16.npy', "unsupported dtype '<f2'"],
  ])('refuses %s: %s', (name, rule) => {
    expect(npyErrorOf(npy(name)).message).toContain(rule);
  });
});

describe('malformed .npy files get a clear NpyError', () => {
  const good = npy('float32.npy');

  it('wrong magic', () => {
    const bad = good.slice();
    bad[1] = 0x4f;
    expect(npyErrorOf(bad).message).toContain('magic string');
    expect(npyErrorOf(new TextEncoder().encode('hello, world')).message).toContain('magic string');
  });

  it('truncated anywhere', () => {
    for (const length of [0, 5, 9, 11, 40, good.length - 1]) {
      expect(() => readNpy(good.subarray(0, length))).toThrow(NpyError);
    }
  });

  it('extra bytes after the data', () => {
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    expect(npyErrorOf(longer).message).toContain('but the file holds');
  });

  it('a header that lies about the size', () => {
    const data = new Uint8Array(4 * 6);
    expect(npyErrorOf(handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", data)).message).toContain(
      "the header's shape needs 32 bytes of <f4 data, but the file holds 24",
    );
    expect(() => readNpy(handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data))).not.toThrow();
  });

  it.each([
    ["{'descr': '<f4', 'fortran_order': False}", "no tuple 'shape'"],
    ["{'descr': '<f4', 'shape': (2, 3), }", "no True/False 'fortran_order'"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", 'not a valid dict literal'],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3.0), }", 'not a valid dict literal'],
    ["{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3), }", 'not a valid dict literal'],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", 'not a valid dict literal'],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 'x'}", "unknown key 'extra'"],
    ["{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", "duplicate key 'descr'"],
    ["{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3)}", 'not a valid dict literal'],
    ["{'descr': 'f4', 'fortran_order': False, 'shape': (2, 3)}", "unsupported dtype 'f4'"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} trailing", 'unexpected text after the dict'],
    ['not a dict', "expected '{'"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999)}", 'too large'],
  ])('header %s → %s', (header, rule) => {
    expect(npyErrorOf(handMade(header, new Uint8Array(24))).message).toContain(rule);
  });

  it('an unknown format version', () => {
    const bad = good.slice();
    bad[6] = 9;
    expect(npyErrorOf(bad).message).toContain('unsupported .npy format version');
  });
});

describe('writing .npy files', () => {
  it('writes a version 1.0 <f4 C-order file whose data starts on a 64-byte boundary, and reads it back', () => {
    const t = tensor([1.5, -2, 3.25, 0, 1e-20, -7], [2, 1, 3]);
    const bytes = writeNpy(t);
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 1, 3\), \} *\n$/);
    const back = readNpy(bytes);
    expect(back.shape).toEqual([2, 1, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(t.data));
  });

  it('refuses what it cannot write faithfully, naming the argument (issue 14)', () => {
    const cases: [unknown, RegExp][] = [
      [null, /expected a tensor/],
      [{ data: new Float64Array(4), shape: [2, 2] }, /must be a Float32Array/],
      [{ data: new Float32Array(5), shape: [2, 2] }, /shape \[2, 2\] needs 4 elements/],
      [{ data: new Float32Array(1), shape: ['a', Number.NaN] }, /every dimension must be a non-negative integer/],
    ];
    for (const [value, words] of cases) {
      expect(() => writeNpy(value as never)).toThrow(
        expect.objectContaining({ name: 'Conv2dError', message: expect.stringMatching(words) }),
      );
    }
  });

  it('writes byte-for-byte what NumPy writes for the same float32 array', () => {
    const fromNumpy = npy('float32.npy');
    expect(Buffer.from(writeNpy(readNpy(fromNumpy))).equals(Buffer.from(fromNumpy))).toBe(true);
    expect(Buffer.from(writeNpy(readNpy(npy('vector.npy')))).equals(Buffer.from(npy('vector.npy')))).toBe(true);
  });
});
