import { Canvas, GlobalFonts } from '@napi-rs/canvas';
import { fontFiles } from './fonts.js';
import { checkCanvasSize } from './frame.js';
import type { Frame, Picture } from './picture.js';
import { type GifRenderOptions, encodeGif, encodeGifAsync } from './gif.js';

export { checkGifBudget } from './gif.js';
export type { GifRenderOptions } from './gif.js';
export { fontFiles } from './fonts.js';
import { type Context2D, CJK_FONT_FAMILY, FONT_FAMILY, drawFrame } from './render.js';

/**
 * Rendering in Node with @napi-rs/canvas (an optional peer dependency: npm install @napi-rs/canvas):
 * frames to RGBA, PNG and GIF. The fonts are registered from the package's own files (DejaVu Sans, and
 * a subset of Noto Sans SC for Chinese), so frames are identical on every machine whatever fonts it has.
 */

let fontsRegistered = false;

function registerFonts(): void {
  if (fontsRegistered) return;
  const { latin, cjk } = fontFiles();
  for (const file of latin) GlobalFonts.registerFromPath(file, FONT_FAMILY);
  for (const file of cjk) GlobalFonts.registerFromPath(file, CJK_FONT_FAMILY);
  fontsRegistered = true;
}

type NodeCanvas = Canvas;
const createCanvas = (width: number, height: number) => new Canvas(width, height);

/** Draws the frame on `canvas` (reused across frames of one size: fresh memory is slow to touch), or on a new one. */
function draw(frame: Frame, canvas?: NodeCanvas): NodeCanvas {
  registerFonts();
  const target =
    canvas && canvas.width === frame.width && canvas.height === frame.height
      ? canvas
      : createCanvas(frame.width, frame.height);
  drawFrame(target.getContext('2d') as unknown as Context2D, frame);
  return target;
}

/**
 * The frame's pixels, RGBA, copied into `target` (or a new array). Every frame is opaque, so
 * premultiplied and straight alpha agree. `canvas.data()` is a view of the canvas's own memory, valid
 * until the next draw: it is copied at once and never kept (getImageData, the alternative, leaks its
 * buffers in @napi-rs/canvas 0.1 and 1.x — measured here: RSS +4 MiB per 1000 × 1000 frame).
 */
export function frameRgba(frame: Frame, canvas?: NodeCanvas, target?: Uint8Array): Uint8Array {
  const pixels = draw(frame, canvas).data();
  const out = target ?? new Uint8Array(pixels.byteLength);
  out.set(pixels);
  return out;
}

/** One step as a PNG. */
export function framePng(animation: Picture, step: number): Uint8Array {
  return new Uint8Array(draw(animation.frame(step)).toBuffer('image/png'));
}

/** Every step on one sheet (rows of `columns` frames), as a PNG. */
export function sheetPng(animation: Picture, columns = Math.ceil(Math.sqrt(animation.steps))): Uint8Array {
  registerFonts();
  const rows = Math.ceil(animation.steps / columns);
  // Every step on one canvas: refused before it is made when it would pass the canvas limits.
  checkCanvasSize(
    'sheet',
    animation.steps,
    animation.width * columns,
    animation.height * rows,
    'single frames, or a smaller layer',
  );
  const first = animation.frame(0);
  const sheet = createCanvas(first.width * columns, first.height * rows);
  const ctx = sheet.getContext('2d');
  for (let step = 0; step < animation.steps; step++) {
    ctx.drawImage(
      draw(animation.frame(step)),
      (step % columns) * first.width,
      Math.floor(step / columns) * first.height,
    );
  }
  return new Uint8Array(sheet.toBuffer('image/png'));
}

/**
 * The animation as a looping GIF, streamed: each frame is drawn, encoded and handed to `onChunk`
 * before the next is drawn. `onProgress(done, total)` after each frame. A GIF past the work budget
 * is refused before anything is drawn (see checkGifBudget).
 */
export function renderGif(
  animation: Picture,
  options: GifRenderOptions | number,
  onChunk: (bytes: Uint8Array) => void,
  onProgress?: (done: number, total: number) => void,
): number {
  const settings = typeof options === 'number' ? { frameMs: options } : options;
  const canvas = createCanvas(animation.width, animation.height);
  return encodeGif(animation, (frame, target) => frameRgba(frame, canvas, target), settings, onChunk, onProgress);
}

/** {@link renderGif} that lets the event loop run between frames (interrupts are handled, other work goes on). */
export function renderGifAsync(
  animation: Picture,
  options: GifRenderOptions,
  onChunk: (bytes: Uint8Array) => void,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const canvas = createCanvas(animation.width, animation.height);
  return encodeGifAsync(animation, (frame, target) => frameRgba(frame, canvas, target), options, onChunk, onProgress);
}
