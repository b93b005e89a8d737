import type { Conv2dInfo } from '../../core/resolve.js';
import { type KernelOf, firstKernel, kernelEntry } from '../table.js';
import type { KernelExports } from './runtime.js';
import { MR, NR } from './tile.js';

/**
 * A plan: where every buffer of one convolution lives in the kernels' memory and how the work splits
 * into independent tasks. It is plain data, so the main thread and the workers run the same tasks
 * from the same plan (`runTask`).
 *
 * Zero padding only: other padding modes are made explicit by the caller first.
 */

export { MR, NR };

/** im2col tiles are sized so one tile (K × pixels) stays in a core's L2 cache with room to spare. */
const TILE_BYTES = 160 * 1024;
const MAX_TILE_PIXELS = 512;

/**
 * Winograd F(4×4, 3×3) geometry: the output in 4 × 4 tiles; a task is a block of `blockTiles` tiles (a
 * multiple of NR, so the transformed tiles fill whole GEMM panels) for a run of `outBlock` output
 * channels of a group; the transformed weights in 36 packed blocks per group, `blockStride` bytes
 * apart.
 */
export interface WinogradPlan {
  /**
   * A dilated layer is dH·dW undilated ones: output rows a, a + dH, a + 2dH, … read only input rows
   * of one residue mod dH, every dH-th — a sub-grid, on which the taps are adjacent. Each sub-grid
   * (a, b) is its own stride-1 3×3 convolution on strided views of the input and output planes.
   */
  subgrids: number;
  /** Tiles a task (of the largest sub-grid's output: all of the output when undilated). */
  blockTiles: number;
  blocksPerImage: number;
  /** Output channels per task (a multiple of MR), and how many runs of them make a group. */
  outBlock: number;
  outBlocks: number;
  /** Bytes from one packed U[ξ] to the next: the block, plus a cache line so the 36 blocks do not all map to the same cache sets. */
  blockStride: number;
  /** Byte offsets, within a slot's scratch, of the transformed tiles V, the GEMM results M and the transforms' own scratch. */
  V: number;
  M: number;
  patch: number;
  /**
   * Bytes from V[ξ] to V[ξ + 1] and from M[ξ] to M[ξ + 1]: whole cache lines plus one, so the 36 rows
   * a transform writes or reads at once never share a cache set (a power-of-two stride, 16 KB for
   * 64 channels × 64 tiles, made L2 run at half speed).
   */
  vStride: number;
  mStride: number;
}

/** Scratch, in bytes, that the Winograd transforms need besides V and M: 72 f32x4 vectors. */
const WINOGRAD_PATCH_BYTES = 72 * 16;
/**
 * A task's transformed tiles and GEMM results, at most (each GEMM works on a 36th of them at a time).
 * Measured on L2, L4, L6, L7, L9 with two threads and 64-tile tasks: 256 KB and 512 KB split the
 * work over output channels so finely that input transforms repeat (L4 13 ms); from 1 MB to 8 MB
 * the times agreed within this machine's noise. With 16-tile tasks it binds only past ~450 channels
 * in and out, where it splits the output channels.
 */
const WINOGRAD_TASK_BYTES = 2 * 1024 * 1024;
/**
 * At most 16 tiles a task (two panels): measured against 32 and 64 on L2, L6, L9, one and two threads
 * (the task's transformed tiles and results then stay near L2-cache size): 16 was fastest in five of
 * six pairs, by up to 8 %.
 */
const MAX_WINOGRAD_BLOCK_TILES = 16;

