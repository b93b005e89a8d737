import * as gifencModule from 'gifenc';
import { Conv2dError } from '../errors/index.js';
import type { Frame, Picture } from './picture.js';

// gifenc ships CommonJS (Node sees its exports object as the default export) and an ES build
// (bundlers see named exports, and GIFEncoder as the default).
const gifenc = (
  'quantize' in gifencModule ? gifencModule : (gifencModule as { default: unknown }).default
) as typeof gifencModule.default;

/** A GIF palette: [r, g, b] triples, 0–255. */
export type GifPalette = number[][];

/**
 * Frames to an animated, looping GIF with gifenc. One palette for the whole animation, taken from the
 * first and last frames (between them they hold every colour a frame can have: the flat fills and the
 * antialiased text), so colours never flicker between frames and the output is deterministic. Frames
 * are encoded as they come and the bytes handed on in chunks: memory does not grow with frame count.
 * After the first frame only the rectangle that changed is encoded (kept in place by disposal method
 * 1), and inside it every pixel that did not change is transparent (the palette's last index), so the
 * LZW coder sees long runs of one index: the file shrinks several times over.
 */

export interface GifOptions {
  width: number;
  height: number;
  /** Delay per frame, ms (GIF stores hundredths of a second). */
  frameMs: number;
}

/** The article's pace: 300 ms a step. */
export const DEFAULT_FRAME_MS = 300;
/** The last frame stays up at least this long, so a loop's end reads as an end. */
export const MIN_LAST_FRAME_MS = 1500;

/** How long step `step` of `steps` stays up: `frameMs`, the last one `lastFrameMs` (default at least MIN_LAST_FRAME_MS). */
export function frameDelay(step: number, steps: number, frameMs: number, lastFrameMs?: number): number {
  return step === steps - 1 ? (lastFrameMs ?? Math.max(frameMs, MIN_LAST_FRAME_MS)) : frameMs;
}

/** The palette index kept for "unchanged since the previous frame". */
const TRANSPARENT = 255;
/**
 * Colours in an animation's palette. The frames are flat fills plus antialiased text and lines: 64
 * colours keep text edges smooth (checked by decoding: test/viz.test.ts) and make the changed pixels
 * compress better than 255 do — the values GIF of the article's figure 3 (100 frames) is 1.88 MB
 * with 64, 2.1 MB with 255.
 */
const PALETTE_COLOURS = 64;

/** The palette for an animation: up to 64 colours quantised from sample frames' RGBA pixels (index 255 is transparency's). */
export function paletteFrom(samples: (Uint8Array | Uint8ClampedArray)[]): GifPalette {
  const total = samples.reduce((n, s) => n + s.length, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const sample of samples) {
    joined.set(sample, at);
    at += sample.length;
  }
  return gifenc.quantize(joined, PALETTE_COLOURS, { format: 'rgb565' });
}

export class GifWriter {
  readonly #encoder = gifenc.GIFEncoder({ auto: false });
  readonly #options: GifOptions;
  readonly #palette: GifPalette;
  readonly #onChunk: (bytes: Uint8Array) => void;
  #frames = 0;
  #previous: Uint8Array | Uint8ClampedArray | null = null;

  constructor(options: GifOptions, palette: GifPalette, onChunk: (bytes: Uint8Array) => void) {
    if (palette.length > TRANSPARENT)
      throw new Error(`a GIF palette here has at most ${TRANSPARENT} colours (paletteFrom makes one)`);
    this.#options = options;
    // The global colour table: the colours, padded to 256 entries; the last is the transparent one.
    this.#palette = [...palette, ...Array.from({ length: 256 - palette.length }, () => [255, 0, 255])];
    this.#onChunk = onChunk;
    this.#encoder.writeHeader();
  }

