import { Conv2dError } from '../errors/index.js';
import type { NetworkLayer } from './describe-network.js';

/**
 * Networks as torchvision defines them (torchvision.models, 0.14–0.20: the layer lists of
 * alexnet, vgg16, resnet18, resnet50 and mobilenet_v2, classifier included), a U-Net encoder and a
 * WaveNet-style dilated 1-D stack, as `describeNetwork` layer lists. Where torchvision differs from
 * the paper, `about` says so. Their parameter counts are torchvision's (checked in test/network.test.ts).
 */
export interface NetworkPreset {
  name: string;
  /** The input shape the network is usually given. */
  inputShape: number[];
  layers: NetworkLayer[];
  about: string;
}

type Layers = NetworkLayer[];

const conv = (name: string, outChannels: number, kernelSize: number, options: Partial<NetworkLayer> = {}) =>
  ({ type: 'conv2d', name, outChannels, kernelSize, ...options }) as NetworkLayer;

/** Conv → BatchNorm → ReLU (or ReLU6), torchvision's building block; convolutions before a norm have no bias. */
function convBn(
  name: string,
  outChannels: number,
  kernelSize: number,
  options: { stride?: number; padding?: number; groups?: number; input?: string } = {},
  activation: 'relu' | 'relu6' | null = 'relu',
): Layers {
  return [
    conv(`${name}`, outChannels, kernelSize, { ...options, bias: false } as Partial<NetworkLayer>),
    { type: 'batchNorm2d', name: `${name}.bn` },
    ...(activation ? [{ type: activation, name: `${name}.${activation}` } as NetworkLayer] : []),
  ];
}

function alexnet(): Layers {
  return [
    conv('features.0', 64, 11, { stride: 4, padding: 2 } as Partial<NetworkLayer>),
    { type: 'relu', name: 'features.1' },
    { type: 'maxPool2d', name: 'features.2', kernelSize: 3, stride: 2 },
    conv('features.3', 192, 5, { padding: 2 } as Partial<NetworkLayer>),
    { type: 'relu', name: 'features.4' },
    { type: 'maxPool2d', name: 'features.5', kernelSize: 3, stride: 2 },
    conv('features.6', 384, 3, { padding: 1 } as Partial<NetworkLayer>),
    { type: 'relu', name: 'features.7' },
    conv('features.8', 256, 3, { padding: 1 } as Partial<NetworkLayer>),
    { type: 'relu', name: 'features.9' },
    conv('features.10', 256, 3, { padding: 1 } as Partial<NetworkLayer>),
    { type: 'relu', name: 'features.11' },
    { type: 'maxPool2d', name: 'features.12', kernelSize: 3, stride: 2 },
    { type: 'adaptiveAvgPool2d', name: 'avgpool', outputSize: 6 },
    { type: 'flatten', name: 'flatten' },
    { type: 'dropout', name: 'classifier.0' },
    { type: 'linear', name: 'classifier.1', outFeatures: 4096 },
    { type: 'relu', name: 'classifier.2' },
    { type: 'dropout', name: 'classifier.3' },
    { type: 'linear', name: 'classifier.4', outFeatures: 4096 },
    { type: 'relu', name: 'classifier.5' },
    { type: 'linear', name: 'classifier.6', outFeatures: 1000 },
  ];
}

function vgg16(): Layers {
  const layers: Layers = [];
  let index = 0;
  for (const stage of [
    [64, 64],
    [128, 128],
    [256, 256, 256],
    [512, 512, 512],
    [512, 512, 512],
  ]) {
    for (const channels of stage) {
      layers.push(conv(`features.${index++}`, channels, 3, { padding: 1 } as Partial<NetworkLayer>));
      layers.push({ type: 'relu', name: `features.${index++}` });
    }
    layers.push({ type: 'maxPool2d', name: `features.${index++}`, kernelSize: 2, stride: 2 });
  }
  return [
    ...layers,
    { type: 'adaptiveAvgPool2d', name: 'avgpool', outputSize: 7 },
    { type: 'flatten', name: 'flatten' },
    { type: 'linear', name: 'classifier.0', outFeatures: 4096 },
    { type: 'relu', name: 'classifier.1' },
    { type: 'dropout', name: 'classifier.2' },
    { type: 'linear', name: 'classifier.3', outFeatures: 4096 },
    { type: 'relu', name: 'classifier.4' },
    { type: 'dropout', name: 'classifier.5' },
    { type: 'linear', name: 'classifier.6', outFeatures: 1000 },
  ];
}

