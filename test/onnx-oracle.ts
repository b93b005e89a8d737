import ort from 'onnxruntime-node';
import type { Conv2dInfo, ConvTranspose2dInfo, IntPair, Tensor } from '../src/index.js';
import { onnxConvModel, onnxConvTransposeModel } from '../src/bench/onnx-model.js';

/**
 * Runs a zero-padded convolution in onnxruntime-node: an independent implementation to check convlab
 * against. The padding goes in as the user gave it (pads, or ONNX's auto_pad for 'same'/'valid'), so
 * onnxruntime resolves it itself and the comparison checks convlab's resolution too.
 */
export async function runOnnxConv(
  info: Conv2dInfo,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  padding: IntPair | 'same' | 'valid',
): Promise<Tensor> {
  const session = await ort.InferenceSession.create(
    await onnxConvModel(info, weight.data, bias?.data ?? null, padding),
    { intraOpNumThreads: 1 },
  );
  try {
    const result = await session.run({
      x: new ort.Tensor('float32', input.data, [info.batch, info.inChannels, info.inHeight, info.inWidth]),
    });
    return { data: result.y!.data as Float32Array, shape: info.outputShape };
  } finally {
    await session.release();
  }
}

/** Runs a transposed convolution in onnxruntime-node (ONNX `ConvTranspose`), the second oracle beside PyTorch. */
export async function runOnnxConvTranspose(
  info: ConvTranspose2dInfo,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
): Promise<Tensor> {
  const session = await ort.InferenceSession.create(
    await onnxConvTransposeModel(info, weight.data, bias?.data ?? null),
    { intraOpNumThreads: 1 },
  );
  try {
    const result = await session.run({
      x: new ort.Tensor('float32', input.data, [info.batch, info.inChannels, info.inHeight, info.inWidth]),
    });
    return { data: result.y!.data as Float32Array, shape: info.outputShape };
  } finally {
    await session.release();
  }
}
