import type { TransposedLayerOptions } from '../core/describe-transposed.js';
import type { LayerOptions } from '../core/describe.js';
import type { VizMode } from './frame.js';

/**
 * The nine figures of the article ("Conv2d: finally understand what happens in the forward pass"),
 * from their captions, and five more that the article does not draw. Figure 4's caption says output
 * (2, 3, 9); PyTorch gives (2, 3, 8) (W_out = floor((9 − 1·(2−1) − 1) / 1) + 1 = 8): convlab follows PyTorch.
 */
export interface Figure {
  /** File name stem: ASCII letters, digits, '-' and '_' only, valid on every OS. */
  name: string;
  inputShape: [number, number, number];
  layer: LayerOptions;
  /** The mode the figure is meant for, when it is not structure. */
  mode?: VizMode;
  /** What the figure shows, in the article's words (for docs/figures). */
  about: string;
}

export const ARTICLE_FIGURES: readonly Figure[] = [
  {
    name: '1-input-1x9x9-k3',
    inputShape: [1, 9, 9],
    layer: { outChannels: 1, kernelSize: 3 },
    about:
      'The simplest convolution: one input channel, one 3 × 3 kernel sliding one cell at a time; each output cell is the sum of the 9 products under the kernel.',
  },
  {
    name: '2-input-1x7x7-out4-k3',
    inputShape: [1, 7, 7],
    layer: { outChannels: 4, kernelSize: 3 },
    about: 'out_channels: one kernel per output channel — 4 kernels give 4 output channels from the same input.',
  },
  {
    name: '3-input-3x7x7-out4-k3',
    inputShape: [3, 7, 7],
    layer: { outChannels: 4, kernelSize: 3 },
    about: "in_channels: each kernel has one slice per input channel; the slices' sums are added into one output cell.",
  },
  {
    name: '4-input-3x7x9-out2-k5x2',
    inputShape: [3, 7, 9],
    layer: { outChannels: 2, kernelSize: [5, 2] },
    about: 'kernel_size: a kernel need not be square — (5, 2) covers 5 rows and 2 columns.',
  },
  {
    name: '5-input-3x9x9-out2-k3-s1x3',
    inputShape: [3, 9, 9],
    layer: { outChannels: 2, kernelSize: 3, stride: [1, 3] },
    about: 'stride: the kernel jumps 3 columns at a time but 1 row at a time — stride (1, 3).',
  },
  {
    name: '6-input-2x7x7-out1-k3-p1',
    inputShape: [2, 7, 7],
    layer: { outChannels: 1, kernelSize: 3, padding: 1 },
    about: 'padding: a ring of zeros around the input keeps the output as large as the input.',
  },
  {
    name: '7-input-2x7x7-out1-k3-p1-d4x2',
    inputShape: [2, 7, 7],
    layer: { outChannels: 1, kernelSize: 3, padding: 1, dilation: [4, 2] },
    about:
      "dilation: the kernel's taps are spread 4 rows and 2 columns apart — a larger field with the same 9 weights.",
  },
  {
    name: '8-input-2x7x7-out4-k3-p2-s2-g2',
    inputShape: [2, 7, 7],
    layer: { outChannels: 4, kernelSize: 3, padding: 2, stride: 2, groups: 2 },
    about:
      "groups: the channels split into 2 groups; each group's kernels see only that group's inputs, and the groups' outputs are concatenated.",
  },
  {
    name: '9-title-input-3x7x7-out2-k3-p1-s2-d2',
    inputShape: [3, 7, 7],
    layer: { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 },
    about: 'The title figure: padding, stride and dilation together.',
  },
];

/** Configurations the article does not draw, each hard to picture without seeing it. */
export const EXTRA_FIGURES: readonly Figure[] = [
  {
    name: 'x1-groups-4to4-g2',
    inputShape: [4, 6, 6],
    layer: { outChannels: 4, kernelSize: 3, padding: 1, groups: 2 },
    about:
      "groups 2 with 2 channels a group: each output reads only its own group's 2 input channels — half the weights of a dense layer.",
  },
  {
    name: 'x2-pointwise-1x1-3to2',
    inputShape: [3, 5, 5],
    layer: { outChannels: 2, kernelSize: 1 },
    about: 'A 1 × 1 (pointwise) convolution: no neighbours, only a weighted sum across channels at each position.',
  },
  {
    name: 'x3-depthwise-g3',
    inputShape: [3, 6, 6],
    layer: { outChannels: 3, kernelSize: 3, padding: 1, groups: 3 },
    about:
      "Depthwise (groups = in_channels): every channel is filtered by its own kernel, alone — MobileNet's building block.",
  },
  {
    name: 'x4-reflect-p2',
    inputShape: [1, 5, 5],
    layer: { outChannels: 1, kernelSize: 3, padding: 2, paddingMode: 'reflect' },
    about:
      "padding_mode='reflect': the ring holds mirror images of the edge cells instead of zeros; the cell each copy comes from is outlined when read.",
  },
  {
    name: 'x5-circular-values',
    inputShape: [1, 5, 5],
    layer: { outChannels: 1, kernelSize: 3, padding: 1, paddingMode: 'circular' },
    mode: 'values',
    about:
      "padding_mode='circular', with the numbers: the input wraps around, so the left ring holds the right column's values.",
  },
];

/** A figure of the transposed convolution (one channel in, one out). */
export interface TransposedFigure {
  name: string;
  inputShape: [number, number, number];
  layer: TransposedLayerOptions;
  mode?: VizMode;
  about: string;
}

/** The transposed convolution's figures: the docs' and the README's, snapshotted by the tests. */
export const TRANSPOSED_FIGURES: readonly TransposedFigure[] = [
  {
    name: 't1-transposed-3x3-s2-p1-op1',
    inputShape: [1, 3, 3],
    layer: { outChannels: 1, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 },
    about:
      'Stride 2 doubles the size: each input cell stamps the 3 × 3 kernel two cells from the last; padding 1 crops the first row and column, output_padding 1 adds a last row and column. Below, the same numbers as a plain convolution over the input with a zero between cells, the kernel flipped.',
  },
  {
    name: 't2-transposed-2x2-k3',
    inputShape: [1, 2, 2],
    layer: { outChannels: 1, kernelSize: 3 },
    mode: 'values',
    about:
      "conv_arithmetic's first transposed figure (2 × 2 → 4 × 4, no padding, stride 1), with the numbers: every output cell is the sum of the stamps that land on it; as a convolution, the input is padded by k − 1 = 2.",
  },
];

/** The backward pass's figures. */
export const BACKWARD_FIGURES: readonly Figure[] = [
  {
    name: 'b1-backward-5x5-s2-p1',
    inputShape: [1, 5, 5],
    layer: { outChannels: 1, kernelSize: 3, stride: 2, padding: 1 },
    about:
      '∂L/∂x: each input cell gathers the gradients of the outputs whose windows read it, each times the weight that read it (with stride 2, some cells are read by one window, some by four). ∂L/∂w: each output gradient times the patch it read, summed.',
  },
  {
    name: 'b2-backward-reflect-values',
    inputShape: [1, 4, 4],
    layer: { outChannels: 1, kernelSize: 3, padding: 1, paddingMode: 'reflect' },
    mode: 'values',
    about:
      "With reflect padding the edge cells are read through their copies too, so their gradients gather from more windows; the numbers are the picture's own sums, equal to PyTorch's.",
  },
];