/** ResNet's stem: 7 × 7 stride 2, BatchNorm, ReLU, 3 × 3 max pooling stride 2. */
function resnetStem(): Layers {
  return [
    ...convBn('conv1', 64, 7, { stride: 2, padding: 3 }),
    { type: 'maxPool2d', name: 'maxpool', kernelSize: 3, stride: 2, padding: 1 },
  ];
}

/** A residual block's end: the shortcut (the block's input, or a 1 × 1 projection of it), added, then ReLU. */
function residual(
  block: string,
  input: string,
  last: string,
  projection: { channels: number; stride: number } | null,
): Layers {
  const shortcut: Layers = projection
    ? convBn(`${block}.downsample.0`, projection.channels, 1, { stride: projection.stride, input }, null)
    : [];
  return [
    ...shortcut,
    { type: 'add', name: `${block}.add`, inputs: [last, projection ? `${block}.downsample.0.bn` : input] },
    { type: 'relu', name: `${block}.relu` },
  ];
}

function resnet(kind: 'basic' | 'bottleneck', blocks: number[]): Layers {
  const layers = resnetStem();
  let input = 'maxpool';
  let channels = 64;
  blocks.forEach((count, stage) => {
    const width = 64 * 2 ** stage;
    const out = kind === 'basic' ? width : 4 * width;
    for (let b = 0; b < count; b++) {
      const block = `layer${stage + 1}.${b}`;
      const stride = b === 0 && stage > 0 ? 2 : 1;
      const projection = stride !== 1 || channels !== out ? { channels: out, stride } : null;
      // torchvision ("ResNet v1.5") strides the 3 × 3 convolution of a bottleneck, not its first 1 × 1.
      const body: Layers =
        kind === 'basic'
          ? [
              ...convBn(`${block}.conv1`, width, 3, { stride, padding: 1, input }),
              ...convBn(`${block}.conv2`, width, 3, { padding: 1 }, null),
            ]
          : [
              ...convBn(`${block}.conv1`, width, 1, { input }),
              ...convBn(`${block}.conv2`, width, 3, { stride, padding: 1 }),
              ...convBn(`${block}.conv3`, out, 1, {}, null),
            ];
      const last = (body.at(-1) as { name: string }).name;
      layers.push(...body, ...residual(block, input, last, projection));
      input = `${block}.relu`;
      channels = out;
    }
  });
  return [
    ...layers,
    { type: 'adaptiveAvgPool2d', name: 'avgpool', outputSize: 1 },
    { type: 'flatten', name: 'flatten' },
    { type: 'linear', name: 'fc', outFeatures: 1000 },
  ];
}

function mobilenetV2(): Layers {
  const layers: Layers = convBn('features.0', 32, 3, { stride: 2, padding: 1 }, 'relu6');
  let input = 'features.0.relu6';
  let channels = 32;
  let index = 1;
  for (const [t, c, n, s] of [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const block = `features.${index++}`;
      const stride = i === 0 ? s : 1;
      const hidden = channels * t;
      const expand = t === 1 ? [] : convBn(`${block}.expand`, hidden, 1, { input }, 'relu6');
      const depthwise = convBn(
        `${block}.depthwise`,
        hidden,
        3,
        { stride, padding: 1, groups: hidden, ...(t === 1 ? { input } : {}) },
        'relu6',
      );
      const project = convBn(`${block}.project`, c, 1, {}, null);
      layers.push(...expand, ...depthwise, ...project);
      if (stride === 1 && channels === c) {
        layers.push({ type: 'add', name: `${block}.add`, inputs: [input, `${block}.project.bn`] });
        input = `${block}.add`;
      } else input = `${block}.project.bn`;
      channels = c;
    }
  }
  return [
    ...layers,
    ...convBn(`features.${index}`, 1280, 1, { input }, 'relu6'),
    { type: 'adaptiveAvgPool2d', name: 'avgpool', outputSize: 1 },
    { type: 'flatten', name: 'flatten' },
    { type: 'dropout', name: 'classifier.0' },
    { type: 'linear', name: 'classifier.1', outFeatures: 1000 },
  ];
}

