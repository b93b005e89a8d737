import type { Conv2dInfo } from '../../core/resolve.js';
import { elementCount } from '../../core/tensor.js';
import { type Epilogue, applyEpilogue, wgslBindings, wgslConstants } from './wgsl.js';

/**
 * conv2d on the GPU as an implicit GEMM, per group g:
 *
 *     Y[o][p] = bias[o] + Σ_k W[o][k] · X[k][p]
 *
 * with o the group's output channels (M = O/groups rows), p = (n, oy, ox) the output pixels of the
 * whole batch (P = N·H_out·W_out columns) and k = (c, ky, kx) the taps (K = C/groups·kH·kW). X — the
 * im2col matrix — is never built: each BK × BN tile of it is gathered from the input straight into
 * workgroup memory, X[k][p] = input[n][g·C/groups + c][oy·s + ky·d − pad][ox·s + kx·d − pad] (a zero
 * in zero padding, the padding mode's index map otherwise).
 *
 * Tiling: a workgroup computes a BM × BN tile of Y; each thread a TM × TN block of it in registers
 * (TM·TN/4 vec4 accumulators, unrolled in the generated source). K advances BK at a time through two
 * buffers in workgroup memory: while the threads multiply out one, the next tile's values are already
 * loaded from global memory into registers (one barrier per step). Weights are packed once, on upload,
 * as [g][k][m] padded with zeros to whole tiles, so the weight tile is read as vec4s with no bounds
 * checks. A thread's rows are TM/4 vec4s spaced BM/TM·4 apart (and its columns likewise), so
 * neighbouring threads read neighbouring vec4s of workgroup memory: no bank conflicts.
 *
 * Split-K: where a layer has too few output tiles to fill the GPU (batch 1, deep layers), S
 * workgroups share a tile, each summing a slice of K into its own partial output; a second pass adds
 * the S partials and the bias.
 */

export interface GemmTile {
  /** Output channels per workgroup tile. */
  bm: number;
  /** Output pixels per workgroup tile. */
  bn: number;
  /** K per step. */
  bk: number;
  /** Rows and columns per thread (multiples of 4). */
  tm: number;
  tn: number;
  /** Workgroups that share one output tile, each with a slice of K (1: no split). */
  splitK: number;
}

/**
 * A tile's name, the one scheme used in code, results and docs: `m64n128k8-t8x8-s4` is 64 output
 * channels × 128 pixels a workgroup, 8 of K a step, 8 × 8 outputs a thread, K split 4 ways.
 */
export function tileName(tile: GemmTile): string {
  return `m${tile.bm}n${tile.bn}k${tile.bk}-t${tile.tm}x${tile.tn}${tile.splitK > 1 ? `-s${tile.splitK}` : ''}`;
}

/** The tiles the planner chooses from (and the device check tries), by {@link tileName}. */
export const GEMM_TILES = {
  'm128n128k8-t8x8': { bm: 128, bn: 128, bk: 8, tm: 8, tn: 8, splitK: 1 },
  'm64n128k16-t4x8': { bm: 64, bn: 128, bk: 16, tm: 4, tn: 8, splitK: 1 },
  'm32n128k16-t4x4': { bm: 32, bn: 128, bk: 16, tm: 4, tn: 4, splitK: 1 },
  'm64n64k16-t4x4': { bm: 64, bn: 64, bk: 16, tm: 4, tn: 4, splitK: 1 },
  'm32n64k16-t4x4': { bm: 32, bn: 64, bk: 16, tm: 4, tn: 4, splitK: 1 },
  'm64n128k8-t8x8': { bm: 64, bn: 128, bk: 8, tm: 8, tn: 8, splitK: 1 },
  'm32n128k8-t4x8': { bm: 32, bn: 128, bk: 8, tm: 4, tn: 8, splitK: 1 },
  'm128n64k16-t8x4': { bm: 128, bn: 64, bk: 16, tm: 8, tn: 4, splitK: 1 },
} satisfies Record<string, GemmTile>;

