import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARTICLE_FIGURES, type Frame, type Shape, createAnimation } from '../src/index.js';

/**
 * Snapshots of the article's nine figures, in Observable Plot's manner: each figure's first and last
 * frame written as text — one line per shape, coordinates to a tenth of a pixel — in
 * test/snapshots/figures/, so a change to the pictures shows up as a readable diff of what moved,
 * what was added and what changed colour (the pixel snapshots in viz.test.ts say only "differs").
 * After a deliberate change: UPDATE_SNAPSHOTS=1, read the diff, look at the figures (npm run figures).
 */

const n = (v: number) => String(Math.round(v * 10) / 10);

function shapeLine(shape: Shape): string {
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

const frameText = (label: string, frame: Frame) =>
  [`## ${label}: ${frame.width} × ${frame.height}`, ...frame.shapes.map(shapeLine)].join('\n');

describe('the article figures, first and last step, as text snapshots', () => {
  const dir = new URL('./snapshots/figures/', import.meta.url);
  for (const figure of ARTICLE_FIGURES) {
    it(figure.name, () => {
      const animation = createAnimation(figure.inputShape, figure.layer, figure.mode ? { mode: figure.mode } : {});
      const last = animation.steps - 1;
      const text = `${[frameText('step 0', animation.frame(0)), frameText(`step ${last}`, animation.frame(last))].join('\n\n')}\n`;
      const path = new URL(`${figure.name}.txt`, dir);
      if (process.env.UPDATE_SNAPSHOTS || !existsSync(path)) {
        if (!process.env.UPDATE_SNAPSHOTS)
          throw new Error(
            `missing snapshot figures/${figure.name}.txt: run with UPDATE_SNAPSHOTS=1 once, read it, commit it`,
          );
        mkdirSync(dir, { recursive: true });
        writeFileSync(path, text);
      }
      expect(text).toBe(readFileSync(path, 'utf8'));
    });
  }
});
