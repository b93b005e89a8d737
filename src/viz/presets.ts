import type { LayerOptions } from '../core/describe.js';

/**
 * The nine figures of the article ("Conv2d: finally understand what happens in the forward pass"),
 * from their captions. Figure 4's caption says output (2, 3, 9); PyTorch gives (2, 3, 8)
 * (W_out = floor((9 − 1·(2−1) − 1) / 1) + 1 = 8): convlab follows PyTorch.
 */
export interface Figure {
  /** File name stem: ASCII letters, digits, '-' and '_' only, valid on every OS. */
  name: string;
  inputShape: [number, number, number];
  layer: LayerOptions;
}

export const ARTICLE_FIGURES: readonly Figure[] = [
  { name: '1-input-1x9x9-k3', inputShape: [1, 9, 9], layer: { outChannels: 1, kernelSize: 3 } },
  { name: '2-input-1x7x7-out4-k3', inputShape: [1, 7, 7], layer: { outChannels: 4, kernelSize: 3 } },
  { name: '3-input-3x7x7-out4-k3', inputShape: [3, 7, 7], layer: { outChannels: 4, kernelSize: 3 } },
  { name: '4-input-3x7x9-out2-k5x2', inputShape: [3, 7, 9], layer: { outChannels: 2, kernelSize: [5, 2] } },
  { name: '5-input-3x9x9-out2-k3-s1x3', inputShape: [3, 9, 9], layer: { outChannels: 2, kernelSize: 3, stride: [1, 3] } },
  { name: '6-input-2x7x7-out1-k3-p1', inputShape: [2, 7, 7], layer: { outChannels: 1, kernelSize: 3, padding: 1 } },
  { name: '7-input-2x7x7-out1-k3-p1-d4x2', inputShape: [2, 7, 7], layer: { outChannels: 1, kernelSize: 3, padding: 1, dilation: [4, 2] } },
  { name: '8-input-2x7x7-out4-k3-p2-s2-g2', inputShape: [2, 7, 7], layer: { outChannels: 4, kernelSize: 3, padding: 2, stride: 2, groups: 2 } },
  { name: '9-title-input-3x7x7-out2-k3-p1-s2-d2', inputShape: [3, 7, 7], layer: { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 } },
];
