import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Conv2d,
  Conv2dError,
  WeightsError,
  layerStateDict,
  readNpy,
  readNpz,
  readSafetensors,
  readStateDict,
  tensor,
  writeSafetensors,
} from '../src/index.js';
import { expectClose } from './helpers.js';

/**
 * Interop with PyTorch: a model's state_dict saved by PyTorch and NumPy (.safetensors, .npz,
 * scripts/fixtures/generate_weights.py) read back exactly; Conv2d's stateDict/loadStateDict and repr
 * in PyTorch's words (the CLI's `--weights … --layer …`: weights-cli.test.ts).
 */

const DIR = fileURLToPath(new URL('./fixtures/weights/', import.meta.url));
const file = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
const values = JSON.parse(readFileSync(join(DIR, 'values.json'), 'utf8')) as Record<
  string,
  { shape: number[]; values: number[] }
>;
const reprs = JSON.parse(readFileSync(join(DIR, 'reprs.json'), 'utf8')) as {
  args: unknown[];
  kwargs: Record<string, unknown>;
  repr: string;
  stateDictKeys: string[];
}[];
const FLOAT32_KEYS = [
  'features.0.weight',
  'features.0.bias',
  'features.2.weight',
  'features.3.weight',
  'features.3.bias',
  'features.3.running_mean',
  'features.3.running_var',
];

describe('reading a saved state_dict', () => {
  it.each(['model.npz', 'model-compressed.npz', 'model.safetensors'])(
    '%s: every float32 tensor, bit for bit',
    (name) => {
      const dict = readStateDict(file(name), name);
      for (const key of FLOAT32_KEYS) {
        const t = dict.get(key)!;
        expect(t.shape, key).toEqual(values[key]!.shape);
        expect(Array.from(t.data), key).toEqual(values[key]!.values.map((v) => Math.fround(v)));
      }
    },
  );

  it('.safetensors: float16 and bfloat16 as float32, non-float tensors listed without data, metadata kept', () => {
    const { tensors, metadata } = readSafetensors(file('model.safetensors'));
    expect(metadata).toEqual({ format: 'pt' });
    for (const key of ['half.weight', 'bf16.weight']) {
      expect(Array.from(tensors.get(key)!.tensor!.data), key).toEqual(values[key]!.values.map((v) => Math.fround(v)));
    }
    expect(tensors.get('features.3.num_batches_tracked')).toEqual({ dtype: 'I64', shape: [], tensor: null });
    expect(readStateDict(file('model.safetensors')).has('features.3.num_batches_tracked')).toBe(false);
  });

  it('writes .safetensors that read back', () => {
    const w = tensor(
      Float32Array.from({ length: 24 }, (_, i) => i / 7 - 1),
      [2, 3, 2, 2],
    );
    const back = readSafetensors(writeSafetensors({ 'conv.weight': w }, { by: 'convlab' }));
    expect(back.metadata).toEqual({ by: 'convlab' });
    expect(back.tensors.get('conv.weight')!.tensor).toEqual(w);
  });

  it('refuses what it cannot read, saying what it is', () => {
    expect(() => readStateDict(new Uint8Array([1, 2, 3]))).toThrow(WeightsError);
    expect(() => readSafetensors(file('model.safetensors').slice(0, 100))).toThrow(/truncated|not a .safetensors/);
    expect(() => readNpz(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]))).toThrow(/cannot be unzipped/);
    const dict = readStateDict(file('model.npz'));
    expect(() => layerStateDict(dict, 'features.1')).toThrow(
      "no convolution weight 'features.1.weight' in the file; its convolution layers are: features.0, features.2",
    );
    expect(() => layerStateDict(dict, 'features.3')).toThrow(/not a convolution's/);
  });
});

describe('Conv2d and PyTorch', () => {
  it.each(reprs.map((r) => [r.repr, r] as const))(
    "String(layer) is PyTorch's repr: %s",
    (_repr, { args, kwargs, repr, stateDictKeys }) => {
      const [inChannels, outChannels, kernelSize] = args as [number, number, number | [number, number]];
      const { padding_mode: paddingMode, ...rest } = kwargs as Record<string, never>;
      const layer = new Conv2d(inChannels, outChannels, kernelSize, {
        ...rest,
        ...(paddingMode ? { paddingMode } : {}),
      });
      expect(String(layer)).toBe(repr);
      expect([...layer.stateDict().keys()]).toEqual(stateDictKeys);
    },
  );

  it('loads one layer of a saved model and computes what PyTorch computed', () => {
    const layer = new Conv2d(3, 8, 3, { padding: 1 });
    layer.loadStateDict(layerStateDict(readStateDict(file('model.safetensors')), 'features.0'));
    expectClose(layer.forward(readNpy(file('x.npy'))), readNpy(file('y-features.0.npy')));
  });

  it("refuses a state_dict that does not fit, in PyTorch's words", () => {
    const layer = new Conv2d(3, 2, 3);
    expect(() =>
      layer.loadStateDict({
        weight: tensor(new Float32Array(54), [2, 3, 3, 3]),
        foo: tensor(new Float32Array(1), [1]),
      }),
    ).toThrow(
      'Error(s) in loading state_dict for Conv2d: Missing key(s) in state_dict: "bias". Unexpected key(s) in state_dict: "foo".',
    );
    expect(() =>
      layer.loadStateDict({
        weight: tensor(new Float32Array(108), [4, 3, 3, 3]),
        bias: tensor(new Float32Array(2), [2]),
      }),
    ).toThrow(
      'size mismatch for weight: copying a param with shape torch.Size([4, 3, 3, 3]) from checkpoint, the shape in current model is torch.Size([2, 3, 3, 3]).',
    );
    expect(() => layer.loadStateDict({ weight: tensor(new Float32Array(54), [2, 3, 3, 3]) })).toThrow(Conv2dError);
    const before = Array.from(layer.bias!.data);
    layer.loadStateDict({ weight: tensor(new Float32Array(54).fill(1), [2, 3, 3, 3]) }, { strict: false });
    expect(Array.from(layer.weight.data)).toEqual(Array(54).fill(1));
    expect(Array.from(layer.bias!.data)).toEqual(before);
  });
});
