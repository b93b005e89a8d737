import type { Conv2dInfo } from '../core/resolve.js';
import { sourceIndex } from '../core/padding.js';

/**
 * The dependency map of a layer, built once: which cells feed which, as typed arrays, read by the
 * frames, the highlights, hover linking and the overlays.
 *
 * Output cell (o, oy, ox), tap (c, ky, kx) of group g = o / O_g reads padded cell
 *   (py, px) = (oy·sH + ky·dH, ox·sW + kx·dW)   of input channel g·C_g + c, through weight [o, c, ky, kx].
 * Rows depend only on (oy, ky) and columns only on (ox, kx), so the 2-D map output[oy][ox][ky][kx] is
 * the product of two 1-D maps, and so are its inverses. Stored per axis it costs H_out·kH + W_out·kW
 * entries instead of H_out·W_out·kH·kW (ezyang's visualizer stores the product), and each query walks
 * only the cells it returns:
 *   forward   rowOf[oy·kH + ky] = py,          colOf[ox·kW + kx] = px
 *   source    rowSource[py] = y (−1: a zero), colSource[px] = x       (the padding mode's index map)
 *   inverse   rowUsers[rowUsersStart[py] …]  = the (oy·kH + ky) reading padded row py; columns alike
 *   copies    rowCopies[rowCopiesStart[y] …] = the padded rows holding input row y; columns alike
 * A weight [o, c, ky, kx] is read once by every output cell of channel o: its inverse needs no table.
 */
export interface LinkMap {
  readonly info: Conv2dInfo;
  /** Padded input height and width. */
  readonly paddedHeight: number;
  readonly paddedWidth: number;
  readonly rowOf: Int32Array;
  readonly colOf: Int32Array;
  readonly rowSource: Int32Array;
  readonly colSource: Int32Array;
  readonly rowUsersStart: Int32Array;
  readonly rowUsers: Int32Array;
  readonly colUsersStart: Int32Array;
  readonly colUsers: Int32Array;
  readonly rowCopiesStart: Int32Array;
  readonly rowCopies: Int32Array;
  readonly colCopiesStart: Int32Array;
  readonly colCopies: Int32Array;
}

/** A cell of the picture: an input cell (padded coordinates), a weight, or an output cell. */
export type CellTarget =
  | { kind: 'input'; channel: number; py: number; px: number }
  | { kind: 'weight'; outputChannel: number; groupChannel: number; ky: number; kx: number }
  | { kind: 'output'; channel: number; oy: number; ox: number };

export interface InputCell {
  channel: number;
  py: number;
  px: number;
}
export interface WeightCell {
  outputChannel: number;
  groupChannel: number;
  ky: number;
  kx: number;
}
export interface OutputCell {
  channel: number;
  oy: number;
  ox: number;
}

/** Every cell linked to a hovered one. */
export interface Linked {
  inputs: InputCell[];
  weights: WeightCell[];
  outputs: OutputCell[];
}

/** Groups the indices of `keys` by key (each in [0, buckets), or −1 to skip) into compressed rows: start offsets and the indices in order. */
function invert(keys: Int32Array, buckets: number): { start: Int32Array; items: Int32Array } {
  const start = new Int32Array(buckets + 1);
  for (const key of keys) if (key >= 0) start[key + 1]!++;
  for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
  const fill = start.slice(0, buckets);
  const items = new Int32Array(start[buckets]!);
  keys.forEach((key, index) => {
    if (key >= 0) items[fill[key]!++] = index;
  });
  return { start, items };
}

/** One axis: forward map (out·k + tap → padded), source map (padded → input or −1), and both inverses. */
function axis(
  outSize: number,
  kernel: number,
  stride: number,
  dilation: number,
  padBefore: number,
  inSize: number,
  padded: number,
  mode: Conv2dInfo['paddingMode'],
) {
  const forward = new Int32Array(outSize * kernel);
  for (let o = 0; o < outSize; o++)
    for (let k = 0; k < kernel; k++) forward[o * kernel + k] = o * stride + k * dilation;
  const source = new Int32Array(padded);
  for (let p = 0; p < padded; p++) source[p] = sourceIndex(p - padBefore, inSize, mode);
  const users = invert(forward, padded);
  const copies = invert(source, inSize);
  return { forward, source, users, copies };
}

export function createLinkMap(info: Conv2dInfo): LinkMap {
  const { paddedHeight, paddedWidth } = info;
  const rows = axis(
    info.outHeight,
    info.kernelHeight,
    info.strideHeight,
    info.dilationHeight,
    info.padTop,
    info.inHeight,
    paddedHeight,
    info.paddingMode,
  );
  const cols = axis(
    info.outWidth,
    info.kernelWidth,
    info.strideWidth,
    info.dilationWidth,
    info.padLeft,
    info.inWidth,
    paddedWidth,
    info.paddingMode,
  );
  return {
    info,
    paddedHeight,
    paddedWidth,
    rowOf: rows.forward,
    colOf: cols.forward,
    rowSource: rows.source,
    colSource: cols.source,
    rowUsersStart: rows.users.start,
    rowUsers: rows.users.items,
    colUsersStart: cols.users.start,
    colUsers: cols.users.items,
    rowCopiesStart: rows.copies.start,
    rowCopies: rows.copies.items,
    colCopiesStart: cols.copies.start,
    colCopies: cols.copies.items,
  };
}

