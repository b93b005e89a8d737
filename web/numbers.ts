// The numbers beside the picture — output shape, parameters, MACs, padding, receptive field, the
// formula, the PyTorch code — and the controls' bounds, all the library's.
import { type Conv2dDescription, describeConv2d, layerBounds, pytorchConv2d } from '../src/entry-browser.js';
import { $ } from './dom.js';
import type { Configuration } from './state.js';

export function showNumbers({ inputShape, layer }: Configuration): Conv2dDescription {
  const d = describeConv2d(inputShape, layer);
  $('output-shape').textContent = `(${d.outputShape.join(', ')})`;
  $('param-count').textContent =
    `${d.parameterCount.toLocaleString('en-US')} (weight ${d.parameters.weight}, bias ${d.parameters.bias})`;
  $('macs').textContent = `${d.macs.toLocaleString('en-US')} (FLOPs ${d.flops.toLocaleString('en-US')})`;
  $('padding-applied').textContent =
    `top ${d.padding.top}, bottom ${d.padding.bottom}, left ${d.padding.left}, right ${d.padding.right} (${d.paddingMode})`;
  $('receptive-field').textContent =
    `${d.receptiveField.height} × ${d.receptiveField.width} cells × ${d.receptiveField.channels} channels (${d.receptiveField.taps} taps)`;
  $('formula').textContent = `${d.formula.height}\n${d.formula.width}`;
  $('pytorch').textContent = `import torch.nn as nn\nconv = ${pytorchConv2d(d.inChannels, layer)}`;
  return d;
}

/** Why a bound holds, for the control's tooltip (the number itself is found by probing the library). */
const WHY = {
  kernel: 'dilation·(kernel−1)+1 must fit the padded input',
  dilation: 'the dilated kernel must fit the padded input',
  reflect: 'reflect padding must be smaller than the input',
  circular: 'circular padding can wrap around at most once',
} as const;

/** Control bounds from validity: each control's max is the largest value the library accepts. */
export function showBounds({ inputShape, layer }: Configuration): void {
  const bound = (id: string, max: number | null, why: string) => {
    const input = $<HTMLInputElement>(id);
    if (max === null) {
      input.removeAttribute('max');
      input.removeAttribute('title');
      return;
    }
    input.max = String(max);
    input.title = `at most ${max}: ${why}`;
  };
  const bounds = layerBounds(inputShape, layer);
  const mode = layer.paddingMode === 'reflect' || layer.paddingMode === 'circular' ? layer.paddingMode : null;
  for (const [axis, b] of [
    ['h', bounds.height],
    ['w', bounds.width],
  ] as const) {
    bound(`kernel-${axis}`, b.kernel, WHY.kernel);
    bound(`dilation-${axis}`, b.dilation, WHY.dilation);
    bound(`padding-${axis}`, mode ? b.padding : null, mode ? WHY[mode] : '');
  }
}