export function gemmThreads(tile: GemmTile): number {
  return (tile.bm / tile.tm) * (tile.bn / tile.tn);
}

/** Workgroup memory the tile needs: two buffers of a BK × BM weight tile and a BK × BN input tile. */
export function gemmWorkgroupBytes(tile: GemmTile): number {
  return 2 * tile.bk * (tile.bm + tile.bn) * 4;
}

function gemmP(info: Conv2dInfo): number {
  return info.batch * info.outHeight * info.outWidth;
}

/** Sizes of the packed weight [g][K padded to BK][M padded to BM]. */
function packedSizes(info: Conv2dInfo, tile: GemmTile): { kTiles: number; kPadded: number; mPadded: number } {
  const kTiles = Math.ceil(info.taps / tile.bk);
  return { kTiles, kPadded: kTiles * tile.bk, mPadded: Math.ceil(info.outChannelsPerGroup / tile.bm) * tile.bm };
}

/**
 * Zero padding (or none) lets the gather use a table of taps: for each k = (c, ky, kx) the offset
 * c·H·W + ky·dH·W + kx·dW from the input cell under the window's corner, and (ky·dH, kx·dW) for the
 * bounds check — one cached vec4 load instead of the divisions that split k. The copying padding
 * modes map coordinates through sourceIndex and split k arithmetically.
 */
export function gemmUsesTapTable(info: Conv2dInfo): boolean {
  return info.paddingMode === 'zeros' || info.padTop + info.padBottom + info.padLeft + info.padRight === 0;
}

/** A row offset no window reaches: the bounds check fails for taps past K and pixels past P. */
const OUTSIDE = 1 << 24;

/** Floats of the packed weight buffer: [g][K padded][M padded], then the tap table where used. */
export function gemmPackedLength(info: Conv2dInfo, tile: GemmTile): number {
  const { kPadded, mPadded } = packedSizes(info, tile);
  return info.groups * kPadded * mPadded + (gemmUsesTapTable(info) ? 4 * kPadded : 0);
}

/**
 * The weight (O, C/groups, kH, kW) as the kernel reads it: [g][k][m], zero-padded to whole tiles;
 * then, where the kernel uses it, the tap table (one vec4 of i32 bits per k, up to K padded).
 */
export function packGemmWeight(info: Conv2dInfo, tile: GemmTile, weight: Float32Array): Float32Array {
  const { kPadded, mPadded } = packedSizes(info, tile);
  const K = info.taps,
    M = info.outChannelsPerGroup;
  const weights = info.groups * kPadded * mPadded;
  const packed = new Float32Array(gemmPackedLength(info, tile));
  for (let g = 0; g < info.groups; g++) {
    for (let m = 0; m < M; m++) {
      const row = (g * M + m) * K;
      const column = g * kPadded * mPadded + m;
      for (let k = 0; k < K; k++) packed[column + k * mPadded] = weight[row + k]!;
    }
  }
  if (gemmUsesTapTable(info)) {
    const taps = new Int32Array(packed.buffer, weights * 4, 4 * kPadded);
    const { kernelHeight: kH, kernelWidth: kW, inHeight: H, inWidth: W } = info;
    for (let k = 0; k < kPadded; k++) {
      const c = Math.floor(k / (kH * kW)),
        ky = Math.floor(k / kW) % kH,
        kx = k % kW;
      const dy = ky * info.dilationHeight,
        dx = kx * info.dilationWidth;
      taps.set(k < K ? [c * H * W + dy * W + dx, dy, dx, 0] : [0, OUTSIDE, 0, 0], 4 * k);
    }
  }
  return packed;
}

