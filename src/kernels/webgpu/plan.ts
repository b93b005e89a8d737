import type { Conv2dInfo } from '../../core/resolve.js';
import { selectKernel } from '../select.js';
import { type KernelOf, isDepthwise } from '../table.js';
import { Conv2dError } from '../../errors/index.js';
import { GEMM_TILES, type GemmTile, gemmThreads, gemmWorkgroupBytes, gemmWorkgroupCount } from './gemm.js';

/**
 * How a GPU kernel runs a layer. Which kernel is the kernel table's choice (table.ts: depthwise layers
 * → the depthwise kernel; fewer than 8 output channels per group or 8 taps → the direct kernel; the
 * rest → the implicit GEMM); this module chooses the GEMM's tile from the timings of every candidate
 *   tile on the layer suite at batch 1 and 32 on an H200 (bench/gpu/check.mjs; docs/gpu.md):
 *   - groups of ≤ 32 output channels: 32 × 64;
 *   - ≤ 64: 64 × 128 with 8 × 8 a thread where that gives four workgroups per SM, 64 × 128 with
 *     4 × 8 where it gives one, else 64 × 64;
 *   - wider: 128 × 128 with two workgroups per SM, 128 × 64 with one, else 64 × 64;
 *   and K split across workgroups where there are still fewer workgroups than SMs (batch 1, deep
 *   layers: the latency of a layer with few tiles is one workgroup's walk along K, and splitting
 *   shortens the walk), or fewer than two per SM on a long K (≥ 32 steps).
 *
 * WebGPU does not say how many multiprocessors (SMs) a GPU has: the planner assumes 132 (an
 * H100/H200). On a smaller GPU this only means smaller tiles or more splitting than it needs,
 * never a wrong answer.
 */

export type WebgpuKernel = KernelOf<'webgpu'>;

export interface WebgpuPlan {
  kernel: WebgpuKernel;
  /** The GEMM's tile (webgpu-gemm only). */
  tile?: GemmTile;
}

const SMS = 132;
/** Each slice of a split K keeps at least this many BK steps. */
const MIN_TILES_PER_SPLIT = 2;
const MAX_SPLIT = 16;
const LONG_K_TILES = 32;

/** The tile for the GEMM kernel: see the module comment. */
export function gemmTileFor(info: Conv2dInfo): GemmTile {
  const m = info.outChannelsPerGroup;
  const fills = (tile: GemmTile, workgroups: number): boolean => gemmWorkgroupCount(info, tile) >= workgroups;
  let tile: GemmTile;
  if (m <= 32) tile = GEMM_TILES['m32n64k16-t4x4'];
  else if (m <= 64)
    tile = fills(GEMM_TILES['m64n128k8-t8x8'], 4 * SMS)
      ? GEMM_TILES['m64n128k8-t8x8']
      : fills(GEMM_TILES['m64n128k16-t4x8'], SMS)
        ? GEMM_TILES['m64n128k16-t4x8']
        : GEMM_TILES['m64n64k16-t4x4'];
  else
    tile = fills(GEMM_TILES['m128n128k8-t8x8'], 2 * SMS)
      ? GEMM_TILES['m128n128k8-t8x8']
      : fills(GEMM_TILES['m128n64k16-t8x4'], SMS)
        ? GEMM_TILES['m128n64k16-t8x4']
        : GEMM_TILES['m64n64k16-t4x4'];
  const workgroups = gemmWorkgroupCount(info, tile);
  const kTiles = Math.ceil(info.taps / tile.bk);
  if (workgroups < SMS || (workgroups < 2 * SMS && kTiles >= LONG_K_TILES)) {
    const splitK = Math.min(MAX_SPLIT, Math.floor(kTiles / MIN_TILES_PER_SPLIT), Math.ceil((2 * SMS) / workgroups));
    if (splitK >= 2) tile = { ...tile, splitK };
  }
  return tile;
}

/** What a device allows a workgroup (WebGPU guarantees at least 16 KiB and 256 invocations). */
export interface WorkgroupLimits {
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
}

export function tileFits(tile: GemmTile, limits: WorkgroupLimits): boolean {
  return (
    gemmWorkgroupBytes(tile) <= limits.maxComputeWorkgroupStorageSize &&
    gemmThreads(tile) <= limits.maxComputeInvocationsPerWorkgroup
  );
}

/**
 * The plan for `info`; `kernel` forces one (tests, benchmarks), `tile` a GEMM tile. With the device's
 * `limits`, a chosen tile the device cannot run is replaced by 32 × 64 or 64 × 64 (16 KiB, 256
 * threads: within every WebGPU device's limits), and a forced one is refused.
 */
export function planWebgpu(
  info: Conv2dInfo,
  kernel: WebgpuKernel = selectKernel(info, { wasm: true }, 'webgpu') as WebgpuKernel,
  tile?: GemmTile,
  limits?: WorkgroupLimits,
): WebgpuPlan {
  if (kernel === 'webgpu-depthwise' && !isDepthwise(info))
    throw new Error('convlab: the depthwise GPU kernel needs a depthwise layer');
  if (kernel !== 'webgpu-gemm') return { kernel };
  if (tile && limits && !tileFits(tile, limits)) {
    throw new Conv2dError(
      'tile',
      `${tile.bm}×${tile.bn}×${tile.bk}`,
      `needs ${gemmWorkgroupBytes(tile)} bytes of workgroup memory and ${gemmThreads(tile)} threads; this GPU allows ${limits.maxComputeWorkgroupStorageSize} and ${limits.maxComputeInvocationsPerWorkgroup}`,
    );
  }
  let chosen = tile ?? gemmTileFor(info);
  if (limits && !tileFits(chosen, limits)) {
    chosen = {
      ...(info.outChannelsPerGroup <= 32 ? GEMM_TILES['m32n64k16-t4x4'] : GEMM_TILES['m64n64k16-t4x4']),
      splitK: chosen.splitK,
    };
  }
  return { kernel, tile: chosen };
}
