import type { Conv2dInfo } from '../core/resolve.js';

/**
 * A one-node ONNX `Conv` model for a resolved, zero-padded convolution, with the weight and bias as
 * initializers (feeding weights per call is 1.3–3× slower in onnxruntime). Uses the `onnx-proto`
 * dev dependency, imported only when a benchmark or test asks.
 */
export async function onnxConvModel(
  info: Conv2dInfo,
  weight: Float32Array,
  bias: Float32Array | null,
): Promise<Uint8Array> {
  const { onnx } = (await import('onnx-proto')).default;
  const ints = (name: string, values: number[]) => ({
    name,
    type: onnx.AttributeProto.AttributeType.INTS,
    ints: values,
  });
  const initializer = (name: string, dims: number[], data: Float32Array) => ({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
  });
  const inputShape = [info.batch, info.inChannels, info.inHeight, info.inWidth];
  const weightShape = [info.outChannels, info.inChannelsPerGroup, info.kernelHeight, info.kernelWidth];
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'conv',
      node: [
        {
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
        },
      ],
      initializer: bias
        ? [initializer('w', weightShape, weight), initializer('b', [info.outChannels], bias)]
        : [initializer('w', weightShape, weight)],
      input: [
        {
          name: 'x',
          type: {
            tensorType: {
              elemType: onnx.TensorProto.DataType.FLOAT,
              shape: { dim: inputShape.map((dimValue) => ({ dimValue })) },
            },
          },
        },
      ],
      output: [{ name: 'y', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
