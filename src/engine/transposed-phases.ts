/**
 * A transposed convolution as direct convolutions, one per output phase ("sub-pixel" decomposition).
 *
 * Along one axis, output cell Y receives input cell i through tap k when Y = i·s − p + k·d. Split the
 * output by phase r = Y mod s and write Y = r + s·t: tap k reaches phase r only when
 * (r + p − k·d) is a multiple of s, and then from input cell i = t + (r + p − k·d)/s. So phase r is a
 * plain, stride-1 correlation of the input with the taps that reach it, in reverse order: consecutive
 * reaching taps are s/gcd(s, d) apart and read input cells D = d/gcd(s, d) apart — a dilation of D.
 * Nothing is multiplied by an inserted zero (the textbook form, zeros between input cells and a
 * flipped kernel, wastes s² of every s² multiplications on a 2-D stride-s layer), and each phase runs
 * on the engine's fastest kernel for it.
 */

/** One phase along one axis. */
export interface AxisPhase {
  /** The output cells r, r + s, r + 2s, … */
  residue: number;
  /** How many output cells the phase has. */
  count: number;
  /** The taps that reach it, in the order the direct convolution applies them (descending). */
  taps: number[];
  /** The direct convolution's dilation (1 for a single tap). */
  dilation: number;
  /** Input cells the direct convolution reads: [first, end) of the input, padded by `padBefore`/`padAfter` zeros. */
  first: number;
  end: number;
  padBefore: number;
  padAfter: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const modulo = (a: number, m: number) => ((a % m) + m) % m;

/**
 * The phases of one axis: input size `size`, output size `outSize`, kernel `kernel`, stride `stride`,
 * dilation `dilation`, and `crop` cells cropped before the first output cell (the padding). Phases
 * with no output cells are left out; a phase no tap reaches has `taps` empty (its cells are the bias).
 */
export function axisPhases(
  size: number,
  outSize: number,
  kernel: number,
  stride: number,
  dilation: number,
  crop: number,
): AxisPhase[] {
  const phases: AxisPhase[] = [];
  const spacing = dilation / gcd(stride, dilation);
  for (let residue = 0; residue < Math.min(stride, outSize); residue++) {
    const count = Math.floor((outSize - 1 - residue) / stride) + 1;
    const taps: number[] = [];
    for (let k = kernel - 1; k >= 0; k--) if (modulo(residue + crop - k * dilation, stride) === 0) taps.push(k);
    if (taps.length === 0) {
      phases.push({ residue, count, taps, dilation: 1, first: 0, end: 0, padBefore: 0, padAfter: 0 });
      continue;
    }
    // Output cell t reads input cells t + offset, t + offset + D, …: offset from the first (largest) tap.
    const offset = (residue + crop - taps[0]! * dilation) / stride;
    const reach = (taps.length - 1) * spacing;
    // The input cells phase t = 0 … count−1 reads: [offset, offset + count − 1 + reach]; the part
    // outside the input is zeros, the part of the input outside it is not read.
    const lastRead = offset + count - 1 + reach;
    const first = Math.max(0, offset);
    const end = Math.min(size, lastRead + 1);
    phases.push({
      residue,
      count,
      taps,
      dilation: taps.length > 1 ? spacing : 1,
      first: Math.min(first, end),
      end,
      padBefore: Math.max(0, -offset),
      padAfter: Math.max(0, lastRead + 1 - size),
    });
  }
  return phases;
}

/**
 * The phases of one axis as one convolution, when each has the same taps count and dilation (a 4 × 4
 * stride-2 or a 2 × 2 stride-2 layer: DCGAN's and U-Net's): phase r's output cell t is the merged
 * convolution's cell `starts[r] + t`. Stacking the phases as output channels then makes one GEMM of
 * s_h·s_w × C_out rows instead of s_h·s_w small ones — one hand-off to the threads, not four. The
 * merged output covers from the earliest phase's first cell to the latest's last, so it can hold a
 * few cells no phase uses (`length` against the phases' `count`s). Null when the phases differ.
 */
export interface MergedAxis {
  /** Taps per phase, and the input cells between them. */
  taps: number;
  dilation: number;
  /** The input cells read, [first, end), padded by padBefore/padAfter zeros. */
  first: number;
  end: number;
  padBefore: number;
  padAfter: number;
  /** The merged output's length, and where each phase's cells start in it. */
  length: number;
  starts: number[];
}

export function mergedAxis(size: number, phases: AxisPhase[]): MergedAxis | null {
  const [head] = phases;
  if (!head || head.taps.length === 0) return null;
  const same = phases.every(
    (p) => p.taps.length === head.taps.length && p.dilation === head.dilation && p.end > p.first,
  );
  if (!same) return null;
  // Phase r reads input cells t + offset_r (+ m·dilation): offset_r = first − padBefore.
  const offsets = phases.map((p) => p.first - p.padBefore);
  const lowest = Math.min(...offsets);
  const last = Math.max(...phases.map((p, r) => offsets[r]! + p.count - 1));
  const lastRead = last + (head.taps.length - 1) * head.dilation;
  const first = Math.max(0, lowest);
  const end = Math.min(size, lastRead + 1);
  if (end <= first) return null;
  return {
    taps: head.taps.length,
    dilation: head.dilation,
    first,
    end,
    padBefore: Math.max(0, -lowest),
    padAfter: Math.max(0, lastRead + 1 - size),
    length: last - lowest + 1,
    starts: offsets.map((offset) => offset - lowest),
  };
}
