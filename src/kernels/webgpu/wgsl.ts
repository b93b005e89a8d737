import type { Conv2dInfo } from '../../core/resolve.js';

/**
 * What every generated WGSL conv kernel starts with: the resolved configuration as constants and the
 * padding mode's index map (the same maps as the reference kernel's sourceIndex). Every kernel binds
 * the same four buffers — three read-only, one written — so one bind-group layout serves them all.
 */

/** Where padded coordinate i reads from on an axis of `size` cells (−1: a zero), in WGSL. */
export function sourceIndexWgsl(mode: Conv2dInfo['paddingMode']): string {
  const body = {
    zeros: 'return -1;',
    reflect: 'if (i < 0) { return -i; } return 2 * (size - 1) - i;',
    replicate: 'if (i < 0) { return 0; } return size - 1;',
    circular: 'if (i < 0) { return i + size; } return i - size;',
  }[mode];
  return `fn sourceIndex(i: i32, size: i32) -> i32 {\n  if (i >= 0 && i < size) { return i; }\n  ${body}\n}`;
}

/** The four bindings, by element type (`f32` or `vec4<f32>`) of the three inputs. */
export function wgslBindings(types: { input?: string; weight?: string; bias?: string; output?: string } = {}): string {
  return `@group(0) @binding(0) var<storage, read> input: array<${types.input ?? 'f32'}>;
@group(0) @binding(1) var<storage, read> weight: array<${types.weight ?? 'f32'}>;
@group(0) @binding(2) var<storage, read> bias: array<${types.bias ?? 'f32'}>;
@group(0) @binding(3) var<storage, read_write> output: array<${types.output ?? 'f32'}>;`;
}

/** The configuration as WGSL constants, and `sourceIndex`. */
export function wgslConstants(info: Conv2dInfo): string {
  return `const C: i32 = ${info.inChannels}; const H: i32 = ${info.inHeight}; const W: i32 = ${info.inWidth};
const O: i32 = ${info.outChannels}; const HO: i32 = ${info.outHeight}; const WO: i32 = ${info.outWidth};
const KH: i32 = ${info.kernelHeight}; const KW: i32 = ${info.kernelWidth};
const SH: i32 = ${info.strideHeight}; const SW: i32 = ${info.strideWidth};
const DH: i32 = ${info.dilationHeight}; const DW: i32 = ${info.dilationWidth};
const PT: i32 = ${info.padTop}; const PL: i32 = ${info.padLeft};
const CG: i32 = ${info.inChannelsPerGroup}; const OG: i32 = ${info.outChannelsPerGroup};
const HAS_BIAS: bool = ${info.hasBias};

${sourceIndexWgsl(info.paddingMode)}
`;
}

/** Bindings (all f32), constants and `sourceIndex` for `info`. */
export function wgslPreamble(info: Conv2dInfo): string {
  return `${wgslBindings()}\n\n${wgslConstants(info)}`;
}

/** What the kernels apply to each output before it is stored: nothing, or a ReLU fused in. */
export type Epilogue = 'none' | 'relu';

/**
 * The epilogue as WGSL around `value`. ReLU keeps NaN, as PyTorch's does: `select(v, 0, v < 0)`
 * (a NaN is not below zero), where `max(v, 0)` may return either operand for a NaN.
 */
export function applyEpilogue(value: string, epilogue: Epilogue): string {
  return epilogue === 'relu' ? `select(${value}, 0.0, ${value} < 0.0)` : value;
}
