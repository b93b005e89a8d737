// `npm run demo`: the article's title figure, described and computed, in a terminal.
// Uses the built package through its public entry, exactly as a user imports it.
import { Conv2d, formatDescription, tensor } from 'convlab';

const layer = new Conv2d(3, 2, 3, { padding: 1, stride: 2, dilation: 2, seed: 2026 });
const inputShape = [3, 7, 7];

console.log(
  "The article's title figure: nn.Conv2d(3, 2, kernel_size=3, padding=1, stride=2, dilation=2) on a (3, 7, 7) input\n",
);
console.log(formatDescription(layer.describe(inputShape)));

// Input cells numbered 0, 1, 2, ... scaled to [0, 1), so the output is easy to check by hand.
const input = tensor(
  Float32Array.from({ length: 3 * 7 * 7 }, (_, i) => i / 147),
  inputShape,
);
const output = layer.forward(input);

console.log(`\nforward pass (seed ${layer.seed}): output ${JSON.stringify(output.shape)}`);
const [channels, height, width] = output.shape;
for (let o = 0; o < channels; o++) {
  console.log(`  output channel ${o} (bias ${layer.bias.data[o].toFixed(4)}):`);
  for (let y = 0; y < height; y++) {
    const row = Array.from(output.data.subarray((o * height + y) * width, (o * height + y + 1) * width), (v) =>
      v.toFixed(4).padStart(8),
    );
    console.log(`    ${row.join(' ')}`);
  }
}
console.log('\nTry: npx convlab shape --input 3,7,7 --out-channels 2 -k 3 -p 1 -s 2 -d 2 --json');
