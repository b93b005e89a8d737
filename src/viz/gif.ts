import * as gifencModule from 'gifenc';
import type { Palette } from 'gifenc';

// gifenc ships CommonJS (Node sees its exports object as the default export) and an ES build
// (bundlers see named exports, and GIFEncoder as the default).
const gifenc = ('quantize' in gifencModule ? gifencModule : (gifencModule as { default: unknown }).default) as typeof gifencModule.default;

/**
 * Frames to an animated, looping GIF with gifenc. One palette for the whole animation, taken from the
 * first and last frames (between them they hold every colour a frame can have: the flat fills and the
 * antialiased text), so colours never flicker between frames and the output is deterministic. Frames
 * are encoded as they come and the bytes handed on in chunks: memory does not grow with frame count.
 * After the first frame only the rectangle that changed is encoded (kept in place by disposal method
 * 1), which makes the file and the encoding several times smaller.
 */

export interface GifOptions {
  width: number;
  height: number;
  /** Delay per frame, ms (GIF stores hundredths of a second). */
  frameMs: number;
}

/** The palette for an animation: up to 256 colours quantised from sample frames' RGBA pixels. */
export function paletteFrom(samples: (Uint8Array | Uint8ClampedArray)[]): Palette {
  const total = samples.reduce((n, s) => n + s.length, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const sample of samples) {
    joined.set(sample, at);
    at += sample.length;
  }
  return gifenc.quantize(joined, 256, { format: 'rgb565' });
}

export class GifWriter {
  readonly #encoder = gifenc.GIFEncoder({ auto: false });
  readonly #options: GifOptions;
  readonly #palette: Palette;
  readonly #onChunk: (bytes: Uint8Array) => void;
  #frames = 0;
  #previous: Uint8Array | Uint8ClampedArray | null = null;

  constructor(options: GifOptions, palette: Palette, onChunk: (bytes: Uint8Array) => void) {
    this.#options = options;
    this.#palette = palette;
    this.#onChunk = onChunk;
    this.#encoder.writeHeader();
  }

  /** Encodes one RGBA frame (width × height × 4 bytes). */
  add(rgba: Uint8Array | Uint8ClampedArray): void {
    const { width, height, frameMs } = this.#options;
    if (!this.#previous) {
      const index = gifenc.applyPalette(rgba, this.#palette, 'rgb565');
      this.#encoder.writeFrame(index, width, height, { palette: this.#palette, first: true, repeat: 0, delay: frameMs, dispose: 1 });
      this.#flush();
    } else {
      const box = changedBox(this.#previous, rgba, width, height);
      const crop = new Uint8Array(box.w * box.h * 4);
      for (let y = 0; y < box.h; y++) {
        const from = ((box.y + y) * width + box.x) * 4;
        crop.set(rgba.subarray(from, from + box.w * 4), y * box.w * 4);
      }
      this.#encoder.writeFrame(gifenc.applyPalette(crop, this.#palette, 'rgb565'), box.w, box.h, { delay: frameMs, dispose: 1 });
      // gifenc always writes the image at (0, 0): set the position in the image descriptor, which
      // follows the 8-byte graphic control extension at the start of this frame's bytes.
      const bytes = this.#encoder.bytesView().slice();
      if (bytes[8] !== 0x2c) throw new Error('unexpected GIF frame layout from gifenc');
      bytes[9] = box.x & 0xff; bytes[10] = box.x >> 8;
      bytes[11] = box.y & 0xff; bytes[12] = box.y >> 8;
      this.#onChunk(bytes);
      this.#encoder.reset();
    }
    this.#previous = rgba;
    this.#frames++;
  }

  /** Writes the trailer; returns the number of frames. */
  finish(): number {
    this.#encoder.finish();
    this.#flush();
    return this.#frames;
  }

  #flush(): void {
    this.#onChunk(this.#encoder.bytesView().slice());
    this.#encoder.reset();
  }
}

/** The smallest rectangle holding every pixel that differs between two frames (1 × 1 when none does). */
export function changedBox(a: Uint8Array | Uint8ClampedArray, b: Uint8Array | Uint8ClampedArray, width: number, height: number) {
  const a32 = new Uint32Array(a.buffer, a.byteOffset, width * height);
  const b32 = new Uint32Array(b.buffer, b.byteOffset, width * height);
  let minX = width, minY = height, maxX = -1, maxY = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (a32[row + x] !== b32[row + x]) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        maxY = y;
      }
    }
  }
  if (maxX < 0) return { x: 0, y: 0, w: 1, h: 1 };
  return { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 };
}