  /** Encodes one RGBA frame (width × height × 4 bytes), shown for `delayMs` (default: the writer's frameMs). */
  add(rgba: Uint8Array | Uint8ClampedArray, delayMs = this.#options.frameMs): void {
    const { width, height } = this.#options;
    const colours = this.#palette.slice(0, TRANSPARENT);
    if (!this.#previous) {
      const index = gifenc.applyPalette(rgba, colours, 'rgb565');
      this.#encoder.writeFrame(index, width, height, {
        palette: this.#palette,
        first: true,
        repeat: 0,
        delay: delayMs,
        dispose: 1,
      });
      this.#flush();
    } else {
      const box = changedBox(this.#previous, rgba, width, height);
      const crop = new Uint8Array(box.w * box.h * 4);
      for (let y = 0; y < box.h; y++) {
        const from = ((box.y + y) * width + box.x) * 4;
        crop.set(rgba.subarray(from, from + box.w * 4), y * box.w * 4);
      }
      const index = gifenc.applyPalette(crop, colours, 'rgb565');
      const now = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
      const before = new Uint32Array(this.#previous.buffer, this.#previous.byteOffset, width * height);
      for (let y = 0; y < box.h; y++) {
        const row = (box.y + y) * width + box.x;
        for (let x = 0; x < box.w; x++) if (now[row + x] === before[row + x]) index[y * box.w + x] = TRANSPARENT;
      }
      this.#encoder.writeFrame(index, box.w, box.h, {
        delay: delayMs,
        dispose: 1,
        transparent: true,
        transparentIndex: TRANSPARENT,
      });
      // gifenc always writes the image at (0, 0): set the position in the image descriptor, which
      // follows the 8-byte graphic control extension at the start of this frame's bytes.
      const bytes = this.#encoder.bytesView().slice();
      if (bytes[8] !== 0x2c) throw new Error('unexpected GIF frame layout from gifenc');
      bytes[9] = box.x & 0xff;
      bytes[10] = box.x >> 8;
      bytes[11] = box.y & 0xff;
      bytes[12] = box.y >> 8;
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
export function changedBox(
  a: Uint8Array | Uint8ClampedArray,
  b: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
) {
  const a32 = new Uint32Array(a.buffer, a.byteOffset, width * height);
  const b32 = new Uint32Array(b.buffer, b.byteOffset, width * height);
  let minX = width,
    minY = height,
    maxX = -1,
    maxY = -1;
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

/**
 * The work a GIF may take without being asked: frames × canvas pixels to draw, compare and encode.
 * 2·10⁹ px is ~2,000 frames of a 1000 × 1000 canvas — about a minute here (25–60 Mpx/s, measured with
 * npm run bench:viz). Beyond it, `maxFrames` (the CLI's --max-frames) says how many frames to allow.
 */
export const GIF_PIXEL_BUDGET = 2e9;
/** Rendering and encoding speed measured on the 2-core reference machine, px/s: for the estimate in the refusal. */
const MEASURED_PIXELS_PER_SECOND = 30e6;

/**
 * Refuses, before anything is drawn, a GIF of more than the budget's work, saying how much it would be.
 * `maxFrames` raises the limit to that many frames of this canvas.
 */
export function checkGifBudget(frames: number, width: number, height: number, maxFrames?: number): void {
  const pixels = frames * width * height;
  const allowedFrames = maxFrames ?? Math.floor(GIF_PIXEL_BUDGET / (width * height));
  if (frames <= allowedFrames) return;
  const minutes = pixels / MEASURED_PIXELS_PER_SECOND / 60;
  const estimate =
    minutes >= 1 ? `about ${Math.round(minutes).toLocaleString('en-US')} min` : `about ${Math.round(minutes * 60)} s`;
  throw new Conv2dError(
    'maxFrames',
    maxFrames ?? allowedFrames,
    `the GIF would have ${frames.toLocaleString('en-US')} frames of ${width} × ${height} px (${pixels.toExponential(1)} px to draw and encode, ` +
      `${estimate} on a 2-core machine); ${maxFrames === undefined ? `the budget is ${GIF_PIXEL_BUDGET.toExponential(0)} px (${allowedFrames.toLocaleString('en-US')} frames at this size)` : `at most ${maxFrames} frames were allowed`}: ` +
      `allow them with maxFrames (--max-frames ${frames}), or draw a smaller layer`,
  );
}

export interface GifRenderOptions {
  /** Delay per frame, ms; default 300 (the article's pace). */
  frameMs?: number;
  /** How long the last frame stays, ms; default max(frameMs, 1500). */
  lastFrameMs?: number;
  /** Allow this many frames beyond the default work budget (GIF_PIXEL_BUDGET). */
  maxFrames?: number;
}

/** A frame delay: GIF stores hundredths of a second, and viewers ignore delays under 10 ms. */
function checkDelay(argument: 'frameMs' | 'lastFrameMs', ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 10 || ms > 60_000) {
    throw new Conv2dError(
      argument,
      ms,
      `${argument} must be an integer from 10 to 60000 (GIF delays are in hundredths of a second)`,
    );
  }
  return ms;
}

/** Draws a frame with the platform's renderer (a Node canvas, a page's canvas) into `target`: its RGBA pixels. */
export type FramePixels = (frame: Frame, target: Uint8Array) => Uint8Array | Uint8ClampedArray;

/**
 * The one encoding loop, for Node and the page alike, as steps: each frame is drawn, encoded and
 * handed to `onChunk` before the next is drawn, and the loop yields after each frame so a driver
 * can report progress or let the event loop run (interrupts, a page's UI). A GIF past the work
 * budget is refused before anything is drawn (checkGifBudget). Returns the number of frames.
 */
function* gifSteps(
  animation: Picture,
  pixels: FramePixels,
  options: GifRenderOptions,
  onChunk: (bytes: Uint8Array) => void,
): Generator<number, number> {
  const frameMs = checkDelay('frameMs', options.frameMs ?? DEFAULT_FRAME_MS);
  const lastFrameMs = options.lastFrameMs === undefined ? undefined : checkDelay('lastFrameMs', options.lastFrameMs);
  checkGifBudget(animation.steps, animation.width, animation.height, options.maxFrames);
  // Two pixel buffers, alternating: the writer compares each frame with the one before. Nothing
  // else is kept, so memory does not grow with the number of frames.
  const size = animation.width * animation.height * 4;
  const buffers = [new Uint8Array(size), new Uint8Array(size)] as const;
  // The palette's sample frames: copied, since the two buffers are reused for each.
  const sampleSteps = animation.paletteSteps ?? [0, animation.steps - 1];
  const palette = paletteFrom(sampleSteps.map((step) => pixels(animation.frame(step), buffers[0]).slice()));
  const writer = new GifWriter({ width: animation.width, height: animation.height, frameMs }, palette, onChunk);
  for (let step = 0; step < animation.steps; step++) {
    writer.add(
      pixels(animation.frame(step), buffers[step % 2]!),
      frameDelay(step, animation.steps, frameMs, lastFrameMs),
    );
    yield step + 1;
  }
  return writer.finish();
}

/** The animation as a looping GIF, streamed to `onChunk`; `onProgress(done, total)` after each frame. */
export function encodeGif(
  animation: Picture,
  pixels: FramePixels,
  options: GifRenderOptions,
  onChunk: (bytes: Uint8Array) => void,
  onProgress?: (done: number, total: number) => void,
): number {
  const steps = gifSteps(animation, pixels, options, onChunk);
  for (let next = steps.next(); ; next = steps.next()) {
    if (next.done) return next.value;
    onProgress?.(next.value, animation.steps);
  }
}

/**
 * {@link encodeGif} that lets the event loop run every `sliceMs` (default 50): signals are handled
 * and a page stays responsive while a long GIF is made; `signal` cancels between frames.
 */
export async function encodeGifAsync(
  animation: Picture,
  pixels: FramePixels,
  options: GifRenderOptions,
  onChunk: (bytes: Uint8Array) => void,
  onProgress?: (done: number, total: number) => void,
  { sliceMs = 50, signal }: { sliceMs?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const steps = gifSteps(animation, pixels, options, onChunk);
  let sliceStart = performance.now();
  for (let next = steps.next(); ; next = steps.next()) {
    if (next.done) return next.value;
    onProgress?.(next.value, animation.steps);
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (signal?.aborted) throw new Conv2dError('gif', 'cancelled', 'the GIF was cancelled');
      sliceStart = performance.now();
    }
  }
}