/** A tile the generator can unroll: vec4 rows and columns, and whole rows of the input tile per load pass. */
function checkTile(tile: GemmTile): void {
  const threads = gemmThreads(tile);
  const ok =
    tile.tm % 4 === 0 &&
    tile.tn % 4 === 0 &&
    tile.bm % tile.tm === 0 &&
    tile.bn % tile.tn === 0 &&
    threads % tile.bn === 0 &&
    tile.bk % (threads / tile.bn) === 0 &&
    threads <= 1024 &&
    tile.splitK >= 1;
  if (!ok) throw new Error(`convlab: unusable GEMM tile ${JSON.stringify(tile)}`);
}

/** Workgroups to dispatch, linearised over (pixel tile, channel tile, group × split) and folded into x, y. */
export function gemmWorkgroupCount(info: Conv2dInfo, tile: GemmTile): number {
  return Math.ceil(gemmP(info) / tile.bn) * Math.ceil(info.outChannelsPerGroup / tile.bm) * info.groups * tile.splitK;
}

export function gemmWgsl(info: Conv2dInfo, tile: GemmTile, activation: Epilogue = 'none'): string {
  checkTile(tile);
  const { bm, bn, bk, tm, tn, splitK } = tile;
  const threads = gemmThreads(tile);
  const { kTiles, kPadded, mPadded } = packedSizes(info, tile);
  const kStep = threads / bn; // input-tile rows loaded per pass
  const loadsB = bk / kStep;
  const vecsA = (bk * bm) / 4;
  const loadsA = Math.ceil(vecsA / threads);
  const tilesPerSplit = Math.ceil(kTiles / splitK);
  const rowVecs = tm / 4,
    colVecs = tn / 4;
  const lines = (count: number, line: (i: number) => string): string =>
    Array.from({ length: count }, (_, i) => line(i)).join('\n');
  // The loads of one K step, starting at k0 (a WGSL expression): each thread's share of the weight
  // tile (vec4 r of it is element t + r·threads) and of the input tile (rows krow + r·kStep of its column).
  const weightVec = (k0: string, r: number): string =>
    `weight[weightBase + (${k0} + (t + ${r * threads}) / ${bm / 4}) * (M_PADDED / 4) + (t + ${r * threads}) % ${bm / 4}]`;
  const inputValue = (k0: string, r: number): string => `gather(${k0} + krow + ${r * kStep}, iy0, ix0, base)`;
  const storeTiles = (
    buffer: string,
    weightVecOf: (r: number) => string,
    inputValueOf: (r: number) => string,
  ): string =>
    [
      lines(
        loadsA,
        (r) =>
          `{ let i = t + ${r * threads}; if (i < ${vecsA}) { As[${buffer} * ${vecsA} + i] = ${weightVecOf(r)}; } }`,
      ),
      lines(
        loadsB,
        (r) =>
          `Bs[${buffer} * ${(bk * bn) / 4} + ((krow + ${r * kStep}) * ${bn} + col) / 4][col % 4] = ${inputValueOf(r)};`,
      ),
    ].join('\n');

  // The micro-kernel for one k: TM/4 + TN/4 vec4 reads of workgroup memory, TM·TN/4 vec4 FMAs.
  const accumulators = lines(tm * colVecs, (i) => `  var acc${i}: vec4<f32> = vec4<f32>(0.0);`);
  const microKernel = [
    ...Array.from({ length: rowVecs }, (_, v) => `      let a${v} = As[aBase + ${v * (bm / tm)} + ty];`),
    ...Array.from({ length: colVecs }, (_, v) => `      let b${v} = Bs[bBase + ${v * (bn / tn)} + tx];`),
    ...Array.from({ length: tm }, (_, i) =>
      Array.from(
        { length: colVecs },
        (_, v) => `      acc${i * colVecs + v} = fma(vec4<f32>(a${i >> 2}[${i & 3}]), b${v}, acc${i * colVecs + v});`,
      ).join('\n'),
    ),
  ].join('\n');

  const epilogue = lines(tm, (i) => {
    const row = `(${(i >> 2) * (bm / tm)} + ty) * 4 + ${i & 3}`;
    return `  {
    let m = m0 + ${row};
    if (m < OG) {
      let o = g * OG + m;
      var b0: f32 = 0.0;
      ${splitK === 1 ? 'if (HAS_BIAS) { b0 = bias[o]; }' : ''}
${lines(colVecs, (v) => `      store(acc${i * colVecs + v} + vec4<f32>(b0), p0 + (${v * (bn / tn)} + tx) * 4, o, s);`)}
    }
  }`;
  });

  const taps = gemmUsesTapTable(info);
  const gatherWgsl = taps
    ? `const TAPS: i32 = ${(info.groups * kPadded * mPadded) / 4}; // where the tap table starts in \`weight\` (vec4s)
const OUTSIDE: i32 = ${OUTSIDE};

/** X[k][p]: tap k of the thread's pixel (corner = the input index under its window's corner). */
fn gather(k: i32, iy0: i32, ix0: i32, corner: i32) -> f32 {
  let tap = bitcast<vec4<i32>>(weight[TAPS + k]);
  if (u32(iy0 + tap.y) >= u32(H) || u32(ix0 + tap.z) >= u32(W)) { return 0.0; }
  return input[corner + tap.x];
}`
    : `/** X[k][p] for the thread's pixel: k split into (c, ky, kx), coordinates through the padding mode's map. */
fn gather(k: i32, iy0: i32, ix0: i32, base: i32) -> f32 {
  if (iy0 <= -OUTSIDE || k >= K) { return 0.0; }
  let c = k / (KH * KW);
  let r = k - c * (KH * KW);
  let ky = r / KW;
  let kx = r - ky * KW;
  let iy = sourceIndex(iy0 + ky * DH, H);
  let ix = sourceIndex(ix0 + kx * DW, W);
  if (iy < 0 || ix < 0) { return 0.0; }
  return input[base + (c * H + iy) * W + ix];
}
const OUTSIDE: i32 = ${OUTSIDE};`;
  return `// Generated by convlab (src/kernels/webgpu/gemm.ts) for one conv2d configuration; tile ${bm}×${bn}×${bk}, ${tm}×${tn} a thread, split-K ${splitK}.
${wgslBindings({ weight: 'vec4<f32>' })}

${wgslConstants(info)}
const K: i32 = ${info.taps}; const P: i32 = ${gemmP(info)}; const HWO: i32 = ${info.outHeight * info.outWidth};
const OUT_SIZE: i32 = ${elementCount(info.outputShape)};
const K_TILES: i32 = ${kTiles}; const K_PADDED: i32 = ${kPadded}; const M_PADDED: i32 = ${mPadded};
const P_TILES: i32 = ${Math.ceil(gemmP(info) / bn)}; const M_TILES: i32 = ${Math.ceil(info.outChannelsPerGroup / bm)};
const SPLIT: i32 = ${splitK}; const WORKGROUPS: i32 = ${gemmWorkgroupCount(info, tile)};

var<workgroup> As: array<vec4<f32>, ${2 * vecsA}>; // two [k][m] weight tiles
var<workgroup> Bs: array<vec4<f32>, ${(2 * bk * bn) / 4}>; // two [k][p] input tiles

${gatherWgsl}

/** Four output pixels p .. p+3 of channel o (a partial sum of slice s under split-K). */
fn store(v: vec4<f32>, p: i32, o: i32, s: i32) {
  for (var e = 0; e < 4; e++) {
    let q = p + e;
    if (q < P) {
      let n = q / HWO;
      output[${splitK > 1 ? 's * OUT_SIZE + ' : ''}(n * O + o) * HWO + (q - n * HWO)] = ${splitK > 1 ? 'v[e]' : applyEpilogue('v[e]', activation)};
    }
  }
}

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lidx: u32) {
  let linear = i32(wg.x + wg.y * nwg.x);
  if (linear >= WORKGROUPS) { return; }
  let pTile = linear % P_TILES;
  let mTile = (linear / P_TILES) % M_TILES;
  let gs = linear / (P_TILES * M_TILES);
  let g = gs / SPLIT;
  let s = gs - g * SPLIT;
  let m0 = mTile * ${bm};
  let p0 = pTile * ${bn};
  let t = i32(lidx);
  let tx = t % ${bn / tn};
  let ty = t / ${bn / tn};

  // This thread gathers input-tile column \`col\`, rows krow, krow + ${kStep}, ...: its pixel is fixed.
  let col = t % ${bn};
  let krow = t / ${bn};
  let p = p0 + col;
  let n = p / HWO;
  let oy = (p - n * HWO) / WO;
  let ox = p - n * HWO - oy * WO;
  let ix0 = ox * SW - PL;
  let base = (n * C + g * CG) * H * W${taps ? ' + (oy * SH - PT) * W + ix0' : ''};
  let iy0 = select(-OUTSIDE, oy * SH - PT, p < P); // past the last pixel: every tap outside
  let weightBase = g * K_PADDED * (M_PADDED / 4) + m0 / 4;

  let ktBegin = s * ${tilesPerSplit};
  let ktEnd = min(K_TILES, ktBegin + ${tilesPerSplit});
${accumulators}
${lines(loadsA, (r) => `  var ra${r}: vec4<f32>;`)}
${lines(loadsB, (r) => `  var rb${r}: f32;`)}

  // Prologue: the first tiles into buffer 0.
  if (ktBegin < ktEnd) {
    let k0 = ktBegin * ${bk};
${storeTiles(
  '0',
  (r) => weightVec('k0', r),
  (r) => inputValue('k0', r),
)}
  }
  workgroupBarrier();

  for (var kt = ktBegin; kt < ktEnd; kt++) {
    let cur = (kt - ktBegin) & 1;
    let hasNext = kt + 1 < ktEnd;
    if (hasNext) {
      let k0 = (kt + 1) * ${bk};
${lines(loadsA, (r) => `      if (t + ${r * threads} < ${vecsA}) { ra${r} = ${weightVec('k0', r)}; }`)}
${lines(loadsB, (r) => `      rb${r} = ${inputValue('k0', r)};`)}
    }
    for (var kk = 0; kk < ${bk}; kk++) {
      let aBase = cur * ${vecsA} + kk * ${bm / 4};
      let bBase = cur * ${(bk * bn) / 4} + kk * ${bn / 4};
${microKernel}
    }
    if (hasNext) {
      let next = 1 - cur;
${storeTiles(
  'next',
  (r) => `ra${r}`,
  (r) => `rb${r}`,
)}
    }
    workgroupBarrier();
  }

${epilogue}
}
`;
}

