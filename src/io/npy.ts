import { MAX_TENSOR_ELEMENTS, type Tensor, checkTensor, elementCount } from '../core/tensor.js';
import { NpyError, formatValue } from '../errors/index.js';

/**
 * NumPy's `.npy` format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 *
 *   "\x93NUMPY" · major · minor · header length (uint16 LE in v1, uint32 LE in v2/v3) ·
 *   header: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 *           padded with spaces and a newline so the data starts on a 64-byte boundary ·
 *   data:   the elements in C order, prod(shape) · itemsize bytes.
 *
 * convlab reads float32 and float64 arrays in C order (float64 is rounded to float32) and writes
 * float32. Everything else is refused with an {@link NpyError}, never read wrongly.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface NpyArray extends Tensor {
  /** The dtype stored in the file (the data is float32 either way). */
  dtype: 'float32' | 'float64';
}

type HeaderValue = string | boolean | number[];

/**
 * Parses the header's Python dict literal: string keys; values that are strings, True/False, or
 * tuples of non-negative integers. Anything else is refused.
 */
function parseHeaderDict(text: string, name: string): Map<string, HeaderValue> {
  let pos = 0;
  const fail = (what: string): never => {
    throw new NpyError(
      name,
      text.trim().slice(0, 120),
      `the .npy header is not a valid dict literal: ${what} at character ${pos}`,
    );
  };
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const expect = (char: string) => {
    skipSpace();
    if (text[pos] !== char) fail(`expected '${char}'`);
    pos++;
  };
  const parseString = (): string => {
    skipSpace();
    const quote = text[pos];
    if (quote !== "'" && quote !== '"') fail('expected a quoted string');
    const end = text.indexOf(quote!, pos + 1);
    if (end < 0) fail('unterminated string');
    const value = text.slice(pos + 1, end);
    pos = end + 1;
    return value;
  };
  const parseValue = (): HeaderValue => {
    skipSpace();
    if (text.startsWith('True', pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith('False', pos)) {
      pos += 5;
      return false;
    }
    if (text[pos] === "'" || text[pos] === '"') return parseString();
    if (text[pos] !== '(') fail('expected a string, True, False or a tuple');
    pos++;
    const dims: number[] = [];
    for (;;) {
      skipSpace();
      if (text[pos] === ')') {
        pos++;
        return dims;
      }
      const match = /^\d+L?/.exec(text.slice(pos));
      if (!match) fail('expected a non-negative integer in the shape');
      dims.push(Number(match![0].replace('L', '')));
      pos += match![0].length;
      skipSpace();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== ')') fail("expected ',' or ')' in the shape");
    }
  };

  const entries = new Map<string, HeaderValue>();
  expect('{');
  for (;;) {
    skipSpace();
    if (text[pos] === '}') {
      pos++;
      break;
    }
    const key = parseString();
    expect(':');
    if (entries.has(key)) fail(`duplicate key ${formatValue(key)}`);
    entries.set(key, parseValue());
    skipSpace();
    if (text[pos] === ',') pos++;
    else if (text[pos] !== '}') fail("expected ',' or '}'");
  }
  if (text.slice(pos).trim() !== '') fail('unexpected text after the dict');
  return entries;
}

/** The largest header convlab reads (NumPy's own default limit is 10,000 bytes). */
export const MAX_NPY_HEADER_BYTES = 2 ** 20;

/** What a `.npy` header says, and where the data starts. */
export interface NpyHeader {
  dataStart: number;
  shape: number[];
  descr: string;
  count: number;
  itemSize: number;
  littleEndian: boolean;
}

/**
 * The preamble of a `.npy` file — magic string, version, header length — from its first 12 bytes:
 * where the data starts. Refuses anything that is not a .npy file before more is read.
 */
export function npyPreamble(
  bytes: Uint8Array,
  name = 'file',
): { dataStart: number; major: number; lengthBytes: number } {
  if (!(bytes instanceof Uint8Array)) throw new NpyError(name, bytes, '.npy data must be a Uint8Array');
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError(
      name,
      `${bytes.length} bytes`,
      'not a .npy file: it does not start with the magic string \\x93NUMPY',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3)
    throw new NpyError(
      name,
      `version ${major}.${bytes[7]}`,
      'unsupported .npy format version: convlab reads versions 1, 2 and 3',
    );
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes)
    throw new NpyError(name, `${bytes.length} bytes`, 'the .npy file is truncated inside its preamble');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLength > MAX_NPY_HEADER_BYTES)
    throw new NpyError(
      name,
      `${headerLength} header bytes`,
      `the .npy header is too long: convlab reads headers up to ${MAX_NPY_HEADER_BYTES} bytes`,
    );
  const dataStart = 8 + lengthBytes + headerLength;
  return { dataStart, major, lengthBytes };
}

