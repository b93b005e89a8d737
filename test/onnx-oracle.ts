import ort from 'onnxruntime-node';
import type { Conv2dInfo, Tensor } from '../src/index.js';
import { onnxConvModel } from '../src/bench/onnx-model.js';

/** Runs a resolved (zero-padded) convolution in onnxruntime-node: an independent implementation to check convlab against. */
export async function runOnnxConv(
  info: Conv2dInfo,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
): Promise<Tensor> {
  const session = await ort.InferenceSession.create(await onnxConvModel(info, weight.data, bias?.data ?? null), {
    intraOpNumThreads: 1,
  });
  try {
    const result = await session.run({
      x: new ort.Tensor('float32', input.data, [info.batch, info.inChannels, info.inHeight, info.inWidth]),
    });
    return { data: result.y!.data as Float32Array, shape: info.outputShape };
  } finally {
    await session.release();
  }
}