/** Whether padded cell (py, px) lies in the padding ring. */
export function inPadding(map: LinkMap, py: number, px: number): boolean {
  const { info } = map;
  return (
    py < info.padTop || py >= info.padTop + info.inHeight || px < info.padLeft || px >= info.padLeft + info.inWidth
  );
}

/** Calls `visit(c, ky, kx, py, px)` for every tap of output cell (o, oy, ox); c is the channel within the group. */
export function forEachTap(
  map: LinkMap,
  oy: number,
  ox: number,
  visit: (c: number, ky: number, kx: number, py: number, px: number) => void,
): void {
  const { inChannelsPerGroup: Cg, kernelHeight: kH, kernelWidth: kW } = map.info;
  for (let c = 0; c < Cg; c++) {
    for (let ky = 0; ky < kH; ky++) {
      const py = map.rowOf[oy * kH + ky]!;
      for (let kx = 0; kx < kW; kx++) visit(c, ky, kx, py, map.colOf[ox * kW + kx]!);
    }
  }
}

/** The padded cells holding the same value as (py, px): itself, plus every copy of its input cell (none for a zero). */
function cellsHolding(map: LinkMap, py: number, px: number): { rows: number[]; cols: number[] } {
  const y = map.rowSource[py]!,
    x = map.colSource[px]!;
  if (y < 0 || x < 0) return { rows: [py], cols: [px] };
  return {
    rows: Array.from(map.rowCopies.subarray(map.rowCopiesStart[y]!, map.rowCopiesStart[y + 1]!)),
    cols: Array.from(map.colCopies.subarray(map.colCopiesStart[x]!, map.colCopiesStart[x + 1]!)),
  };
}

/**
 * Hover linking, read from the map:
 * - an output cell: its receptive field and the weights that read it;
 * - an input cell: every output cell its value feeds — through this cell and through every copy the
 *   padding mode makes of it — and the weights on the way; `inputs` lists the cell and its copies;
 * - a weight: every input cell it touches (one per output cell of its channel) and those outputs.
 */
export function linkedCells(map: LinkMap, target: CellTarget): Linked {
  const { info } = map;
  const {
    inChannelsPerGroup: Cg,
    outChannelsPerGroup: Og,
    kernelHeight: kH,
    kernelWidth: kW,
    outHeight: Ho,
    outWidth: Wo,
  } = info;
  const result: Linked = { inputs: [], weights: [], outputs: [] };
  if (target.kind === 'output') {
    const g = Math.floor(target.channel / Og);
    result.outputs.push({ channel: target.channel, oy: target.oy, ox: target.ox });
    forEachTap(map, target.oy, target.ox, (c, ky, kx, py, px) => {
      result.inputs.push({ channel: g * Cg + c, py, px });
      result.weights.push({ outputChannel: target.channel, groupChannel: c, ky, kx });
    });
    return result;
  }
  if (target.kind === 'weight') {
    const g = Math.floor(target.outputChannel / Og);
    for (let oy = 0; oy < Ho; oy++) {
      const py = map.rowOf[oy * kH + target.ky]!;
      for (let ox = 0; ox < Wo; ox++) {
        result.inputs.push({ channel: g * Cg + target.groupChannel, py, px: map.colOf[ox * kW + target.kx]! });
        result.outputs.push({ channel: target.outputChannel, oy, ox });
      }
    }
    result.weights.push({
      outputChannel: target.outputChannel,
      groupChannel: target.groupChannel,
      ky: target.ky,
      kx: target.kx,
    });
    return result;
  }
  const g = Math.floor(target.channel / Cg),
    c = target.channel - g * Cg;
  const { rows, cols } = cellsHolding(map, target.py, target.px);
  for (const py of rows) for (const px of cols) result.inputs.push({ channel: target.channel, py, px });
  for (const py of rows) {
    for (let r = map.rowUsersStart[py]!; r < map.rowUsersStart[py + 1]!; r++) {
      const rowUse = map.rowUsers[r]!,
        oy = Math.floor(rowUse / kH),
        ky = rowUse % kH;
      for (const px of cols) {
        for (let u = map.colUsersStart[px]!; u < map.colUsersStart[px + 1]!; u++) {
          const colUse = map.colUsers[u]!,
            ox = Math.floor(colUse / kW),
            kx = colUse % kW;
          for (let j = 0; j < Og; j++) {
            result.outputs.push({ channel: g * Og + j, oy, ox });
            result.weights.push({ outputChannel: g * Og + j, groupChannel: c, ky, kx });
          }
        }
      }
    }
  }
  return result;
}
