// Times the visualizer's GIF rendering (the targets) and shows that memory stays flat in the
// number of frames. Run after `npm run build`: node scripts/viz-timing.mjs
import { createAnimation } from '../dist/viz/frame.js';
import { renderGif } from '../dist/viz/node.js';

function time(label, inputShape, layer, options) {
  const animation = createAnimation(inputShape, layer, options);
  let bytes = 0;
  let peakRss = 0;
  const start = performance.now();
  renderGif(animation, 200, (chunk) => { bytes += chunk.length; }, () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); });
  const ms = performance.now() - start;
  console.log(`${label.padEnd(44)} ${String(animation.steps).padStart(4)} frames  ${ms.toFixed(0).padStart(5)} ms  ` +
    `${(bytes / 1024).toFixed(0).padStart(6)} KiB  peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
}

const title = [[3, 7, 7], { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 }];
time('title figure, structure (warm-up)', ...title, { mode: 'structure' });
time('title figure, structure', ...title, { mode: 'structure' });
time('title figure, values', ...title, { mode: 'values' });
time('title figure, values, dark', ...title, { mode: 'values', theme: 'dark' });
time('(1,12,12) -> 2, k3: 200 steps, structure', [1, 12, 12], { outChannels: 2, kernelSize: 3 }, { mode: 'structure' });
time('(1,12,12) -> 2, k3: 200 steps, values', [1, 12, 12], { outChannels: 2, kernelSize: 3 }, { mode: 'values' });
time('(1,22,22) -> 2, k3: 800 steps, structure', [1, 22, 22], { outChannels: 2, kernelSize: 3 }, { mode: 'structure', cellSize: 12 });
time('(1,22,22) -> 8, k3: 3200 steps, structure', [1, 22, 22], { outChannels: 8, kernelSize: 3 }, { mode: 'structure', cellSize: 12 });