/** U-Net's contracting path as common PyTorch implementations write it: padded 3 × 3 convolutions with BatchNorm. */
function unetEncoder(): Layers {
  const double = (name: string, channels: number): Layers => [
    ...convBn(`${name}.conv1`, channels, 3, { padding: 1 }),
    ...convBn(`${name}.conv2`, channels, 3, { padding: 1 }),
  ];
  return [
    ...double('inc', 64),
    ...[128, 256, 512, 1024].flatMap((channels, i) => [
      { type: 'maxPool2d', name: `down${i + 1}.pool`, kernelSize: 2 } as NetworkLayer,
      ...double(`down${i + 1}`, channels),
    ]),
  ];
}

/** WaveNet-style: a 1 × 1 input projection, then causal convolutions of kernel 2 dilated 1, 2, 4 … 512, each with a residual add. */
function wavenet(): Layers {
  const layers: Layers = [{ type: 'conv1d', name: 'projection', outChannels: 32, kernelSize: 1 } as NetworkLayer];
  let input = 'projection';
  for (let d = 1; d <= 512; d *= 2) {
    layers.push(
      { type: 'conv1d', name: `dilated${d}`, input, outChannels: 32, kernelSize: 2, dilation: d, padding: 'causal' },
      { type: 'tanh', name: `dilated${d}.tanh` },
      { type: 'add', name: `dilated${d}.residual`, inputs: [input, `dilated${d}.tanh`] },
    );
    input = `dilated${d}.residual`;
  }
  return layers;
}

export const NETWORK_PRESETS: readonly NetworkPreset[] = [
  {
    name: 'alexnet',
    inputShape: [3, 224, 224],
    layers: alexnet(),
    about:
      "torchvision's AlexNet (the one-GPU variant of Krizhevsky's 'one weird trick' paper: 64-192-384-256-256 channels, not the 2012 paper's 96-256-384-384-256).",
  },
  {
    name: 'vgg16',
    inputShape: [3, 224, 224],
    layers: vgg16(),
    about: 'VGG-16 (configuration D of Simonyan & Zisserman), as torchvision builds it: no BatchNorm.',
  },
  {
    name: 'resnet18',
    inputShape: [3, 224, 224],
    layers: resnet('basic', [2, 2, 2, 2]),
    about: 'ResNet-18 as torchvision builds it: basic blocks, 1 × 1 projections where the shape changes.',
  },
  {
    name: 'resnet50',
    inputShape: [3, 224, 224],
    layers: resnet('bottleneck', [3, 4, 6, 3]),
    about:
      "ResNet-50 as torchvision builds it ('ResNet v1.5'): the stride of a downsampling bottleneck is on its 3 × 3 convolution; the paper (and TF-slim's resnet_v1_50) put it on the first 1 × 1, which changes the receptive field (483 px in Araujo et al.).",
  },
  {
    name: 'mobilenet_v2',
    inputShape: [3, 224, 224],
    layers: mobilenetV2(),
    about:
      'MobileNetV2 (width 1.0) as torchvision builds it: inverted residuals with ReLU6, a residual add where the shape allows.',
  },
  {
    name: 'unet-encoder',
    inputShape: [3, 256, 256],
    layers: unetEncoder(),
    about:
      "U-Net's contracting path as common PyTorch implementations write it (padded 3 × 3 convolutions with BatchNorm, 64 → 1024 channels); the paper's convolutions are unpadded, so its 572 × 572 input shrinks to 28 × 28 at the bottom.",
  },
  {
    name: 'wavenet',
    inputShape: [1, 4096],
    layers: wavenet(),
    about:
      'A WaveNet-style stack: causal convolutions of kernel 2 dilated 1, 2, 4 … 512, each with a residual add — a receptive field of 1 + (2 − 1)·(1 + 2 + … + 512) = 1024 samples, as in the WaveNet paper.',
  },
];

/** A preset by name, or an error listing the names. */
export function networkPreset(name: string): NetworkPreset {
  const preset = NETWORK_PRESETS.find((p) => p.name === name);
  if (!preset)
    throw new Conv2dError('preset', name, `the presets are ${NETWORK_PRESETS.map((p) => p.name).join(', ')}`);
  return preset;
}
