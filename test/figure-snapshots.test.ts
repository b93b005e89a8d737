import { describe, it } from 'vitest';
import { ARTICLE_FIGURES, createAnimation } from '../src/index.js';
import { expectTextSnapshot, frameText } from './snapshot-text.js';

/**
 * Snapshots of the article's nine figures: each figure's first and last frame written as text
 * (test/snapshot-text.ts), so a change to the pictures shows up as a readable diff (the pixel
 * snapshots in viz.test.ts say only "differs").
 */
describe('the article figures, first and last step, as text snapshots', () => {
  for (const figure of ARTICLE_FIGURES) {
    it(figure.name, () => {
      const animation = createAnimation(figure.inputShape, figure.layer, figure.mode ? { mode: figure.mode } : {});
      const last = animation.steps - 1;
      expectTextSnapshot(
        figure.name,
        `${[frameText('step 0', animation.frame(0)), frameText(`step ${last}`, animation.frame(last))].join('\n\n')}\n`,
      );
    });
  }
});
