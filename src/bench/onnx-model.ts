import type { Conv2dInfo, IntPair } from '../core/resolve.js';
import type { ConvTranspose2dInfo } from '../core/transposed.js';

/**
 * A one-node ONNX `Conv` model for a resolved, zero-padded convolution, with the weight and bias as
 * initializers (feeding weights per call is 1.3–3× slower in onnxruntime). Uses the `onnx-proto`
 * dev dependency, imported only when a benchmark or test asks.
 */
export async function onnxConvModel(
  info: Conv2dInfo,
  weight: Float32Array,
  bias: Float32Array | null,
  /**
   * The padding as the user gave it, for the test oracle: pads from the numbers, ONNX's own auto_pad
   * for 'same' (SAME_UPPER: the extra cell after, as PyTorch) and 'valid' — so onnxruntime works the
   * padding out itself and checks convlab's resolution. Default: convlab's resolved pads.
   */
  padding?: IntPair | 'same' | 'valid',
): Promise<Uint8Array> {
  const { onnx } = (await import('onnx-proto')).default;
  const ints = (name: string, values: number[]) => ({
    name,
    type: onnx.AttributeProto.AttributeType.INTS,
    ints: values,
  });
  const padAttributes = () => {
    const dilated = info.dilationHeight > 1 || info.dilationWidth > 1;
    if (padding === 'same' && dilated) {
      // onnxruntime refuses auto_pad SAME with dilation: ONNX's SAME_UPPER written out — at stride 1 the
      // total is (kernel − 1)·dilation, floor(total / 2) before and the rest after.
      const split = (k: number, d: number) => [
        Math.floor(((k - 1) * d) / 2),
        (k - 1) * d - Math.floor(((k - 1) * d) / 2),
      ];
      const [top, bottom] = split(info.kernelHeight, info.dilationHeight);
      const [left, right] = split(info.kernelWidth, info.dilationWidth);
      return [ints('pads', [top!, left!, bottom!, right!])];
    }
    if (padding === 'same' || padding === 'valid')
      return [
        {
          name: 'auto_pad',
          type: onnx.AttributeProto.AttributeType.STRING,
          s: new TextEncoder().encode(padding === 'same' ? 'SAME_UPPER' : 'VALID'),
        },
      ];
    const [h, w] =
      padding === undefined
        ? [null, null]
        : typeof padding === 'number'
          ? [padding, padding]
          : [padding[0], padding[1]];
    return [ints('pads', h === null ? [info.padTop, info.padLeft, info.padBottom, info.padRight] : [h, w!, h, w!])];
  };
  return oneNodeModel(
    'Conv',
    [
      ints('kernel_shape', [info.kernelHeight, info.kernelWidth]),
      ints('strides', [info.strideHeight, info.strideWidth]),
      ints('dilations', [info.dilationHeight, info.dilationWidth]),
      ...padAttributes(),
      { name: 'group', type: onnx.AttributeProto.AttributeType.INT, i: info.groups },
    ],
    [info.batch, info.inChannels, info.inHeight, info.inWidth],
    [info.outChannels, info.inChannelsPerGroup, info.kernelHeight, info.kernelWidth],
    weight,
    bias,
  );
}

/**
 * A one-node ONNX `ConvTranspose` model for a resolved transposed convolution (weight (C_in,
 * C_out/groups, kH, kW) as in PyTorch and ONNX), for the test oracle and the benchmark.
 */
export async function onnxConvTransposeModel(
  info: ConvTranspose2dInfo,
  weight: Float32Array,
  bias: Float32Array | null,
): Promise<Uint8Array> {
  const { onnx } = (await import('onnx-proto')).default;
  const ints = (name: string, values: number[]) => ({
    name,
    type: onnx.AttributeProto.AttributeType.INTS,
    ints: values,
  });
  return oneNodeModel(
    'ConvTranspose',
    [
      ints('kernel_shape', [info.kernelHeight, info.kernelWidth]),
      ints('strides', [info.strideHeight, info.strideWidth]),
      ints('dilations', [info.dilationHeight, info.dilationWidth]),
      ints('pads', [info.padTop, info.padLeft, info.padBottom, info.padRight]),
      ints('output_padding', [info.outputPaddingHeight, info.outputPaddingWidth]),
      { name: 'group', type: onnx.AttributeProto.AttributeType.INT, i: info.groups },
    ],
    [info.batch, info.inChannels, info.inHeight, info.inWidth],
    info.weightShape,
    weight,
    bias,
  );
}

/** A graph of one node `x, w[, b] → y`, the weight and bias as initializers. */
async function oneNodeModel(
  opType: string,
  attribute: unknown[],
  inputShape: number[],
  weightShape: number[],
  weight: Float32Array,
  bias: Float32Array | null,
): Promise<Uint8Array> {
  const { onnx } = (await import('onnx-proto')).default;
  const initializer = (name: string, dims: number[], data: Float32Array) => ({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
  });
  const outChannels = bias?.length ?? 0;
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: opType,
      node: [{ opType, input: bias ? ['x', 'w', 'b'] : ['x', 'w'], output: ['y'], attribute: attribute as never }],
      initializer: bias
        ? [initializer('w', weightShape, weight), initializer('b', [outChannels], bias)]
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
