import { MAX_TENSOR_ELEMENTS, type Tensor, elementCount } from '../core/tensor.js';
import { WeightsError, formatValue } from '../errors/index.js';

/**
 * The safetensors format (https://huggingface.co/docs/safetensors), in which PyTorch models are
 * shared:
 *
 *   header length N (uint64, little-endian) · header: N bytes of JSON
 *     { "name": { "dtype": "F32", "shape": [O, C, kH, kW], "data_offsets": [begin, end] }, …,
 *       "__metadata__": { … } }
 *   · data: the tensors' bytes, little-endian, C order, at [begin, end) from the end of the header.
 *
 * convlab reads F32, F64, F16 and BF16 tensors as float32 (what a state_dict of a float model holds);
 * other dtypes are skipped unless asked for, then refused with a WeightsError.
 */

/** Bytes per element, and how to read one element at a byte offset (little-endian) as a number. */
const DTYPES: Record<string, { size: number; read: (view: DataView, at: number) => number }> = {
  F32: { size: 4, read: (v, at) => v.getFloat32(at, true) },
  F64: { size: 8, read: (v, at) => v.getFloat64(at, true) },
  F16: { size: 2, read: (v, at) => halfToFloat(v.getUint16(at, true)) },
  // bfloat16 is the top 16 bits of a float32.
  BF16: { size: 2, read: (v, at) => new Float32Array(new Uint32Array([v.getUint16(at, true) << 16]).buffer)[0]! },
};

/** IEEE 754 half precision → number: sign, 5-bit exponent (bias 15), 10-bit fraction; subnormals, ±∞, NaN. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export interface StoredTensor {
  dtype: string;
  shape: number[];
  /** The tensor as float32; null for a dtype convlab does not read (it is listed, not loaded). */
  tensor: Tensor | null;
}

/**
 * Reads a .safetensors file's bytes: every tensor by name (float dtypes as float32 tensors, others
 * listed without data), and the metadata.
 *
 * @throws WeightsError for a file that is not safetensors, a header that is not valid JSON or
 *   disagrees with the data, or a tensor too large to allocate
 */
export function readSafetensors(
  bytes: Uint8Array,
  name = 'file',
): { tensors: Map<string, StoredTensor>; metadata: Record<string, string> } {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8)
    throw new WeightsError(name, bytes?.length, 'not a .safetensors file: shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength < 2 || 8 + headerLength > bytes.length) {
    throw new WeightsError(
      name,
      `${bytes.length} bytes`,
      `not a .safetensors file (or truncated): its header claims ${headerLength} bytes`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)).trimEnd(),
    ) as Record<string, unknown>;
  } catch {
    throw new WeightsError(name, `${headerLength}-byte header`, 'not a .safetensors file: its header is not JSON');
  }
  if (!header || typeof header !== 'object' || Array.isArray(header))
    throw new WeightsError(name, header, 'the .safetensors header must be a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, StoredTensor>();
  let metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(header)) {
    if (key === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const {
      dtype,
      shape,
      data_offsets: offsets,
    } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (
      typeof dtype !== 'string' ||
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
    ) {
      throw new WeightsError(
        name,
        key,
        `the .safetensors entry ${formatValue(key)} needs a dtype, a shape and two data_offsets`,
      );
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLength) {
      throw new WeightsError(
        name,
        key,
        `the data of ${formatValue(key)} ([${begin}, ${end})) lies outside the file's ${dataLength} data bytes`,
      );
    }
    const kind = DTYPES[dtype];
    const count = elementCount(shape as number[]);
    if (!kind) {
      tensors.set(key, { dtype, shape: shape as number[], tensor: null });
      continue;
    }
    if (count > MAX_TENSOR_ELEMENTS)
      throw new WeightsError(
        name,
        key,
        `${formatValue(key)} is too large: convlab reads at most ${MAX_TENSOR_ELEMENTS} elements`,
      );
    if (end - begin !== count * kind.size) {
      throw new WeightsError(
        name,
        key,
        `${formatValue(key)} has shape ${formatValue(shape)} of ${dtype} (${count * kind.size} bytes) but ${end - begin} bytes of data`,
      );
    }
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = kind.read(view, dataStart + begin + i * kind.size);
    tensors.set(key, { dtype, shape: shape as number[], tensor: { data, shape: shape as number[] } });
  }
  return { tensors, metadata };
}

/** Writes float32 tensors as a .safetensors file (names in the order given). */
export function writeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = Object.keys(metadata).length ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [key, t] of Object.entries(tensors)) {
    header[key] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * t.data.length] };
    offset += 4 * t.data.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // the data starts on an 8-byte boundary
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of Object.values(tensors)) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i]!, true);
  }
  return out;
}
