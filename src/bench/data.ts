import { elementCount } from '../core/tensor.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConv2dCall } from '../core/call.js';
import { conv2d } from '../engine/conv2d.js';
import { randomFill } from '../core/random.js';
import { conv2dBackward } from '../engine/conv2d-backward.js';
import { convTranspose2d } from '../engine/conv-transpose2d.js';
import { type ConvTranspose2dOptions, resolveConvTranspose2dCall } from '../core/transposed.js';
import type { BenchLayer } from './layers.js';
import { type OpLayer, outChannelsOf } from './op-layers.js';
import type { LayerData } from './peers.js';

/**
 * The benchmark's inputs, made once per run and shared by every contender through files: input
 * uniform in [−1, 1), weights scaled by 1/√fan_in (so outputs stay near 1), bias small, the output's
 * gradient for the backward pass uniform in [−1, 1); and the reference kernel's output, which every
 * contender's output is checked against — for the backward pass gradInput, gradWeight and gradBias
 * one after the other.
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

const opOf = (layer: BenchLayer | OpLayer) => ('op' in layer ? layer.op : 'conv2d');

/** The gradients one after the other, as the benchmark compares them. */
export function concatenated(...parts: (Float32Array | null)[]): Float32Array {
  const present = parts.filter((p): p is Float32Array => p !== null);
  const all = new Float32Array(present.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of present) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

/** The reference output of a layer of either suite, on the reference kernels. */
function referenceOutput(layer: BenchLayer | OpLayer, data: Omit<LayerData, 'info' | 'transposed'>): Float32Array {
  const x = { data: data.input, shape: layer.input };
  const w = { data: data.weight, shape: layer.weight };
  const b = { data: data.bias, shape: [data.bias.length] };
  const op = opOf(layer);
  if (op === 'convTranspose2d')
    return convTranspose2d(x, w, b, { ...(layer.options as ConvTranspose2dOptions), backend: 'reference' }).data;
  if (op === 'conv2dBackward') {
    const dy = { data: data.gradOutput!, shape: forwardInfo(layer, data).outputShape };
    const g = conv2dBackward(dy, x, w, { ...(layer.options as BenchLayer['options']), backend: 'reference' });
    return concatenated(g.gradInput.data, g.gradWeight.data, g.gradBias!.data);
  }
  return conv2d(x, w, b, { ...(layer.options as BenchLayer['options']), backend: 'reference' }).data;
}

function forwardInfo(
  layer: BenchLayer | OpLayer,
  data: { input: Float32Array; weight: Float32Array; bias: Float32Array },
) {
  return resolveConv2dCall(
    { data: data.input, shape: layer.input },
    { data: data.weight, shape: layer.weight },
    { data: data.bias, shape: [data.bias.length] },
    layer.options,
  );
}

/** Writes the layer's tensors and the reference output into `dir`. */
export function writeLayerData(layer: BenchLayer | OpLayer, dir: string): void {
  const [, perGroup, kh, kw] = layer.weight;
  const input = uniform(elementCount(layer.input), 1, 1);
  const weight = uniform(elementCount(layer.weight), 2, 1 / Math.sqrt(perGroup * kh * kw));
  const bias = uniform(outChannelsOf(layer), 3, 0.1);
  const gradOutput =
    opOf(layer) === 'conv2dBackward'
      ? uniform(elementCount(forwardInfo(layer, { input, weight, bias }).outputShape), 4, 1)
      : null;
  writeF32(join(dir, `${layer.id}.input.f32`), input);
  writeF32(join(dir, `${layer.id}.weight.f32`), weight);
  writeF32(join(dir, `${layer.id}.bias.f32`), bias);
  if (gradOutput) writeF32(join(dir, `${layer.id}.gradOutput.f32`), gradOutput);
  writeF32(join(dir, `${layer.id}.reference.f32`), referenceOutput(layer, { layer, input, weight, bias, gradOutput }));
}

export function readLayerData(layer: BenchLayer | OpLayer, dir: string): LayerData & { reference: Float32Array } {
  const input = readF32(join(dir, `${layer.id}.input.f32`));
  const weight = readF32(join(dir, `${layer.id}.weight.f32`));
  const bias = readF32(join(dir, `${layer.id}.bias.f32`));
  const op = opOf(layer);
  const gradOutput = op === 'conv2dBackward' ? readF32(join(dir, `${layer.id}.gradOutput.f32`)) : null;
  const tensors = [
    { data: input, shape: layer.input },
    { data: weight, shape: layer.weight },
    { data: bias, shape: [bias.length] },
  ] as const;
  return {
    layer,
    info: op === 'convTranspose2d' ? null : forwardInfo(layer, { input, weight, bias }),
    transposed: op === 'convTranspose2d' ? resolveConvTranspose2dCall(...tensors, layer.options) : null,
    input,
    weight,
    bias,
    gradOutput,
    reference: readF32(join(dir, `${layer.id}.reference.f32`)),
  };
}
