import { elementCount } from '../core/tensor.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConv2dCall } from '../core/call.js';
import { conv2d } from '../engine/conv2d.js';
import { randomFill } from '../core/random.js';
import type { BenchLayer } from './layers.js';
import type { LayerData } from './peers.js';

/**
 * The benchmark's inputs, made once per run and shared by every contender through files: input
 * uniform in [−1, 1), weights scaled by 1/√fan_in (so outputs stay near 1), bias small; and the
 * reference kernel's output, which every contender's output is checked against.
 */

/** Uniform in [−scale, scale), seeded: the sweeps' generator, scaled. */
function uniform(length: number, seed: number, scale: number): Float32Array {
  return randomFill(length, seed).map((v) => v * scale);
}

function writeF32(path: string, data: Float32Array): void {
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function readF32(path: string): Float32Array {
  const bytes = readFileSync(path);
  const data = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(data.buffer).set(bytes);
  return data;
}

/** Writes the layer's tensors and the reference output into `dir`. */
export function writeLayerData(layer: BenchLayer, dir: string): void {
  const [, cg, kh, kw] = layer.weight;
  const input = uniform(elementCount(layer.input), 1, 1);
  const weight = uniform(elementCount(layer.weight), 2, 1 / Math.sqrt(cg * kh * kw));
  const bias = uniform(layer.weight[0], 3, 0.1);
  const reference = conv2d(
    { data: input, shape: layer.input },
    { data: weight, shape: layer.weight },
    { data: bias, shape: [layer.weight[0]] },
    { ...layer.options, backend: 'reference' },
  );
  writeF32(join(dir, `${layer.id}.input.f32`), input);
  writeF32(join(dir, `${layer.id}.weight.f32`), weight);
  writeF32(join(dir, `${layer.id}.bias.f32`), bias);
  writeF32(join(dir, `${layer.id}.reference.f32`), reference.data);
}

export function readLayerData(layer: BenchLayer, dir: string): LayerData & { reference: Float32Array } {
  const input = readF32(join(dir, `${layer.id}.input.f32`));
  const weight = readF32(join(dir, `${layer.id}.weight.f32`));
  const bias = readF32(join(dir, `${layer.id}.bias.f32`));
  const info = resolveConv2dCall(
    { data: input, shape: layer.input },
    { data: weight, shape: layer.weight },
    { data: bias, shape: [layer.weight[0]] },
    layer.options,
  );
  return { layer, info, input, weight, bias, reference: readF32(join(dir, `${layer.id}.reference.f32`)) };
}
