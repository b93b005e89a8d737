#!/usr/bin/env node
// Regenerates docs/figures/: the article's nine figures and five more, each as a GIF and a still PNG,
// the title figure in values mode, dark and Chinese too, the transposed convolution's and the
// backward pass's figures, and docs/figures/README.md showing each next
// to the article's own. Run after `npm run build`: node scripts/make-figures.mjs
// Prints each file's size and the values-mode GIF sizes of the nine article figures (kept ≤ 2 MB).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBackwardAnimation } from '../dist/viz/backward-figure.js';
import { createAnimation } from '../dist/viz/frame.js';
import { createTransposedAnimation } from '../dist/viz/transposed-figure.js';
import { framePng, renderGif } from '../dist/viz/node.js';
import { ARTICLE_FIGURES, BACKWARD_FIGURES, EXTRA_FIGURES, TRANSPOSED_FIGURES } from '../dist/viz/presets.js';

const out = new URL('../docs/figures/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
for (const file of readdirSync(out)) if (/\.(gif|png)$/.test(file)) rmSync(join(out, file));

const sizes = [];
function gif(name, animation) {
  const chunks = [];
  renderGif(animation, {}, (c) => chunks.push(c));
  const bytes = Buffer.concat(chunks);
  if (name) writeFileSync(join(out, name), bytes);
  return bytes.length;
}
function png(name, animation, step) {
  writeFileSync(join(out, name), framePng(animation, step));
}
/** A step that shows the idea: some outputs done, the ghost and stride arrow, away from the first cell. */
const stillStep = (animation, figure) =>
  figure.name.startsWith('8-') ? 5 : Math.min(animation.steps - 1, Math.floor(animation.steps / 2) + 1);

// The article's own GIFs, in AxelThevenot/GIF_convolutions/GIFS, named by their caption (the files there).
const ARTICLE_GIFS = [
  'Input Shape : (1, 9, 9) - Output Shape : (1, 7, 7) - K : (3, 3) - P : (0, 0) - S : (1, 1) - D : (1, 1) - G : 1',
  'Input Shape : (2, 7, 7) - Output Shape : (1, 1, 5) - K : (3, 3) - P : (1, 1) - S : (1, 1) - D : (4, 2) - G : 1',
  'Input Shape : (2, 7, 7) - Output Shape : (1, 7, 7) - K : (3, 3) - P : (1, 1) - S : (1, 1) - D : (1, 1) - G : 1',
  'Input Shape : (2, 7, 7) - Output Shape : (4, 5, 5) - K : (3, 3) - P : (2, 2) - S : (2, 2) - D : (1, 1) - G : 2',
  'Input Shape : (3, 7, 7) - Output Shape : (2, 3, 3) - K : (3, 3) - P : (1, 1) - S : (2, 2) - D : (2, 2) - G : 1',
  'Input Shape : (3, 7, 7) - Output Shape : (4, 5, 5) - K : (3, 3) - P : (0, 0) - S : (1, 1) - D : (1, 1) - G : 1',
  'Input Shape : (3, 7, 9) - Output Shape : (2, 3, 8) - K : (5, 2) - P : (0, 0) - S : (1, 1) - D : (1, 1) - G : 1',
  'Input Shape : (3, 9, 9) - Output Shape : (2, 7, 3) - K : (3, 3) - P : (0, 0) - S : (1, 3) - D : (1, 1) - G : 1',
];
/** Our caption in the article repository's file-name form. */
const articleName = (caption) =>
  caption
    .replaceAll(':', ' :')
    .replaceAll(' — ', ' - ')
    .replace('Input shape', 'Input Shape')
    .replace('Output shape', 'Output Shape');
const articleLink = (caption) => {
  const name = articleName(caption);
  return ARTICLE_GIFS.includes(name)
    ? `https://github.com/AxelThevenot/GIF_convolutions/blob/master/GIFS/${encodeURIComponent(name)}.gif`
    : null;
};

const rows = [];
for (const figure of [...ARTICLE_FIGURES, ...EXTRA_FIGURES]) {
  const animation = createAnimation(figure.inputShape, figure.layer, figure.mode ? { mode: figure.mode } : {});
  const step = stillStep(animation, figure);
  gif(`${figure.name}.gif`, animation);
  png(`${figure.name}.png`, animation, step);
  const article = ARTICLE_FIGURES.includes(figure);
  if (article)
    sizes.push([figure.name, gif(null, createAnimation(figure.inputShape, figure.layer, { mode: 'values' }))]);
  rows.push({ figure, animation, step, article });
}
const title = ARTICLE_FIGURES.at(-1);
png('9-title-values.png', createAnimation(title.inputShape, title.layer, { mode: 'values' }), 4);
gif('9-title-values.gif', createAnimation(title.inputShape, title.layer, { mode: 'values' }));
png('9-title-values-dark.png', createAnimation(title.inputShape, title.layer, { mode: 'values', theme: 'dark' }), 4);
png('9-title-zh.png', createAnimation(title.inputShape, title.layer, { lang: 'zh-CN' }), 4);

// The transposed convolution and the backward pass: a still where the idea shows (several stamps land
// on the cell; in the backward pass, an input cell that four windows read, then a step of ∂L/∂w).
const beyond = [];
for (const figure of TRANSPOSED_FIGURES) {
  const picture = createTransposedAnimation(figure.inputShape, figure.layer, figure.mode ? { mode: figure.mode } : {});
  const step = figure.name.startsWith('t1-') ? 14 : 5;
  gif(`${figure.name}.gif`, picture);
  png(`${figure.name}.png`, picture, step);
  beyond.push({ figure, picture, step });
}
for (const figure of BACKWARD_FIGURES) {
  const picture = createBackwardAnimation(figure.inputShape, figure.layer, figure.mode ? { mode: figure.mode } : {});
  const step = figure.name.startsWith('b1-') ? 12 : picture.inputSteps + 5;
  gif(`${figure.name}.gif`, picture);
  png(`${figure.name}.png`, picture, step);
  beyond.push({ figure, picture, step });
}
png(
  'b1-backward-5x5-s2-p1-weights.png',
  createBackwardAnimation(BACKWARD_FIGURES[0].inputShape, BACKWARD_FIGURES[0].layer),
  29,
);

const md = [
  '# The figures',
  '',
  '<!-- Generated by scripts/make-figures.mjs: edit the script (or src/viz/presets.ts), not this page. -->',
  '',
  'The nine figures of the article *Conv2d: finally understand what happens in the forward pass*, and five it does not draw,',
  "as convlab draws them (`npx convlab gif --preset article --out-dir DIR` makes the nine). Each row: convlab's still at one step",
  "(click for the GIF: 300 ms a step, the last held 1.5 s), the article's caption with a link to its own GIF",
  '(AxelThevenot/GIF_convolutions), and what the figure shows.',
  '',
  'Reading a convlab frame: grey cells with a small 0 are zero padding; darker blue cells are copies made by',
  'reflect / replicate / circular padding (the cell each copy comes from is outlined in dashes when it is read);',
  'orange is the receptive field of the current output cell (for a dilated kernel each tap has its own hue, shared',
  'with its kernel cell); the dashed box and the arrow show where the field was one stride back; the lit kernel',
  "column is the current filter, with its +b bias cell beside its output channel; lines run from each channel's",
  'window to its own kernel slice, then from the filter to the output cell. Grouped layers are drawn as bands, one',
  "per group, with a bracket for the concatenation of the groups' outputs.",
  '',
  '| convlab | the article | what it shows |',
  '|---|---|---|',
  ...rows.map(({ figure, animation, step, article }) => {
    const caption = animation.caption;
    const link = articleLink(caption);
    const articleCell = !article
      ? `not in the article — ${caption}`
      : link
        ? `[${caption}](${link})`
        : `${caption} (its GIF is not in the article's repository)`;
    return `| [![${figure.name}](${figure.name}.png)](${figure.name}.gif)<br>step ${step + 1} of ${animation.steps} | ${articleCell} | ${figure.about} |`;
  }),
  '',
  "Figure 4: the article's caption says output (2, 3, 9) for a (5, 2) kernel over (3, 7, 9); PyTorch gives (2, 3, 8),",
  'W_out = floor((9 − 1·(2−1) − 1) / 1) + 1 = 8, and so does convlab.',
  '',
  '## The title figure, other ways',
  '',
  '| values (the numbers and the sum) | values, dark | 中文 |',
  '|---|---|---|',
  '| [![](9-title-values.png)](9-title-values.gif) | ![](9-title-values-dark.png) | ![](9-title-zh.png) |',
  '',
  "In values mode the sum line spells out the output cell: one partial sum per input channel (Σcᵢ, the channel's",
  'window times its kernel slice) plus the bias, with as many decimals as it takes for the printed terms to add',
  'up to the printed result.',
  '',
  '## Transposed convolution and the backward pass',
  '',
  'One channel in and one out (the geometry is the same for every channel pair). `npx convlab gif --preset transposed',
  '--out-dir DIR` and `--preset backward` make these; `convlab gif --transposed …` and `--backward …` any other.',
  '',
  'Reading a transposed frame: the top half is the scatter — each lit input cell stamps the kernel, times its value,',
  'onto the output; its whole stamp is outlined in the hue of the kernel tap that lands on the current cell; grey',
  'cells are stamped and then cropped by `padding`; dashes mark what `output_padding` adds. The bottom half is the',
  'same sum as a plain convolution: zeros inserted between the input cells (stride − 1), d·(k − 1) − p zeros around',
  '(plus the output padding after), the kernel flipped (its letters run backwards). The lit cells under the window',
  'are the same input cells, in the same hues, as in the scatter.',
  '',
  'Reading a backward frame: first ∂L/∂x fills, one input cell a step — the output gradients whose windows read',
  'the cell are lit, each window outlined in the hue of the weight that read it; then ∂L/∂w, one output cell a',
  'step — the patch that output read is lit, and every weight gains that patch times the output gradient.',
  '',
  '| convlab | what it shows |',
  '|---|---|',
  ...beyond.map(
    ({ figure, picture, step }) =>
      `| [![${figure.name}](${figure.name}.png)](${figure.name}.gif)<br>step ${step + 1} of ${picture.steps} | ${picture.caption}<br>${figure.about} |`,
  ),
  '| ![b1-backward-5x5-s2-p1-weights](b1-backward-5x5-s2-p1-weights.png)<br>step 30 of 34 | The same backward figure in its second part: ∂L/∂w gains the output gradient times the patch it read. |',
  '',
  '## Sizes',
  '',
  'Values-mode GIFs of the nine article figures (not committed; `node scripts/make-figures.mjs` prints them):',
  '',
  '| figure | bytes |',
  '|---|---|',
  ...sizes.map(([name, bytes]) => `| ${name} | ${bytes.toLocaleString('en-US')} |`),
  '',
];
writeFileSync(join(out, 'README.md'), md.join('\n'));
for (const [name, bytes] of sizes) console.log(`values GIF ${name}: ${(bytes / 1e6).toFixed(2)} MB`);
for (const file of readdirSync(out).sort()) console.log(file);