const REDUCE_WORKGROUP = 256;

/** Workgroups of the split-K sum: one thread an output. */
export function splitKReduceWorkgroupCount(info: Conv2dInfo): number {
  return Math.ceil(elementCount(info.outputShape) / REDUCE_WORKGROUP);
}

/** The second pass of split-K: output = bias + Σ_s partial[s] (partials bound as `input`). */
export function splitKReduceWgsl(info: Conv2dInfo, splitK: number, epilogue: Epilogue = 'none'): string {
  return `// Generated by convlab (src/kernels/webgpu/gemm.ts): the split-K sum.
${wgslBindings()}
const O: i32 = ${info.outChannels}; const HWO: i32 = ${info.outHeight * info.outWidth};
const OUT_SIZE: i32 = ${elementCount(info.outputShape)};
const HAS_BIAS: bool = ${info.hasBias};

@compute @workgroup_size(${REDUCE_WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = i32(id.x + id.y * nwg.x * ${REDUCE_WORKGROUP}u);
  if (i >= OUT_SIZE) { return; }
  var sum: f32 = 0.0;
  if (HAS_BIAS) { sum = bias[(i / HWO) % O]; }
  for (var s = 0; s < ${splitK}; s++) { sum += input[s * OUT_SIZE + i]; }
  output[i] = ${applyEpilogue('sum', epilogue)};
}
`;
}
