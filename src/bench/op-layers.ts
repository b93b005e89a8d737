import { macsOf } from '../core/resolve.js';
import { resolveConvTranspose2dShapes, transposedMacsOf } from '../core/transposed.js';
import type { ConvTranspose2dOptions } from '../core/transposed.js';
import { type BenchLayer, LAYER_SUITE, benchLayerInfo } from './layers.js';

/**
 * The benchmark's layers beyond the forward pass (issue 16): transposed convolutions of real
 * generators and decoders, and the backward pass of suite layers. With the forward suite they make
 * `npm run bench`'s table.
 */
export interface OpLayer {
  id: string;
  description: string;
  op: 'convTranspose2d' | 'conv2dBackward';
  /** (N, C, H, W): the transposed convolution's input, or the forward input of the backward pass. */
  input: [number, number, number, number];
  /** (C_in, C_out/groups, kH, kW) for a transposed convolution; (O, C/groups, kH, kW) for the backward pass. */
  weight: [number, number, number, number];
  options: ConvTranspose2dOptions | BenchLayer['options'];
}

const suiteLayer = (id: string) => LAYER_SUITE.find((l) => l.id === id)!;
const backwardOf = (id: string): OpLayer => ({
  id: `B${id.slice(1)}`,
  description: `backward of ${id} (gradInput, gradWeight, gradBias): ${suiteLayer(id).description}`,
  op: 'conv2dBackward',
  input: suiteLayer(id).input,
  weight: suiteLayer(id).weight,
  options: suiteLayer(id).options,
});

export const OP_SUITE: readonly OpLayer[] = [
  {
    id: 'T1',
    description: 'DCGAN generator: ConvTranspose2d 512→256, 4×4 s2 p1, 8² → 16²',
    op: 'convTranspose2d',
    input: [1, 512, 8, 8],
    weight: [512, 256, 4, 4],
    options: { stride: 2, padding: 1 },
  },
  {
    id: 'T2',
    description: 'U-Net decoder up-convolution: ConvTranspose2d 128→64, 2×2 s2, 28² → 56²',
    op: 'convTranspose2d',
    input: [1, 128, 28, 28],
    weight: [128, 64, 2, 2],
    options: { stride: 2 },
  },
  backwardOf('L2'),
  backwardOf('L4'),
];

/** The bias length of a layer of either suite: its output channels. */
export function outChannelsOf(layer: BenchLayer | OpLayer): number {
  const [first, second] = layer.weight;
  return 'op' in layer && layer.op === 'convTranspose2d' ? second * ((layer.options.groups as number) ?? 1) : first;
}

/**
 * FLOPs = 2·MACs, through the same resolve step as the engine ('same', tuples and groups count right);
 * for the backward pass twice the forward pass's (gradInput and gradWeight).
 */
export function opFlops(layer: BenchLayer | OpLayer): number {
  if (!('op' in layer)) return 2 * macsOf(benchLayerInfo(layer));
  if (layer.op === 'conv2dBackward') return 4 * macsOf(benchLayerInfo(layer as BenchLayer));
  return 2 * transposedMacsOf(resolveConvTranspose2dShapes(layer.input, layer.weight, null, layer.options));
}

/** Every layer `npm run bench` runs: the forward suite, then these. */
export const BENCH_SUITE: readonly (BenchLayer | OpLayer)[] = [...LAYER_SUITE, ...OP_SUITE];