/**
 * Reads and checks a `.npy` file's preamble and header from its first bytes (at least up to where
 * the data starts: the CLI reads a file's head first, and the data only once the header is good).
 *
 * @param name what to call the file in errors (e.g. `'input'`)
 */
export function readNpyHeader(bytes: Uint8Array, name = 'file'): NpyHeader {
  const { dataStart, major, lengthBytes } = npyPreamble(bytes, name);
  if (dataStart > bytes.length) {
    throw new NpyError(
      name,
      `${bytes.length} bytes`,
      `the .npy file is truncated: its header claims ${dataStart - 8 - lengthBytes} bytes but the file ends first`,
    );
  }
  const headerBytes = bytes.subarray(8 + lengthBytes, dataStart);
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const header = parseHeaderDict(headerText, name);

  for (const key of header.keys()) {
    if (key !== 'descr' && key !== 'fortran_order' && key !== 'shape') {
      throw new NpyError(
        name,
        key,
        `unknown key ${formatValue(key)} in the .npy header (expected descr, fortran_order, shape)`,
      );
    }
  }
  const descr = header.get('descr');
  const fortranOrder = header.get('fortran_order');
  const shape = header.get('shape');
  if (typeof descr !== 'string') throw new NpyError(name, descr, "the .npy header has no string 'descr'");
  if (typeof fortranOrder !== 'boolean')
    throw new NpyError(name, fortranOrder, "the .npy header has no True/False 'fortran_order'");
  if (!Array.isArray(shape)) throw new NpyError(name, shape, "the .npy header has no tuple 'shape'");

  const dtype = /^([<>=])f([48])$/.exec(descr);
  if (!dtype) {
    throw new NpyError(
      name,
      descr,
      `unsupported dtype ${formatValue(descr)}: convlab reads float32 ('<f4') and float64 ('<f8') arrays`,
    );
  }
  if (fortranOrder) {
    throw new NpyError(
      name,
      'fortran_order: True',
      'Fortran-ordered arrays are not supported: save a C-ordered copy (np.ascontiguousarray(a))',
    );
  }
  const count = elementCount(shape);
  if (!Number.isSafeInteger(count) || count > MAX_TENSOR_ELEMENTS) {
    throw new NpyError(name, shape, `the array is too large: convlab reads at most ${MAX_TENSOR_ELEMENTS} elements`);
  }
  return { dataStart, shape, descr, count, itemSize: Number(dtype[2]), littleEndian: dtype[1] !== '>' };
}

/**
 * Reads a `.npy` file's bytes into a float32 tensor.
 *
 * @param name what to call the file in errors (e.g. `'input'`)
 * @throws NpyError for a truncated file, a wrong magic string, an unsupported dtype, Fortran order,
 *   a header whose shape disagrees with the data size, or an array too large to allocate
 */
export function readNpy(bytes: Uint8Array, name = 'file'): NpyArray {
  const { dataStart, shape, descr, count, itemSize, littleEndian } = readNpyHeader(bytes, name);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataBytes = bytes.length - dataStart;
  if (dataBytes !== count * itemSize) {
    throw new NpyError(
      name,
      shape,
      `the header's shape needs ${count * itemSize} bytes of ${descr} data, but the file holds ${dataBytes}`,
    );
  }

  const data = new Float32Array(count);
  if (itemSize === 4 && littleEndian === HOST_IS_LITTLE_ENDIAN) {
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart));
  } else {
    for (let i = 0; i < count; i++) {
      data[i] =
        itemSize === 4
          ? view.getFloat32(dataStart + 4 * i, littleEndian)
          : view.getFloat64(dataStart + 8 * i, littleEndian);
    }
  }
  return { data, shape, dtype: itemSize === 4 ? 'float32' : 'float64' };
}

/** Writes a tensor as a version 1.0 `.npy` file of little-endian float32 in C order. */
export function writeNpy(tensor: Tensor): Uint8Array {
  // A file NumPy would misread (5 values for shape [2, 2]) or not read at all (['a', NaN]) is never written.
  checkTensor(tensor, 'tensor');
  const shapeText = tensor.shape.length === 1 ? `(${tensor.shape[0]},)` : `(${tensor.shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so magic (6) + version (2) + length (2) + header ends on a 64-byte boundary, newline last.
  const unpadded = 10 + dict.length + 1;
  const header = `${dict + ' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  if (header.length > 0xffff)
    throw new NpyError('tensor', tensor.shape, 'the shape is too long for a version 1.0 .npy header');
  const out = new Uint8Array(10 + header.length + 4 * tensor.data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const dataStart = 10 + header.length;
  if (HOST_IS_LITTLE_ENDIAN) {
    out.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), dataStart);
  } else {
    const view = new DataView(out.buffer);
    for (let i = 0; i < tensor.data.length; i++) view.setFloat32(dataStart + 4 * i, tensor.data[i]!, true);
  }
  return out;
}
