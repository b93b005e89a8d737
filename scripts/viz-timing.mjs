// The visualizer's timings: hover linking on large layers (the dependency map), and GIF rendering
// (time, size, and memory staying flat in the number of frames). Run: npm run bench:viz
// (or node scripts/viz-timing.mjs after npm run build).
import { median } from '../dist/bench/measure.js';
import { createAnimation } from '../dist/viz/frame.js';
import { renderGif } from '../dist/viz/node.js';

/** linked() for a sample of the layer's cells: median and worst per call, by kind. */
function timeLinked(label, inputShape, layer) {
  const started = performance.now();
  const animation = createAnimation(inputShape, layer, { cellSize: 8 });
  const built = performance.now() - started;
  const { info } = animation;
  const Hp = info.paddedHeight,
    Wp = info.paddedWidth;
  const targets = {
    input: Array.from({ length: 200 }, (_, i) => ({
      kind: 'input',
      channel: i % info.inChannels,
      py: (i * 7) % Hp,
      px: (i * 13) % Wp,
    })),
    output: Array.from({ length: 200 }, (_, i) => ({
      kind: 'output',
      channel: i % info.outChannels,
      oy: (i * 7) % info.outHeight,
      ox: (i * 13) % info.outWidth,
    })),
    weight: Array.from({ length: 200 }, (_, i) => ({
      kind: 'weight',
      outputChannel: i % info.outChannels,
      groupChannel: i % info.inChannelsPerGroup,
      ky: i % info.kernelHeight,
      kx: (i >> 1) % info.kernelWidth,
    })),
  };
  for (const list of Object.values(targets)) for (const t of list.slice(0, 20)) animation.linked(t); // warm-up
  const parts = Object.entries(targets).map(([kind, list]) => {
    const times = list.map((t) => {
      const t0 = performance.now();
      animation.linked(t);
      return performance.now() - t0;
    });
    return `${kind} ${median(times).toFixed(3)} ms (worst ${Math.max(...times).toFixed(2)})`;
  });
  console.log(`${label.padEnd(34)} map + layout built in ${built.toFixed(1)} ms; linked(): ${parts.join(', ')}`);
}

function timeGif(label, inputShape, layer, options) {
  const animation = createAnimation(inputShape, layer, options);
  let bytes = 0;
  let peakRss = 0;
  const start = performance.now();
  renderGif(
    animation,
    {},
    (chunk) => {
      bytes += chunk.length;
    },
    () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
  );
  const ms = performance.now() - start;
  console.log(
    `${label.padEnd(44)} ${String(animation.steps).padStart(4)} frames  ${ms.toFixed(0).padStart(5)} ms  ` +
      `${(bytes / 1024).toFixed(0).padStart(6)} KiB  peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB  ` +
      `(${((animation.steps * animation.width * animation.height) / (ms / 1000) / 1e6).toFixed(1)} Mpx/s)`,
  );
}

console.log('hover linking (the page calls linked() once per hovered cell):');
timeLinked('16×32×32 → 16, k3 p1', [16, 32, 32], { outChannels: 16, kernelSize: 3, padding: 1 });
timeLinked('32×48×48 → 32, k3 p1', [32, 48, 48], { outChannels: 32, kernelSize: 3, padding: 1 });
timeLinked('32×48×48 → 32, k5 p2 d2, reflect', [32, 48, 48], {
  outChannels: 32,
  kernelSize: 5,
  padding: 4,
  dilation: 2,
  paddingMode: 'reflect',
});

console.log('\nGIF rendering:');
const title = [[3, 7, 7], { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 }];
timeGif('title figure, structure (warm-up)', ...title, { mode: 'structure' });
timeGif('title figure, structure', ...title, { mode: 'structure' });
timeGif('title figure, values', ...title, { mode: 'values' });
timeGif('title figure, values, dark', ...title, { mode: 'values', theme: 'dark' });
timeGif('article figure 3 (3,7,7) → 4, values', [3, 7, 7], { outChannels: 4, kernelSize: 3 }, { mode: 'values' });
timeGif(
  '(1,12,12) -> 2, k3: 200 steps, structure',
  [1, 12, 12],
  { outChannels: 2, kernelSize: 3 },
  { mode: 'structure' },
);
timeGif(
  '(1,22,22) -> 2, k3: 800 steps, structure',
  [1, 22, 22],
  { outChannels: 2, kernelSize: 3 },
  { mode: 'structure', cellSize: 12 },
);
