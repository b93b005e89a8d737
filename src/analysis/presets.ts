import { resolveLayer } from '../core/describe.js';
import { macsOf } from '../core/resolve.js';
import { tuple } from '../viz/captions.js';
import {
  DEFAULT_BASE,
  type SweepBase,
  type SweepSpec,
  type SweepValue,
  describeBase,
  formatSweepValue,
  pointLayer,
} from './sweep.js';

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

/**
 * The article's settings (run_tests/*_test.py in AxelThevenot/GIF_convolutions): each figure's
 * in_channels and input size there, and how it timed — the mean of N_TEST forward passes, on a CUDA
 * GPU when one was present. Where a preset differs, its chart says so.
 */
interface ArticleSettings {
  inChannels: number;
  inputSize: [number, number];
  runs: number;
}

interface Figure {
  spec: Omit<SweepSpec, 'title'>;
  article: ArticleSettings;
}

const FIGURES: Figure[] = [
  {
    spec: {
      id: '1-in-channels',
      base: base({ inputSize: [64, 64] }),
      vary: { argument: 'in-channels', values: [16, 32, 64, 128] },
      x: { argument: 'out-channels', values: OUT_CHANNELS_POW2 },
    },
    article: { inChannels: 16, inputSize: [256, 256], runs: 1000 },
  },
  {
    spec: {
      id: '2-input-size',
      base: base({ inChannels: 1 }),
      vary: { argument: 'input-size', values: [64, 128, 256] },
      x: { argument: 'out-channels', values: OUT_CHANNELS_POW2 },
    },
    article: { inChannels: 1, inputSize: [64, 64], runs: 1000 },
  },
  {
    spec: {
      id: '3-kernel-size',
      base: base({ inChannels: 1, inputSize: [256, 256] }),
      vary: {
        argument: 'kernel-size',
        values: [
          [1, 1],
          [3, 1],
          [3, 3],
          [5, 5],
        ],
      },
      x: { argument: 'out-channels', values: OUT_CHANNELS_POW2 },
    },
    article: { inChannels: 1, inputSize: [256, 256], runs: 10000 },
  },
  {
    spec: {
      id: '4-padding',
      base: base({ inChannels: 8 }),
      vary: {
        argument: 'padding',
        values: [
          [0, 0],
          [0, 10],
          [10, 0],
          [10, 10],
          [50, 50],
        ],
      },
      x: { argument: 'out-channels', values: OUT_CHANNELS_POW2 },
    },
    article: { inChannels: 1, inputSize: [256, 256], runs: 10000 },
  },
  {
    spec: {
      id: '5-stride',
      base: base({ inChannels: 8, inputSize: [128, 128] }),
      vary: {
        argument: 'stride',
        values: [
          [1, 1],
          [1, 2],
          [2, 1],
          [2, 2],
          [5, 5],
        ],
      },
      x: { argument: 'out-channels', values: OUT_CHANNELS_POW2 },
    },
    article: { inChannels: 1, inputSize: [256, 256], runs: 10000 },
  },
  {
    spec: {
      id: '6-dilation',
      base: base({ inChannels: 8 }),
      vary: {
        argument: 'dilation',
        values: [
          [1, 1],
          [2, 1],
          [2, 2],
          [5, 5],
        ],
      },
      x: { argument: 'out-channels', values: OUT_CHANNELS_POW2 },
    },
    article: { inChannels: 1, inputSize: [256, 256], runs: 10000 },
  },
  {
    spec: {
      id: '7-groups',
      base: base({ inChannels: 24 }),
      vary: { argument: 'groups', values: [1, 2, 3, 4] },
      x: { argument: 'out-channels', values: [24, 48, 96, 192, 384] },
    },
    article: { inChannels: 24, inputSize: [256, 256], runs: 1000 },
  },
];

/** `padding ∈ {(0, 0), (0, 10), …} against out-channels — base layer: input (8, 64, 64), kernel (3, 3)` */
export function sweepTitle(spec: Omit<SweepSpec, 'title'>): string {
  const swept = [spec.x.argument, ...(spec.vary ? [spec.vary.argument] : [])];
  return `${spec.vary ? `${spec.vary.argument} ∈ {${spec.vary.values.map(formatSweepValue).join(', ')}} ` : ''}against ${spec.x.argument} — base layer: ${describeBase(spec.base, swept)}`;
}

/** How a preset differs from the article's settings, in words (in_channels, input size, timing). */
export function deviations(spec: Omit<SweepSpec, 'title'>, article: ArticleSettings): string {
  const differences: string[] = [];
  if (spec.vary?.argument !== 'in-channels' && spec.base.inChannels !== article.inChannels) {
    differences.push(`in_channels ${spec.base.inChannels} (article: ${article.inChannels})`);
  }
  if (
    spec.vary?.argument !== 'input-size' &&
    (spec.base.inputSize[0] !== article.inputSize[0] || spec.base.inputSize[1] !== article.inputSize[1])
  ) {
    differences.push(`input ${tuple(spec.base.inputSize)} (article: ${tuple(article.inputSize)})`);
  }
  differences.push(
    `the median of repeated runs on this CPU (article: the mean of ${article.runs.toLocaleString('en-US')} runs, on a GPU when present)`,
  );
  return `differs from the article's run_tests: ${differences.join('; ')}`;
}

/** Estimated measuring time of a figure, ms, from its MACs. */
function estimateMs(spec: Omit<SweepSpec, 'title'>): number {
  let total = 0;
  for (const v of spec.vary?.values ?? [null]) {
    for (const x of spec.x.values) {
      const settings: [typeof spec.x.argument, SweepValue][] = [[spec.x.argument, x]];
      if (spec.vary && v !== null) settings.unshift([spec.vary.argument, v]);
      const { inputShape, layer } = pointLayer(spec.base, settings);
      try {
        total += 30 + (CALLS_PER_POINT * macsOf(resolveLayer(inputShape, layer))) / PLANNING_MACS_PER_MS;
      } catch {
        /* invalid points cost nothing */
      }
    }
  }
  return total;
}

/** Halves the input size (and the size values swept) until the figure fits `budgetMs`. */
function scaled(spec: Omit<SweepSpec, 'title'>, budgetMs: number): { spec: Omit<SweepSpec, 'title'>; note?: string } {
  let current = spec;
  let factor = 1;
  while (estimateMs(current) > budgetMs && factor < 16) {
    factor *= 2;
    const [h, w] = spec.base.inputSize;
    current = {
      ...spec,
      base: { ...spec.base, inputSize: [Math.max(8, h / factor), Math.max(8, w / factor)] },
      vary:
        spec.vary?.argument === 'input-size'
          ? { argument: 'input-size', values: spec.vary.values.map((v) => Math.max(8, (v as number) / factor)) }
          : spec.vary,
    };
  }
  if (factor === 1) return { spec };
  const note =
    spec.vary?.argument === 'input-size'
      ? `input sizes scaled by 1/${factor} (to ${current.vary!.values.join(', ')}) to fit the time budget`
      : `input scaled from ${tuple(spec.base.inputSize)} to ${tuple(current.base.inputSize)} to fit the time budget`;
  return { spec: current, note };
}

/** The article's figures, each fitted to an equal share of `budgetMs`; each says how it differs from the article. */
export function articlePresets(budgetMs: number): SweepSpec[] {
  return FIGURES.map(({ spec, article }) => {
    const fitted = scaled(spec, budgetMs / FIGURES.length);
    const note = [fitted.note, deviations(fitted.spec, article)].filter(Boolean).join(' · ');
    return { ...fitted.spec, title: sweepTitle(fitted.spec), note };
  });
}
