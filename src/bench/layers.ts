import { resolveLayer } from '../core/describe.js';
import type { Conv2dInfo, Conv2dOptions } from '../core/resolve.js';

/** The layer suite: real model layers (L1–L10), kept as data for benchmarks, sweeps and the GPU check. */
export interface BenchLayer {
  id: string;
  description: string;
  /** (N, C, H, W). */
  input: [number, number, number, number];
  /** (O, C/groups, kH, kW). */
  weight: [number, number, number, number];
  options: Conv2dOptions;
}

/** A suite layer resolved (with bias), through the same step as the engine: 'same', tuples and groups count right. */
export function benchLayerInfo(layer: BenchLayer): Conv2dInfo {
  const [outChannels, , kernelHeight, kernelWidth] = layer.weight;
  return resolveLayer(layer.input, { ...layer.options, outChannels, kernelSize: [kernelHeight, kernelWidth] });
}

export const LAYER_SUITE: readonly BenchLayer[] = [
  {
    id: 'L1',
    description: 'ResNet-50 stem: 3→64, 224², k7 s2 p3',
    input: [1, 3, 224, 224],
    weight: [64, 3, 7, 7],
    options: { stride: 2, padding: 3 },
  },
  {
    id: 'L2',
    description: 'ResNet 3×3: 64→64, 56², k3 p1',
    input: [1, 64, 56, 56],
    weight: [64, 64, 3, 3],
    options: { padding: 1 },
  },
  {
    id: 'L3',
    description: 'ResNet 1×1: 256→64, 56², k1',
    input: [1, 256, 56, 56],
    weight: [64, 256, 1, 1],
    options: {},
  },
  {
    id: 'L4',
    description: 'ResNet deep 3×3: 256→256, 14², k3 p1',
    input: [1, 256, 14, 14],
    weight: [256, 256, 3, 3],
    options: { padding: 1 },
  },
  {
    id: 'L5',
    description: 'MobileNetV2 depthwise: 144, groups 144, 56², k3 p1',
    input: [1, 144, 56, 56],
    weight: [144, 1, 3, 3],
    options: { padding: 1, groups: 144 },
  },
  {
    id: 'L6',
    description: 'dilated: 64→64, 56², k3 p2 d2',
    input: [1, 64, 56, 56],
    weight: [64, 64, 3, 3],
    options: { padding: 2, dilation: 2 },
  },
  {
    id: 'L7',
    description: 'grouped: 128→128, 28², k3 p1 g4',
    input: [1, 128, 28, 28],
    weight: [128, 32, 3, 3],
    options: { padding: 1, groups: 4 },
  },
  {
    id: 'L8',
    description: "the article's figure: 3→2, 7², k3 p1 s2 d2",
    input: [1, 3, 7, 7],
    weight: [2, 3, 3, 3],
    options: { padding: 1, stride: 2, dilation: 2 },
  },
  {
    id: 'L9',
    description: 'batched: 32→64, 32², k3 p1, N=8',
    input: [8, 32, 32, 32],
    weight: [64, 32, 3, 3],
    options: { padding: 1 },
  },
  {
    id: 'L10',
    description: 'asymmetric: 16→32, 64², k(5,1) s(1,3) p(2,0)',
    input: [1, 16, 64, 64],
    weight: [32, 16, 5, 1],
    options: { stride: [1, 3], padding: [2, 0] },
  },
];
