import type { Conv2dInfo } from '../../core/resolve.js';

/**
 * What every generated WGSL conv kernel starts with: the four buffers, the resolved configuration as
 * constants, and the padding mode's index map (the same maps as the reference kernel's sourceIndex).
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

/** Bindings, constants and `sourceIndex` for `info`. */
export function wgslPreamble(info: Conv2dInfo): string {
  return `@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;

const C: i32 = ${info.inChannels}; const H: i32 = ${info.inHeight}; const W: i32 = ${info.inWidth};
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
