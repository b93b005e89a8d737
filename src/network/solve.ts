import { checkIntegerAtLeast } from '../core/validate.js';
import { Conv2dError } from '../errors/index.js';

/**
 * The padding solver: which (kernel, stride, padding, dilation) give a wanted output size, by
 * PyTorch's formula out = ⌊(in + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1; and TensorFlow's
 * 'SAME' padding written as the PyTorch padding that reproduces it.
 *
 * The search is bounded, and the bounds are part of the answer (docs/decisions.md): kernel up to 11
 * and dilation up to 4 unless fixed (or raised with maxKernel / maxDilation), padding at most
 * dilation·(kernel − 1) — more would make border windows that see only zeros, which PyTorch accepts
 * but no network wants — and stride at most the padded input.
 */

export interface SolveOptions {
  /** Input size (one axis). */
  input: number;
  /** Wanted output size. */
  output: number;
  kernelSize?: number;
  stride?: number;
  padding?: number;
  dilation?: number;
  /** Largest kernel tried when kernelSize is not fixed (default 11). */
  maxKernel?: number;
  /** Largest dilation tried when dilation is not fixed (default 4). */
  maxDilation?: number;
}

export interface Solution {
  kernelSize: number;
  stride: number;
  padding: number;
  dilation: number;
  /** `floor((224 + 2·1 − 1·(3 − 1) − 1) / 2) + 1 = 112` */
  formula: string;
}

const MAX_SEARCH = 1e7;

/** Every accepted (kernel, stride, padding, dilation) within the bounds that gives `output`, smallest kernel first, then dilation, stride, padding. */
export function solvePadding(options: SolveOptions): Solution[] {
  const n = checkIntegerAtLeast('input', options.input, 1, 'input must be a positive integer');
  const m = checkIntegerAtLeast('output', options.output, 1, 'output must be a positive integer');
  const fixed = (name: 'kernelSize' | 'stride' | 'padding' | 'dilation', min: number) =>
    options[name] === undefined
      ? null
      : checkIntegerAtLeast(name, options[name], min, `${name} must be an integer of at least ${min}`);
  const k0 = fixed('kernelSize', 1),
    s0 = fixed('stride', 1),
    p0 = fixed('padding', 0),
    d0 = fixed('dilation', 1);
  const maxKernel =
    k0 ?? checkIntegerAtLeast('maxKernel', options.maxKernel ?? 11, 1, 'maxKernel must be a positive integer');
  const maxDilation =
    d0 ?? checkIntegerAtLeast('maxDilation', options.maxDilation ?? 4, 1, 'maxDilation must be a positive integer');
  const work = maxKernel * maxDilation * (maxKernel * maxDilation + 1) * (n + 1);
  if (work > MAX_SEARCH)
    throw new Conv2dError(
      'maxKernel',
      maxKernel,
      `the search would try about ${work.toExponential(1)} combinations (at most ${MAX_SEARCH.toExponential(0)}): fix the kernel, stride or dilation, or lower maxKernel / maxDilation`,
    );
  const solutions: Solution[] = [];
  for (let k = k0 ?? 1; k <= maxKernel; k++)
    for (let d = d0 ?? 1; d <= maxDilation; d++) {
      const span = d * (k - 1);
      for (let s = s0 ?? 1; s <= (s0 ?? n + 2 * span); s++)
        for (let p = p0 ?? 0; p <= (p0 ?? span); p++) {
          const padded = n + 2 * p;
          if (span + 1 > padded) continue; // PyTorch: the kernel can't be greater than the padded input
          const out = Math.floor((padded - span - 1) / s) + 1;
          if (out !== m) continue;
          solutions.push({
            kernelSize: k,
            stride: s,
            padding: p,
            dilation: d,
            formula: `floor((${n} + 2·${p} − ${d}·(${k} − 1) − 1) / ${s}) + 1 = ${m}`,
          });
        }
    }
  return solutions;
}

export interface TfSamePadding {
  /** TensorFlow's output size: ⌈in / stride⌉. */
  output: number;
  /** Padding TensorFlow adds: total = max((out − 1)·stride + dilation·(kernel − 1) + 1 − in, 0), the odd cell after. */
  before: number;
  after: number;
  /** Whether nn.Conv2d's symmetric `padding` can reproduce it. */
  symmetric: boolean;
  /** What to write in PyTorch. */
  pytorch: string;
}

/**
 * TensorFlow / Keras `padding='SAME'` on one axis as PyTorch padding. TF pads total =
 * max((⌈in/s⌉ − 1)·s + d·(k − 1) + 1 − in, 0) cells, ⌊total/2⌋ before and the rest after — it depends
 * on the input size, and an odd total cannot be written as nn.Conv2d's symmetric padding: then pad
 * explicitly (F.pad or nn.ZeroPad2d) and convolve with padding 0.
 */
export function tfSamePadding(input: number, kernelSize: number, stride = 1, dilation = 1): TfSamePadding {
  const n = checkIntegerAtLeast('input', input, 1, 'input must be a positive integer');
  const k = checkIntegerAtLeast('kernelSize', kernelSize, 1, 'kernelSize must be a positive integer');
  const s = checkIntegerAtLeast('stride', stride, 1, 'stride must be a positive integer');
  const d = checkIntegerAtLeast('dilation', dilation, 1, 'dilation must be a positive integer');
  const output = Math.ceil(n / s);
  const total = Math.max((output - 1) * s + d * (k - 1) + 1 - n, 0);
  const before = Math.floor(total / 2),
    after = total - before;
  const symmetric = before === after;
  const pytorch = symmetric
    ? `nn.Conv2d(..., kernel_size=${k}, stride=${s}${d > 1 ? `, dilation=${d}` : ''}, padding=${before})`
    : `F.pad(x, (${before}, ${after})) then nn.Conv2d(..., kernel_size=${k}, stride=${s}${d > 1 ? `, dilation=${d}` : ''}, padding=0) — ${before} before and ${after} after cannot be one symmetric padding`;
  return { output, before, after, symmetric, pytorch };
}
