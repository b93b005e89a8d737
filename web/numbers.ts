// The numbers beside the picture — output shape, parameters, MACs, padding, receptive field, the
// formula, the PyTorch code — and the controls' bounds, all the library's.
import {
  describeConv2d,
  describeConvTranspose2d,
  layerBounds,
  pytorchConv2d,
  pytorchConvTranspose2d,
} from '../src/entry-browser.js';
import { $ } from './dom.js';
import type { Configuration } from './state.js';
import { transposedLayerOf } from './view.js';

/** The numbers of the chosen operation: the backward pass's are its forward layer's, with the gradients' shapes. */
export function showNumbers(configuration: Configuration): void {
  if (configuration.operation === 'transposed') showTransposedNumbers(configuration);
  else showConvNumbers(configuration);
}

function showTransposedNumbers(configuration: Configuration): void {
  const layer = transposedLayerOf(configuration);
  const d = describeConvTranspose2d(configuration.inputShape, layer);
  $('output-shape').textContent = `(${d.outputShape.join(', ')})`;
  $('param-count').textContent =
    `${d.parameterCount.toLocaleString('en-US')} (weight ${d.parameters.weight}, bias ${d.parameters.bias})`;
  $('macs').textContent = `${d.macs.toLocaleString('en-US')} (FLOPs ${d.flops.toLocaleString('en-US')})`;
  $('padding-applied').textContent =
    `cropped: ${d.padding[0]} rows and ${d.padding[1]} columns each side; output padding adds ${d.outputPadding[0]} rows, ${d.outputPadding[1]} columns`;
  $('receptive-field').textContent =
    `each input cell stamps ${d.kernelSize[0]} × ${d.kernelSize[1]} taps on ${d.outChannels / d.groups} output channels`;
  $('formula').textContent = `${d.formula.height}\n${d.formula.width}`;
  $('pytorch').textContent = `import torch.nn as nn\nconv = ${pytorchConvTranspose2d(d.inChannels, layer)}`;
}

function showConvNumbers({ operation, inputShape, layer }: Configuration): void {
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
  $('pytorch').textContent =
    `import torch.nn as nn\nconv = ${pytorchConv2d(d.inChannels, layer)}` +
    (operation === 'backward'
      ? `\n# backward: x.grad (${d.inputShape.join(', ')}), conv.weight.grad (${d.outChannels}, ${d.inChannels / d.groups}, ${d.kernelSize.join(', ')})`
      : '');
}

/** Why a bound holds, for the control's tooltip (the number itself is found by probing the library). */
const WHY = {
  kernel: 'dilation·(kernel−1)+1 must fit the padded input',
  dilation: 'the dilated kernel must fit the padded input',
  reflect: 'reflect padding must be smaller than the input',
  circular: 'circular padding can wrap around at most once',
} as const;

/** Control bounds from validity: each control's max is the largest value the library accepts. */
export function showBounds({ operation, inputShape, layer }: Configuration): void {
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
  if (operation === 'transposed') {
    // A transposed convolution's kernel and dilation are not bounded by the input.
    for (const axis of ['h', 'w'])
      for (const name of ['kernel', 'dilation', 'padding']) bound(`${name}-${axis}`, null, '');
    return;
  }
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
