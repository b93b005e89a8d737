import ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import type { Conv2dInfo, Tensor } from '../src/index.js';

const { onnx } = onnxProto;

/**
 * Builds a one-node ONNX `Conv` model for a resolved (zero-padded) convolution, with the weight and
 * bias as initializers, and runs it in onnxruntime-node: an independent implementation to check
 * convlab against.
 */
export async function runOnnxConv(info: Conv2dInfo, input: Tensor, weight: Tensor, bias: Tensor | null): Promise<Tensor> {
  const ints = (name: string, values: number[]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
  const floatInit = (name: string, t: Tensor) => ({
    name, dims: [...t.shape], dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength)),
  });
  const inputShape = [info.batch, info.inChannels, info.inHeight, info.inWidth];
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'conv',
      node: [{
        opType: 'Conv',
        input: bias ? ['x', 'w', 'b'] : ['x', 'w'],
        output: ['y'],
        attribute: [
          ints('kernel_shape', [info.kernelHeight, info.kernelWidth]),
          ints('strides', [info.strideHeight, info.strideWidth]),
          ints('dilations', [info.dilationHeight, info.dilationWidth]),
          ints('pads', [info.padTop, info.padLeft, info.padBottom, info.padRight]),
          { name: 'group', type: onnx.AttributeProto.AttributeType.INT, i: info.groups },
        ],
      }],
      initializer: bias ? [floatInit('w', weight), floatInit('b', bias)] : [floatInit('w', weight)],
      input: [{ name: 'x', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: inputShape.map((dimValue) => ({ dimValue })) } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }],
    },
  });
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), { intraOpNumThreads: 1 });
  try {
    const result = await session.run({ x: new ort.Tensor('float32', input.data, inputShape) });
    const y = result.y!;
    return { data: y.data as Float32Array, shape: info.outputShape };
  } finally {
    await session.release();
  }
}
