import type { Frame } from './frame.js';

/**
 * Draws a frame model on a Canvas 2D context — the browser's, or @napi-rs/canvas's in Node. It
 * computes nothing: every position and colour comes from the frame.
 */

/** The part of CanvasRenderingContext2D the renderer uses (both canvases provide it). */
export interface Context2D {
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  lineCap: string;
  font: string;
  textAlign: string;
  textBaseline: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  stroke(): void;
  fill(): void;
  fillText(text: string, x: number, y: number): void;
  setLineDash(segments: number[]): void;
}

/** The frames' Latin font: DejaVu Sans (assets/fonts/), registered by the Node renderer. */
export const FONT_FAMILY = 'DejaVu Sans';
/** The frames' Chinese font: a subset of Noto Sans SC shipped with the package (fonts/). */
export const CJK_FONT_FAMILY = 'Noto Sans SC convlab';
/** The CSS font list: Latin glyphs from DejaVu Sans, the rest from the CJK subset (then whatever a page has). */
export const FONT_STACK = `"${FONT_FAMILY}", "${CJK_FONT_FAMILY}", sans-serif`;

export function drawFrame(ctx: Context2D, frame: Frame): void {
  ctx.fillStyle = frame.background;
  ctx.fillRect(0, 0, frame.width, frame.height);
  ctx.textBaseline = 'alphabetic';
  ctx.lineCap = 'round';
  for (const shape of frame.shapes) {
    switch (shape.kind) {
      case 'rect':
        if (shape.fill) {
          ctx.fillStyle = shape.fill;
          ctx.fillRect(shape.x, shape.y, shape.w, shape.h);
        }
        if (shape.stroke) {
          ctx.setLineDash(shape.dash ?? []);
          ctx.strokeStyle = shape.stroke;
          ctx.lineWidth = shape.lineWidth ?? 1;
          // Half-pixel offset: 1-pixel lines on whole pixels, crisp in the GIF.
          ctx.strokeRect(shape.x + 0.5, shape.y + 0.5, shape.w - 1, shape.h - 1);
        }
        break;
      case 'line':
        ctx.setLineDash(shape.dash ?? []);
        ctx.strokeStyle = shape.stroke;
        ctx.lineWidth = shape.lineWidth;
        ctx.beginPath();
        ctx.moveTo(shape.x1, shape.y1);
        ctx.lineTo(shape.x2, shape.y2);
        ctx.stroke();
        break;
      case 'polygon':
        ctx.fillStyle = shape.fill;
        ctx.beginPath();
        ctx.moveTo(shape.points[0]!, shape.points[1]!);
        for (let i = 2; i < shape.points.length; i += 2) ctx.lineTo(shape.points[i]!, shape.points[i + 1]!);
        ctx.closePath();
        ctx.fill();
        break;
      case 'text':
        ctx.fillStyle = shape.color;
        ctx.font = `${shape.bold ? 'bold ' : ''}${shape.size}px ${FONT_STACK}`;
        ctx.textAlign = shape.align;
        ctx.fillText(shape.text, shape.x, shape.y);
        break;
    }
  }
  ctx.setLineDash([]);
}
