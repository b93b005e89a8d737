import type { Conv2dInfo } from '../../core/resolve.js';
import { isDepthwise } from '../select.js';
import { GEMM_TILES, type GemmTile, gemmK, gemmWorkgroupCount } from './gemm.js';

/**
 * Which GPU kernel runs a layer, and with which tile — in one place, like selectKernel for the CPU.
 *
 * - depthwise layers → the depthwise kernel (memory-bound; no reduction to tile);
 * - fewer than 8 output channels per group, or fewer than 8 taps → the direct kernel (a GEMM tile of
 *   32 channels would be mostly empty);
 * - everything else → the implicit GEMM. Its tile, from the timings of every candidate tile on the
 *   layer suite on an H200 (bench/gpu/check.mjs, results in docs/gpu.md): 64 × 64 for groups of up to
 *   64 output channels, 32 × 128 (or 32 × 64 when that leaves too few workgroups) for groups of up to
 *   32, 128 × 128 for wider layers that give it enough workgroups; and K split across workgroups
 *   where the tiles are still too few to fill the GPU (batch 1, deep layers): the latency of a layer
 *   with few tiles is the time of one workgroup's walk along K, and splitting shortens the walk.
 *
 * "Enough workgroups": WebGPU does not say how many multiprocessors the GPU has; the planner aims at
 * FILL_WORKGROUPS (four per SM of a 132-SM H100/H200). On a smaller GPU this only means smaller
 * tiles or more splitting than it needs, never a wrong answer.
 */

export type WebgpuKernel = 'webgpu-direct' | 'webgpu-depthwise' | 'webgpu-gemm';

export interface WebgpuPlan {
  kernel: WebgpuKernel;
  /** The GEMM's tile (webgpu-gemm only). */
  tile?: GemmTile;
}

const FILL_WORKGROUPS = 528;
/** Big tiles need fewer workgroups to be efficient (each does 4× the work of a 64 × 64 one). */
const FILL_WORKGROUPS_128 = 264;
/** Each slice of a split K keeps at least this many BK steps. */
const MIN_TILES_PER_SPLIT = 2;
const MAX_SPLIT = 16;

export function webgpuKernelFor(info: Conv2dInfo): WebgpuKernel {
  // (The depthwise kernel unrolls the window: past 11 × 11 the direct kernel's loops serve better.)
  if (isDepthwise(info) && info.kernelHeight * info.kernelWidth <= 121) return 'webgpu-depthwise';
  return info.outChannelsPerGroup >= 8 && gemmK(info) >= 8 ? 'webgpu-gemm' : 'webgpu-direct';
}

/** The tile for the GEMM kernel: see the module comment. */
export function gemmTileFor(info: Conv2dInfo): GemmTile {
  const m = info.outChannelsPerGroup;
  let tile: GemmTile;
  if (m <= 32) tile = gemmWorkgroupCount(info, GEMM_TILES.m32n128) >= FILL_WORKGROUPS ? GEMM_TILES.m32n128 : GEMM_TILES.m32n64;
  else if (m > 64 && gemmWorkgroupCount(info, GEMM_TILES.m128n128) >= FILL_WORKGROUPS_128) tile = GEMM_TILES.m128n128;
  else tile = GEMM_TILES.m64n64;
  const workgroups = gemmWorkgroupCount(info, tile);
  const kTiles = Math.ceil(gemmK(info) / tile.bk);
  if (workgroups < FILL_WORKGROUPS / 2 && kTiles >= 2 * MIN_TILES_PER_SPLIT) {
    const splitK = Math.min(MAX_SPLIT, Math.floor(kTiles / MIN_TILES_PER_SPLIT), Math.ceil(FILL_WORKGROUPS / workgroups));
    tile = { ...tile, splitK };
  }
  return tile;
}

/** The plan for `info`; `kernel` forces one (tests, benchmarks), `tile` a GEMM tile. */
export function planWebgpu(info: Conv2dInfo, kernel: WebgpuKernel = webgpuKernelFor(info), tile?: GemmTile): WebgpuPlan {
  if (kernel === 'webgpu-depthwise' && !isDepthwise(info)) throw new Error('convlab: the depthwise GPU kernel needs a depthwise layer');
  return kernel === 'webgpu-gemm' ? { kernel, tile: tile ?? gemmTileFor(info) } : { kernel };
}
