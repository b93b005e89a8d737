import type { TransposedLayerOptions } from '../core/describe-transposed.js';
import type { LayerOptions } from '../core/describe.js';
import type { IntPair } from '../core/resolve.js';

/**
 * A layer as PyTorch text, written in one place: `'repr'` is what `print(conv)` shows
 * (`Conv2d(3, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))`: pairs as tuples, stride always,
 * strings bare), `'code'` the constructor call that builds it (`nn.Conv2d(3, 2, kernel_size=3,
 * stride=2, padding=1)`: square pairs as one number, defaults left out, strings quoted).
 * ConvTranspose2d the same way, with `output_padding` after `padding`, as PyTorch prints it.
 */
function pytorchText(
  className: 'Conv2d' | 'ConvTranspose2d',
  inChannels: number,
  layer: LayerOptions & { outputPadding?: IntPair },
  style: 'repr' | 'code',
): string {
  const pair = (value: IntPair): readonly [number, number] => (typeof value === 'number' ? [value, value] : value);
  const isPair = (value: IntPair, n: number) => pair(value)[0] === n && pair(value)[1] === n;
  const show = (value: IntPair | string): string => {
    if (typeof value === 'string') return style === 'code' ? `'${value}'` : value;
    const [h, w] = pair(value);
    return style === 'code' && h === w ? String(h) : `(${h}, ${w})`;
  };
  const { stride = 1, padding = 0, outputPadding = 0, dilation = 1, groups = 1, paddingMode = 'zeros' } = layer;
  const args = [String(inChannels), String(layer.outChannels), `kernel_size=${show(layer.kernelSize)}`];
  if (style === 'repr' || !isPair(stride, 1)) args.push(`stride=${show(stride)}`);
  if (typeof padding === 'string' || !isPair(padding, 0)) args.push(`padding=${show(padding)}`);
  if (!isPair(outputPadding, 0)) args.push(`output_padding=${show(outputPadding)}`);
  if (!isPair(dilation, 1)) args.push(`dilation=${show(dilation)}`);
  if (groups !== 1) args.push(`groups=${groups}`);
  if (layer.bias === false) args.push('bias=False');
  if (paddingMode !== 'zeros') args.push(`padding_mode=${show(paddingMode)}`);
  return `${style === 'repr' ? className : `nn.${className}`}(${args.join(', ')})`;
}

export function pytorchConv2d(inChannels: number, layer: LayerOptions, style: 'repr' | 'code' = 'code'): string {
  return pytorchText('Conv2d', inChannels, layer, style);
}

export function pytorchConvTranspose2d(
  inChannels: number,
  layer: TransposedLayerOptions,
  style: 'repr' | 'code' = 'code',
): string {
  return pytorchText('ConvTranspose2d', inChannels, layer, style);
}
