import { resolveLayer } from '../core/describe.js';
import { macsOf } from '../core/resolve.js';
import { DEFAULT_BASE, type SweepBase, type SweepSpec, type SweepValue, pointLayer } from './sweep.js';

/**
 * The seven figures of the article: for each argument, parameters and time against out_channels
 * 1, 2, 4, …, 256 (groups: 24 … 384), one line per value of the argument. Where a figure's full input
 * size would not fit its share of the time budget on this machine, the input is scaled down and the
 * chart says so.
 */

export const OUT_CHANNELS_POW2: number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** A rough cost model for planning only: ~15 GMAC/s on one thread, ~10 calls per measured point. */
const PLANNING_MACS_PER_MS = 15e6;
const CALLS_PER_POINT = 10;

function base(overrides: Partial<SweepBase>): SweepBase {
  return { ...DEFAULT_BASE, ...overrides };
}

const FIGURES: SweepSpec[] = [
  { id: '1-in-channels', title: 'in_channels ∈ {16, 32, 64, 128}, k3, 64×64 input', base: base({ inputSize: [64, 64] }),
    vary: { argument: 'in-channels', values: [16, 32, 64, 128] }, x: { argument: 'out-channels', values: OUT_CHANNELS_POW2 } },
  { id: '2-input-size', title: 'input size ∈ {64, 128, 256}, in_channels 1, k3', base: base({ inChannels: 1 }),
    vary: { argument: 'input-size', values: [64, 128, 256] }, x: { argument: 'out-channels', values: OUT_CHANNELS_POW2 } },
  { id: '3-kernel-size', title: 'kernel ∈ {1×1, 3×1, 3×3, 5×5}, in_channels 1, 256×256 input', base: base({ inChannels: 1, inputSize: [256, 256] }),
    vary: { argument: 'kernel-size', values: [[1, 1], [3, 1], [3, 3], [5, 5]] }, x: { argument: 'out-channels', values: OUT_CHANNELS_POW2 } },
  { id: '4-padding', title: 'padding ∈ {0,0 · 0,10 · 10,0 · 10,10 · 50,50}, in_channels 8, k3, 64×64 input', base: base({ inChannels: 8 }),
    vary: { argument: 'padding', values: [[0, 0], [0, 10], [10, 0], [10, 10], [50, 50]] }, x: { argument: 'out-channels', values: OUT_CHANNELS_POW2 } },
  { id: '5-stride', title: 'stride ∈ {1,1 · 1,2 · 2,1 · 2,2 · 5,5}, in_channels 8, k3, 128×128 input', base: base({ inChannels: 8, inputSize: [128, 128] }),
    vary: { argument: 'stride', values: [[1, 1], [1, 2], [2, 1], [2, 2], [5, 5]] }, x: { argument: 'out-channels', values: OUT_CHANNELS_POW2 } },
  { id: '6-dilation', title: 'dilation ∈ {1,1 · 2,1 · 2,2 · 5,5}, in_channels 8, k3, 64×64 input', base: base({ inChannels: 8 }),
    vary: { argument: 'dilation', values: [[1, 1], [2, 1], [2, 2], [5, 5]] }, x: { argument: 'out-channels', values: OUT_CHANNELS_POW2 } },
  { id: '7-groups', title: 'groups ∈ {1, 2, 3, 4}, in_channels 24, out_channels 24 … 384, k3, 64×64 input', base: base({ inChannels: 24 }),
    vary: { argument: 'groups', values: [1, 2, 3, 4] }, x: { argument: 'out-channels', values: [24, 48, 96, 192, 384] } },
];

/** Estimated measuring time of a figure, ms, from its MACs. */
function estimateMs(spec: SweepSpec): number {
  let total = 0;
  for (const v of spec.vary?.values ?? [null]) {
    for (const x of spec.x.values) {
      const settings: [typeof spec.x.argument, SweepValue][] = [[spec.x.argument, x]];
      if (spec.vary && v !== null) settings.unshift([spec.vary.argument, v]);
      const { inputShape, layer } = pointLayer(spec.base, settings);
      try {
        total += 30 + CALLS_PER_POINT * macsOf(resolveLayer(inputShape, layer)) / PLANNING_MACS_PER_MS;
      } catch {
        /* invalid points cost nothing */
      }
    }
  }
  return total;
}

/** Halves the input size (and the size values swept) until the figure fits `budgetMs`. */
function scaled(spec: SweepSpec, budgetMs: number): SweepSpec {
  let current = spec;
  let factor = 1;
  while (estimateMs(current) > budgetMs && factor < 16) {
    factor *= 2;
    const [h, w] = spec.base.inputSize;
    current = {
      ...spec,
      base: { ...spec.base, inputSize: [Math.max(8, h / factor), Math.max(8, w / factor)] },
      vary: spec.vary?.argument === 'input-size'
        ? { argument: 'input-size', values: spec.vary.values.map((v) => Math.max(8, (v as number) / factor)) } : spec.vary,
    };
  }
  if (factor === 1) return spec;
  const note = spec.vary?.argument === 'input-size'
    ? `input sizes scaled by 1/${factor} (to ${current.vary!.values.join(', ')}) to fit the time budget`
    : `input scaled from ${spec.base.inputSize.join('×')} to ${current.base.inputSize.join('×')} to fit the time budget`;
  return { ...current, title: `${spec.title} — ${note}`, note };
}

/** The article's figures, each fitted to an equal share of `budgetMs`. */
export function articlePresets(budgetMs: number): SweepSpec[] {
  return FIGURES.map((spec) => scaled(spec, budgetMs / FIGURES.length));
}
