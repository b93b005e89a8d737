import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Frame, Shape } from '../src/index.js';

/**
 * Pictures as text snapshots, in Observable Plot's manner: one line per shape, coordinates to a tenth
 * of a pixel, kept in test/snapshots/figures/, so a change to a picture shows up as a readable diff
 * of what moved, what was added and what changed colour. After a deliberate change:
 * UPDATE_SNAPSHOTS=1, read the diff, look at the figures (npm run figures).
 */

const n = (v: number) => String(Math.round(v * 10) / 10);

export function shapeLine(shape: Shape): string {
  switch (shape.kind) {
    case 'rect':
      return `rect ${n(shape.x)},${n(shape.y)} ${n(shape.w)}×${n(shape.h)} fill=${shape.fill ?? '-'} stroke=${shape.stroke ?? '-'}${shape.lineWidth ? ` lw=${n(shape.lineWidth)}` : ''}${shape.dash ? ` dash=${shape.dash.join('/')}` : ''}`;
    case 'line':
      return `line ${n(shape.x1)},${n(shape.y1)} → ${n(shape.x2)},${n(shape.y2)} ${shape.stroke} lw=${n(shape.lineWidth)}${shape.dash ? ` dash=${shape.dash.join('/')}` : ''}${shape.halo ? ' halo' : ''}`;
    case 'polygon':
      return `polygon ${shape.points.map(n).join(',')} ${shape.fill}`;
    case 'text':
      return `text ${n(shape.x)},${n(shape.y)} ${shape.size}px${shape.bold ? ' bold' : ''} ${shape.align} ${shape.color} ${JSON.stringify(shape.text)}`;
  }
}

export const frameText = (label: string, frame: Frame) =>
  [`## ${label}: ${frame.width} × ${frame.height}`, ...frame.shapes.map(shapeLine)].join('\n');

/** Compares `text` with test/snapshots/figures/NAME.txt (written with UPDATE_SNAPSHOTS=1). */
export function expectTextSnapshot(name: string, text: string): void {
  const dir = new URL('./snapshots/figures/', import.meta.url);
  const path = new URL(`${name}.txt`, dir);
  if (process.env.UPDATE_SNAPSHOTS || !existsSync(path)) {
    if (!process.env.UPDATE_SNAPSHOTS)
      throw new Error(`missing snapshot figures/${name}.txt: run with UPDATE_SNAPSHOTS=1 once, read it, commit it`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, text);
  }
  expect(text).toBe(readFileSync(path, 'utf8'));
}
