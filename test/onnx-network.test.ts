import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Conv2dError, conv2d, convTranspose2d, describeNetwork, readOnnxNetwork, tensor } from '../src/entry-node.js';
import { seededRandom } from '../src/core/random.js';
import { FIXTURES, expectClose } from './helpers.js';

/**
 * The ONNX round trip: two models exported by torch.onnx.export (scripts/fixtures/
 * generate_onnx_models.py, committed) are read back as describeNetwork layers; the shapes convlab
 * reports for each layer are the ones ONNX Runtime produces for the same input (the models return
 * their feature maps as extra outputs), and the convolutions run with their real weights give what
 * ONNX Runtime gives.
 */

const models = ['small-cnn', 'skip-net'] as const;
const bytesOf = (name: string) => new Uint8Array(readFileSync(`${FIXTURES}onnx/${name}.onnx`));

async function runtimeOutputs(bytes: Uint8Array, input: Float32Array, shape: number[]) {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  try {
    return await session.run({ x: new ort.Tensor('float32', input, shape) });
  } finally {
    await session.release();
  }
}

describe('models exported by torch.onnx.export', () => {
  for (const name of models) {
    it(`${name}: every layer's shape is ONNX Runtime's`, async () => {
      const bytes = bytesOf(name);
      const model = await readOnnxNetwork(bytes);
      expect(model.notes.filter((n) => n.startsWith('stopped'))).toEqual([]);
      const d = describeNetwork(model.inputShape, model.layers);
      const random = seededRandom(3);
      const input = Float32Array.from({ length: model.inputShape.reduce((a, b) => a * b, 1) }, () => random() - 0.5);
      const results = await runtimeOutputs(bytes, input, model.inputShape);
      let compared = 0;
      for (const layer of d.layers) {
        const tensorName = model.outputs.get(layer.name)!;
        const result = results[tensorName];
        if (!result) continue;
        expect(layer.outputShape, `${name} ${layer.name} (${tensorName})`).toEqual([...result.dims]);
        compared++;
      }
      expect(compared).toBe(6); // every feature map the model returns
    });
  }

  it('the convolutions run with the model’s own weights give what ONNX Runtime gives', async () => {
    const bytes = bytesOf('small-cnn');
    const model = await readOnnxNetwork(bytes);
    const random = seededRandom(4);
    const x = tensor(
      Float32Array.from({ length: 3 * 32 * 32 }, () => random() - 0.5),
      [1, 3, 32, 32],
    );
    const results = await runtimeOutputs(bytes, x.data, [...x.shape]);
    // The stem convolution is the model's first output (out0).
    const stem = model.layers.find((l) => model.outputs.get(l.name!) === 'out0')!;
    expect(stem.type).toBe('conv2d');
    const { weight, bias } = model.weights.get(stem.name!)!;
    const { type: _t, name: _n, input: _i, ...options } = stem as Extract<typeof stem, { type: 'conv2d' }>;
    const { outChannels: _o, kernelSize: _k, bias: _b, ...convOptions } = options;
    expectClose(conv2d(x, weight, bias, convOptions), {
      data: results.out0!.data as Float32Array,
      shape: [...results.out0!.dims],
    });
    // The transposed convolution (out4) on the runtime's own input to it (out3).
    const up = model.layers.find((l) => model.outputs.get(l.name!) === 'out4')!;
    expect(up.type).toBe('convTranspose2d');
    const w = model.weights.get(up.name!)!;
    const { stride, padding, outputPadding, dilation, groups } = up as Extract<typeof up, { type: 'convTranspose2d' }>;
    const input = { data: results.out3!.data as Float32Array, shape: [...results.out3!.dims] };
    expectClose(convTranspose2d(input, w.weight, w.bias, { stride, padding, outputPadding, dilation, groups }), {
      data: results.out4!.data as Float32Array,
      shape: [...results.out4!.dims],
    });
  });

  it('a symbolic batch dimension is read as 1 and said; a file that is not a model is refused', async () => {
    const model = await readOnnxNetwork(bytesOf('small-cnn'));
    expect(model.inputShape).toEqual([1, 3, 32, 32]);
    expect(model.notes).toContain("input dimension 0 is symbolic ('N'): read as 1");
    await expect(readOnnxNetwork(new TextEncoder().encode('not a model at all'))).rejects.toBeInstanceOf(Conv2dError);
  });
});