export interface Plan {
  kind: 'gemm' | 'depthwise' | 'winograd';
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  groups: number;
  Cg: number;
  Og: number;
  kH: number;
  kW: number;
  sH: number;
  sW: number;
  dH: number;
  dW: number;
  padT: number;
  padL: number;
  padB: number;
  padR: number;
  Ho: number;
  Wo: number;
  /** GEMM depth: Cg·kH·kW. */
  K: number;
  /** Pixels per GEMM task, and that rounded up to whole NR-pixel panels. */
  tile: number;
  ldc: number;
  tilesPerImage: number;
  /** 1×1 stride 1: the input planes are the GEMM's right-hand matrix, read in place. */
  pointwise: boolean;
  /**
   * GEMM: the runs of output channels a tile is split into (1 unless the output has too few tiles to
   * give every thread work), and the channels of each run (a multiple of MR).
   */
  rowBlocks: number;
  rowBlockRows: number;
  /** Set for the Winograd kernel. */
  winograd: WinogradPlan | null;
  /** Depthwise: padded plane row stride and plane size, in floats. */
  Wp: number;
  planeFloats: number;
  /** Byte offsets. */
  input: number;
  weight: number;
  /** Winograd: where a call's weights land first, to be compared with the last call's (0 otherwise). */
  weightStaging: number;
  packed: number;
  packedGroupBytes: number;
  bias: number;
  output: number;
  /** Per-thread scratch, one slot per thread: im2col tile / padded plane, and the tail buffer. */
  slots: { scratch: number; tail: number }[];
  /**
   * Tasks that must all finish before the others start: the Winograd weight transform, split over the
   * threads (numbered before the main tasks). 0 when the weights are packed before the tasks run.
   */
  prologueTasks: number;
  tasks: number;
  /** Byte offset of the call's task counters: one of COUNTER_SETS (the first unless the caller says). */
  counters: number;
  end: number;
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/**
 * Lays out the buffers for `info` from byte `base`, with `threads` scratch slots, for `kernel` (by
 * default the one the layer's shape suggests; the im2col GEMM runs any layer, so tests can force it).
 */
export function makePlan(
  info: Conv2dInfo,
  threads: number,
  base: number,
  kernel: KernelOf<'wasm'> = firstKernel(info, 'wasm')!,
): Plan {
  const depthwise = kernel === 'wasm-depthwise-simd128';
  const pointwise = kernel === `wasm-gemm-1x1-${MR}x${NR}-simd128`;
  const isWinograd = kernel === 'wasm-winograd-f4x4-3x3-simd128';
  if (!kernelEntry(kernel)?.supports(info)) throw new RangeError(`the ${kernel} kernel cannot run this layer`);
  const N = info.batch,
    C = info.inChannels,
    H = info.inHeight,
    W = info.inWidth,
    O = info.outChannels;
  const Cg = info.inChannelsPerGroup,
    Og = info.outChannelsPerGroup,
    groups = info.groups;
  const kH = info.kernelHeight,
    kW = info.kernelWidth,
    Ho = info.outHeight,
    Wo = info.outWidth;
  const K = info.taps;
  const pixels = Ho * Wo;

  let tile = 0,
    ldc = 0,
    tilesPerImage = 0,
    Wp = 0,
    planeFloats = 0,
    scratchFloats = 0;
  let winograd: WinogradPlan | null = null;
  if (isWinograd) {
    const subgrids = info.dilationHeight * info.dilationWidth;
    const subHeight = Math.ceil(Ho / info.dilationHeight),
      subWidth = Math.ceil(Wo / info.dilationWidth);
    winograd = {
      subgrids,
      ...winogradPlan(Cg, Og, subHeight, subWidth, Math.ceil(threads / (N * groups * subgrids)), threads > 1),
    };
    scratchFloats = winograd.patch / 4 + WINOGRAD_PATCH_BYTES / 4;
  } else if (depthwise) {
    // Rows padded on both sides, plus 15 cells of slack for the 16-wide vector loop, plus one spare row.
    Wp = info.paddedWidth + 15;
    planeFloats = (info.paddedHeight + 1) * Wp;
    scratchFloats = planeFloats;
  } else {
    const fit = Math.floor(TILE_BYTES / (4 * K) / NR) * NR;
    tile = Math.min(Math.max(NR, fit), MAX_TILE_PIXELS, Math.ceil(pixels / NR) * NR);
    ldc = Math.ceil(tile / NR) * NR;
    tilesPerImage = Math.ceil(pixels / tile);
    scratchFloats = pointwise ? 0 : K * ldc;
  }

  // A small output with many channels (an 8 × 8 × 512 layer is one tile) would be one task: its
  // output channels are split too, into runs of at least 4·MR, to about four tasks a thread.
  const pixelTasks = N * groups * tilesPerImage;
  const wanted = isWinograd || depthwise || threads < 2 ? 1 : 4 * threads;
  const maxBlocks = Math.max(1, Math.floor(Og / (4 * MR)));
  const rowBlockRows =
    pixelTasks >= wanted ? Og : Math.ceil(Og / Math.min(maxBlocks, Math.ceil(wanted / pixelTasks)) / MR) * MR;
  const rowBlocks = Math.ceil(Og / rowBlockRows);

  let at = align(base);
  const take = (bytes: number) => {
    const start = at;
    at = align(at + bytes);
    return start;
  };
  const slots = Array.from({ length: threads }, () => ({ scratch: take(4 * scratchFloats), tail: take(4 * 64) }));
  // The 1×1 GEMM reads input rows up to NR − 1 floats past their end: keep that inside the buffer.
  const input = take(4 * (N * C * H * W + NR));
  const weight = take(4 * O * K);
  const weightStaging = winograd ? take(4 * O * K) : 0;
  const packedGroupBytes = winograd ? 36 * winograd.blockStride : 4 * Math.ceil(Og / MR) * MR * K;
  const packed = depthwise ? 0 : take(packedGroupBytes * groups);
  const bias = info.hasBias ? take(4 * O) : 0;
  const output = take(4 * N * O * pixels);
  return {
    kind: depthwise ? 'depthwise' : winograd ? 'winograd' : 'gemm',
    N,
    C,
    H,
    W,
    O,
    groups,
    Cg,
    Og,
    kH,
    kW,
    sH: info.strideHeight,
    sW: info.strideWidth,
    dH: info.dilationHeight,
    dW: info.dilationWidth,
    padT: info.padTop,
    padL: info.padLeft,
    padB: info.padBottom,
    padR: info.padRight,
    Ho,
    Wo,
    K,
    tile,
    ldc,
    tilesPerImage,
    pointwise,
    rowBlocks,
    rowBlockRows,
    winograd,
    Wp,
    planeFloats,
    input,
    weight,
    weightStaging,
    packed,
    packedGroupBytes,
    bias,
    output,
    slots,
    counters: COUNTER_SETS[0],
    prologueTasks: winograd && threads > 1 ? Math.min(groups * Math.ceil(Og / MR), 4 * threads) : 0,
    tasks: depthwise
      ? N * C
      : N *
        groups *
        (winograd ? winograd.subgrids * winograd.blocksPerImage * winograd.outBlocks : tilesPerImage * rowBlocks),
    end: at,
  };
}

/**
 * The Winograd tiling of a Ho × Wo output for Cg → Og channels per group, with `tasksWanted` tasks
 * wanted an image and group (the threads, where the batch and groups do not already give them) when
 * `threaded`.
 *
 * Every task reads the transformed weights of its output channels (36·Og·Cg floats for a whole
 * group: 9 MB for 256 → 256), so tasks take as many tiles as they can — all of a small output's —
 * and the work splits over output channels rather than over tiles where tiles are few: a task then
 * transforms its input tiles again (36·Cg·tiles values, cheap) but reads only its share of the
 * weights. Tiles are capped at MAX_WINOGRAD_BLOCK_TILES and, with the results of the task's output
 * channels, at WINOGRAD_TASK_BYTES.
 */
function winogradPlan(
  Cg: number,
  Og: number,
  Ho: number,
  Wo: number,
  tasksWanted: number,
  threaded: boolean,
): Omit<WinogradPlan, 'subgrids'> {
  const tilesX = Math.ceil(Wo / 4);
  const tiles = tilesX * Math.ceil(Ho / 4);
  const bytesPerTile = (channels: number) => 4 * 36 * channels;
  let blockTiles = Math.min(MAX_WINOGRAD_BLOCK_TILES, Math.ceil(tiles / NR) * NR);
  while (blockTiles > NR && bytesPerTile(Cg + MR) * blockTiles > WINOGRAD_TASK_BYTES) blockTiles -= NR;
  // With threads, about eight tasks a thread where the tiles allow (blocks of at least two panels),
  // so that the shared counter evens out cores of unequal speed and a worker that starts late; the
  // blocks as equal as whole panels make them.
  const blocksWanted = threaded ? Math.min(8 * tasksWanted, Math.floor(tiles / (2 * NR))) : 1;
  const blocks = Math.max(Math.ceil(tiles / blockTiles), blocksWanted);
  blockTiles = Math.max(NR, Math.ceil(tiles / blocks / NR) * NR);
  const blocksPerImage = Math.ceil(tiles / blockTiles);
  const channelPanels = Math.ceil(Og / MR);
  let outBlocks = Math.min(channelPanels, Math.max(1, Math.ceil(tasksWanted / blocksPerImage)));
  while (
    outBlocks < channelPanels &&
    bytesPerTile(Cg + Math.ceil(channelPanels / outBlocks) * MR) * blockTiles > WINOGRAD_TASK_BYTES
  )
    outBlocks++;
  const outBlock = Math.ceil(channelPanels / outBlocks) * MR;
  outBlocks = Math.ceil(Og / outBlock);
  const vStride = align(4 * Cg * blockTiles) + 64;
  const mStride = align(4 * outBlock * blockTiles) + 64;
  const V = 0;
  const M = V + 36 * vStride;
  const patch = M + 36 * mStride;
  return {
    blockTiles,
    blocksPerImage,
    outBlock,
    outBlocks,
    blockStride: align(4 * channelPanels * MR * Cg) + 64,
    V,
    M,
    patch,
    vStride,
    mStride,
  };
}

/**
 * Packs each group's weights into MR-row panels (once per call, before the tasks run); for Winograd,
 * transforms them first (U = G g Gᵀ) and packs the 36 matrices U[ξ].
 */
export function packWeights(kernels: KernelExports, plan: Plan): void {
  if (plan.winograd) {
    if (plan.prologueTasks === 0) transformWeights(kernels, plan, 0, 1, 0);
    return;
  }
  if (plan.kind !== 'gemm') return;
  for (let g = 0; g < plan.groups; g++) {
    kernels.packWeights(
      plan.weight + 4 * g * plan.Og * plan.K,
      plan.Og,
      plan.K,
      plan.packed + g * plan.packedGroupBytes,
    );
  }
}

/**
 * Runs task `task` of the plan with scratch slot `slot`. GEMM tasks are (image n, group g, tile of
 * output pixels, run of output channels); depthwise tasks are (image n, channel c).
 */
export function runTask(
  kernels: KernelExports,
  plan: Plan,
  task: number,
  slot: number,
  biasValues: Float32Array | null,
): void {
  const { scratch, tail } = plan.slots[slot]!;
  const pixels = plan.Ho * plan.Wo;
  if (plan.kind === 'depthwise') {
    const n = Math.floor(task / plan.C),
      c = task % plan.C;
    kernels.padZeros(
      plan.input + 4 * (n * plan.C + c) * plan.H * plan.W,
      1,
      plan.H,
      plan.W,
      plan.padT,
      plan.padL,
      plan.Wp,
      plan.planeFloats,
      scratch,
    );
    for (let j = 0; j < plan.Og; j++) {
      const o = c * plan.Og + j;
      kernels.depthwisePlane(
        scratch,
        plan.Wp,
        plan.weight + 4 * o * plan.kH * plan.kW,
        plan.kH,
        plan.kW,
        plan.sH,
        plan.sW,
        plan.dH,
        plan.dW,
        biasValues ? biasValues[o]! : 0,
        plan.Ho,
        plan.Wo,
        plan.output + 4 * (n * plan.O + o) * pixels,
        tail,
      );
    }
    return;
  }
  if (plan.winograd) {
    runWinogradTask(kernels, plan, plan.winograd, task, scratch, tail);
    return;
  }
  // GEMM task: (image n, group g, tile of output pixels, run of output channels), the run fastest.
  const run = task % plan.rowBlocks;
  const tileTask = Math.floor(task / plan.rowBlocks);
  const perImage = plan.groups * plan.tilesPerImage;
  const n = Math.floor(tileTask / perImage);
  const g = Math.floor((tileTask % perImage) / plan.tilesPerImage);
  const p0 = (tileTask % plan.tilesPerImage) * plan.tile;
  const pn = Math.min(plan.tile, pixels - p0);
  const r0 = run * plan.rowBlockRows;
  const rows = Math.min(plan.rowBlockRows, plan.Og - r0);
  const input = plan.input + 4 * (n * plan.C + g * plan.Cg) * plan.H * plan.W;
  // Panels of MR rows, K·MR floats each: the run starts at panel r0 / MR.
  const packed = plan.packed + g * plan.packedGroupBytes + 4 * r0 * plan.K;
  const output = plan.output + 4 * ((n * plan.O + g * plan.Og + r0) * pixels + p0);
  const bias = plan.bias ? plan.bias + 4 * (g * plan.Og + r0) : 0;
  if (plan.pointwise) {
    // 1×1: the input planes are the right-hand matrix as they stand (measured faster than packing them).
    kernels.gemm(packed, input + 4 * p0, 4 * NR, 4 * plan.H * plan.W, output, pixels, rows, pn, plan.K, bias, tail);
    return;
  }
  kernels.im2col(
    input,
    plan.Cg,
    plan.H,
    plan.W,
    plan.kH,
    plan.kW,
    plan.sH,
    plan.sW,
    plan.dH,
    plan.dW,
    plan.padT,
    plan.padL,
    plan.Wo,
    p0,
    pn,
    scratch,
  );
  kernels.gemm(packed, scratch, 4 * plan.K * NR, 4 * NR, output, pixels, rows, pn, plan.K, bias, tail);
}

/**
 * Part `part` of `parts` of the Winograd weight transform, with scratch slot `slot`: the MR-channel
 * panels of all groups, numbered group by group, split into `parts` runs.
 */
function transformWeights(kernels: KernelExports, plan: Plan, part: number, parts: number, slot: number): void {
  const wino = plan.winograd!;
  const panelsPerGroup = Math.ceil(plan.Og / MR);
  const total = plan.groups * panelsPerGroup;
  const scratch = plan.slots[slot]!.scratch + wino.patch;
  for (let panel = Math.floor((part * total) / parts); panel < Math.floor(((part + 1) * total) / parts); ) {
    const gr = Math.floor(panel / panelsPerGroup);
    const last = Math.min(Math.floor(((part + 1) * total) / parts), (gr + 1) * panelsPerGroup);
    const first = panel - gr * panelsPerGroup;
    const end = Math.min(plan.Og, (last - gr * panelsPerGroup) * MR);
    kernels.winogradWeights(plan.weight, plan.Cg, plan.Og, gr, first * MR, end, plan.packed, wino.blockStride, scratch);
    panel = last;
  }
}

/**
 * One Winograd task, (image n, group g, block of tiles, run of output channels): transform the
 * block's input tiles, run the 36 GEMMs M[ξ] = U[ξ] · V[ξ] for the run's channels, transform the
 * results into the output tiles (adding the bias).
 */
function runWinogradTask(
  kernels: KernelExports,
  plan: Plan,
  wino: WinogradPlan,
  task: number,
  scratch: number,
  tail: number,
): void {
  const perSubgrid = wino.blocksPerImage * wino.outBlocks;
  const perGroup = wino.subgrids * perSubgrid;
  const n = Math.floor(task / (plan.groups * perGroup));
  const g = Math.floor(task / perGroup) % plan.groups;
  const sub = Math.floor((task % perGroup) / perSubgrid);
  const block = Math.floor((task % perSubgrid) / wino.outBlocks);
  const o0 = (task % wino.outBlocks) * wino.outBlock;
  const oCount = Math.min(wino.outBlock, plan.Og - o0);
  // Sub-grid (a, b): output rows a + dH·i read input rows r + dH·j, j = i + ky − top (see subgridAxis).
  const rows = subgridAxis(Math.floor(sub / plan.dW), plan.dH, plan.padT, plan.H, plan.Ho);
  const cols = subgridAxis(sub % plan.dW, plan.dW, plan.padL, plan.W, plan.Wo);
  const tilesX = Math.ceil(cols.outputs / 4);
  const tiles = tilesX * Math.ceil(rows.outputs / 4);
  const T = wino.blockTiles;
  const t0 = block * T;
  if (t0 >= tiles) return; // a smaller sub-grid than the largest
  const tn = Math.min(T, tiles - t0);
  const V = scratch + wino.V,
    M = scratch + wino.M,
    patch = scratch + wino.patch;
  const planeBytes = 4 * plan.H * plan.W;
  const input = plan.input + 4 * (n * plan.C + g * plan.Cg) * plan.H * plan.W + 4 * (rows.first * plan.W + cols.first);
  kernels.winogradInput(
    input,
    planeBytes,
    4 * plan.dH * plan.W,
    plan.dW,
    plan.Cg,
    rows.inputs,
    cols.inputs,
    rows.padding,
    cols.padding,
    tilesX,
    t0,
    tn,
    V,
    wino.vStride,
    patch,
  );
  // The run's rows of each packed U[ξ]: panels of MR rows, Cg floats a row.
  const packed = plan.packed + g * plan.packedGroupBytes + 4 * o0 * plan.Cg;
  for (let xi = 0; xi < 36; xi++) {
    kernels.gemm(
      packed + xi * wino.blockStride,
      V + xi * wino.vStride,
      4 * plan.Cg * NR,
      4 * NR,
      M + xi * wino.mStride,
      T,
      oCount,
      tn,
      plan.Cg,
      0,
      tail,
    );
  }
  const channel = n * plan.O + g * plan.Og + o0;
  const output = plan.output + 4 * (channel * plan.Ho * plan.Wo + rows.output * plan.Wo + cols.output);
  const bias = plan.bias ? plan.bias + 4 * (g * plan.Og + o0) : 0;
  kernels.winogradOutput(
    M,
    wino.mStride,
    oCount,
    T,
    tilesX,
    t0,
    tn,
    rows.outputs,
    cols.outputs,
    output,
    4 * plan.Ho * plan.Wo,
    4 * plan.dH * plan.Wo,
    plan.dW,
    bias,
    patch,
  );
}

/**
 * One axis of a dilated layer's sub-grid: output cells a, a + d, a + 2d, … (`outputs` of them, from
 * `output` = a) read input cells a − p + d·(i + k) for tap k. Writing a − p = d·q + r with 0 ≤ r < d,
 * they are the input cells r + d·j (`inputs` of them in the input, from `first` = r) at j = i + k + q:
 * an undilated convolution on that view, padded by −q (≥ 0, as a < d) before it. Undilated (d = 1):
 * the whole axis, padded by p.
 */
function subgridAxis(
  a: number,
  d: number,
  pad: number,
  size: number,
  outSize: number,
): { output: number; outputs: number; first: number; inputs: number; padding: number } {
  const q = Math.floor((a - pad) / d);
  const r = a - pad - d * q;
  return {
    output: a,
    outputs: Math.max(0, Math.ceil((outSize - a) / d)),
    first: r,
    inputs: Math.max(0, Math.ceil((size - r) / d)),
    padding: -q,
  };
}

/**
 * Where the shared task counters of a call live (in the heap's reserved first page): two sets, one
 * cache line apart, used by calls in turn, so a call can start while the last one's workers are
 * still answering (their replies take ~0.25 ms to arrive here). A set holds the next task to take,
 * how many prologue tasks have finished, whether a task failed, and how many tasks have finished.
 */
export const COUNTER_SETS = [0, 64] as const;
const NEXT = 0,
  PROLOGUE_DONE = 1,
  FAILED = 2,
  DONE = 3;

const countersOf = (memory: WebAssembly.Memory, plan: Plan) => new Int32Array(memory.buffer, plan.counters, 4);

/** Sets the plan's counters for a new call: before any thread starts on it. */
export function resetTaskCounters(memory: WebAssembly.Memory, plan: Plan): void {
  countersOf(memory, plan).fill(0);
}

/**
 * Whether every task of the plan has finished (their results visible to this thread): the caller can
 * read the output without waiting for the workers' replies — a worker that woke late finds no task
 * left and only answers.
 */
export function allTasksDone(memory: WebAssembly.Memory, plan: Plan): boolean {
  return Atomics.load(countersOf(memory, plan), DONE) === plan.prologueTasks + plan.tasks;
}

/** How long a thread waits for the prologue before it gives up (a thread that died mid-prologue). */
const PROLOGUE_WAIT_MS = 10_000;

/**
 * Runs tasks of the plan until none are left, taking the next task index from the shared counter:
 * threads that run faster take more tasks (the two cores of a VM need not be equally fast). The
 * prologue tasks come first; a thread that reaches the main tasks waits (spinning: the prologue is a
 * fraction of a millisecond a thread) until every prologue task has finished. Returns how many tasks
 * this thread ran.
 */
export function runTasksFromCounter(
  kernels: KernelExports,
  plan: Plan,
  memory: WebAssembly.Memory,
  slot: number,
  bias: Float32Array | null,
): number {
  const counters = countersOf(memory, plan);
  const prologue = plan.prologueTasks;
  let ran = 0;
  let waited = prologue === 0;
  for (let task = Atomics.add(counters, NEXT, 1); task < prologue + plan.tasks; task = Atomics.add(counters, NEXT, 1)) {
    try {
      if (task < prologue) {
        transformWeights(kernels, plan, task, prologue, slot);
        Atomics.add(counters, PROLOGUE_DONE, 1);
      } else {
        if (!waited) {
          waitForPrologue(counters, prologue);
          waited = true;
        }
        runTask(kernels, plan, task - prologue, slot, bias);
      }
    } catch (error) {
      Atomics.store(counters, FAILED, 1);
      throw error;
    }
    Atomics.add(counters, DONE, 1);
    ran++;
  }
  return ran;
}

function waitForPrologue(counters: Int32Array, prologue: number): void {
  const deadline = performance.now() + PROLOGUE_WAIT_MS;
  for (let spins = 0; Atomics.load(counters, PROLOGUE_DONE) < prologue; spins++) {
    if (Atomics.load(counters, FAILED) || ((spins & 1023) === 1023 && performance.now() > deadline))
      throw new Error('a thread failed while transforming the weights; the call was abandoned');
  }
}
