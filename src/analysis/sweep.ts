import { conv2d, conv2dAsync } from '../engine/conv2d.js';
import { type LayerOptions, convOptionsOf, describeInfo, resolveLayer } from '../core/describe.js';
import { checkLayerMemory, layerTensors } from '../bench/time-layer.js';
import { type Conv2dInfo, type IntPair, type PaddingMode, checkInputShape } from '../core/resolve.js';
import { elementCount } from '../core/tensor.js';
import { Conv2dError, ConvlabError } from '../errors/index.js';
import { resolveExecution } from '../core/execution.js';
import { measure } from '../bench/measure.js';
import { platform } from '../core/platform.js';
import { tuple } from '../viz/captions.js';

/**
 * Sweeps: vary one argument along the x axis (the article: out_channels 1, 2, 4, …, 256) and
 * optionally a second one across series (one line each); for every point, the parameter count, MACs,
 * output shape and a measured time (warm-up, repeated runs on random inputs, median and IQR) for each
 * contender. Invalid points are skipped and listed; the whole sweep fits a time budget.
 */

export const SWEEP_ARGUMENTS = [
  'in-channels',
  'out-channels',
  'input-size',
  'kernel-size',
  'stride',
  'padding',
  'dilation',
  'groups',
  'batch',
  'padding-mode',
  'bias',
] as const;
export type SweepArgument = (typeof SWEEP_ARGUMENTS)[number];
export type SweepValue = number | [number, number] | string | boolean;

/** The layer every point starts from; the swept arguments override it. */
export interface SweepBase {
  batch: number;
  inChannels: number;
  inputSize: [number, number];
  outChannels: number;
  kernelSize: IntPair;
  stride: IntPair;
  padding: IntPair | 'same' | 'valid';
  dilation: IntPair;
  groups: number;
  paddingMode: PaddingMode;
  bias: boolean;
}

export const DEFAULT_BASE: SweepBase = {
  batch: 1,
  inChannels: 16,
  inputSize: [64, 64],
  outChannels: 16,
  kernelSize: 3,
  stride: 1,
  padding: 0,
  dilation: 1,
  groups: 1,
  paddingMode: 'zeros',
  bias: true,
};

export interface SweepSpec {
  /** A file-name-safe id and a title for the figure. */
  id: string;
  title: string;
  base: SweepBase;
  /** One line per value. */
  vary?: { argument: SweepArgument; values: SweepValue[] };
  /** The x axis. */
  x: { argument: SweepArgument; values: SweepValue[] };
  /** Said on the chart (e.g. that the input was scaled down to fit the budget). */
  note?: string;
}

/** Something that can run a layer: convlab on a backend, or a peer. */
export interface Contender {
  id: string;
  label: string;
  backend: string;
  threads: number;
  /** A call computing the layer on fixed random data, or a reason it cannot. */
  prepare(inputShape: number[], layer: LayerOptions): Promise<(() => unknown) | string>;
}

export interface MeasuredPoint {
  figure: string;
  series: string;
  varyArgument: SweepArgument | null;
  varyValue: SweepValue | null;
  xArgument: SweepArgument;
  xValue: SweepValue;
  /** x as a number, for the axis. */
  x: number;
  inputShape: number[];
  outputShape: number[];
  parameters: number;
  macs: number;
  flops: number;
  contender: string;
  backend: string;
  threads: number;
  medianMs: number | null;
  q1Ms: number | null;
  q3Ms: number | null;
  samples: number;
  gflops: number | null;
  /** Why there is no time (the contender cannot run it, or the budget ran out). */
  unmeasured?: string;
}

export interface SweepResult {
  spec: SweepSpec;
  meta: { date: string; machine: string; cores: number; node: string; budgetMs: number; elapsedMs: number };
  points: MeasuredPoint[];
  skipped: { series: string; x: string; reason: string }[];
}

/** The base layer of a sweep from an input shape and a layer, as the CLI and the page give them. */
export function sweepBase(inputShape: readonly number[], layer: LayerOptions): SweepBase {
  const { batch, channels, height, width } = checkInputShape(inputShape);
  return {
    ...DEFAULT_BASE,
    batch,
    inChannels: channels,
    inputSize: [height, width],
    outChannels: layer.outChannels,
    kernelSize: layer.kernelSize,
    stride: layer.stride ?? 1,
    padding: layer.padding ?? 0,
    dilation: layer.dilation ?? 1,
    groups: layer.groups ?? 1,
    paddingMode: layer.paddingMode ?? 'zeros',
    bias: layer.bias !== false,
  };
}

/** A swept value as every chart, title and line prints it: `3`, `(0, 10)`, `reflect`. */
export function formatSweepValue(value: SweepValue): string {
  if (Array.isArray(value)) return tuple(value);
  return String(value);
}

/**
 * The base layer in words, for titles — `input (16, 64, 64), kernel (3, 3)` and whatever else differs
 * from the defaults — leaving out the arguments the sweep varies (they are on the axis or the legend).
 */
export function describeBase(base: SweepBase, swept: readonly SweepArgument[] = []): string {
  const pair = (v: IntPair) => (typeof v === 'number' ? tuple([v, v]) : tuple([v[0], v[1]]));
  const parts: string[] = [];
  const batch = base.batch === 1 || swept.includes('batch') ? [] : [base.batch];
  if (swept.includes('input-size')) parts.push(`in_channels ${base.inChannels}`);
  else if (swept.includes('in-channels')) parts.push(`input size ${tuple(base.inputSize)}`);
  else parts.push(`input ${tuple([...batch, base.inChannels, ...base.inputSize])}`);
  if (!swept.includes('out-channels')) parts.push(`out_channels ${base.outChannels}`);
  if (!swept.includes('kernel-size')) parts.push(`kernel ${pair(base.kernelSize)}`);
  if (!swept.includes('stride') && pair(base.stride) !== '(1, 1)') parts.push(`stride ${pair(base.stride)}`);
  if (!swept.includes('padding') && (typeof base.padding === 'string' || pair(base.padding) !== '(0, 0)')) {
    parts.push(`padding ${typeof base.padding === 'string' ? base.padding : pair(base.padding)}`);
  }
  if (!swept.includes('dilation') && pair(base.dilation) !== '(1, 1)') parts.push(`dilation ${pair(base.dilation)}`);
  if (!swept.includes('groups') && base.groups !== 1) parts.push(`groups ${base.groups}`);
  if (!swept.includes('padding-mode') && base.paddingMode !== 'zeros') parts.push(`padding_mode ${base.paddingMode}`);
  if (!swept.includes('bias') && !base.bias) parts.push('no bias');
  return parts.join(', ');
}

/** The number plotted for an x value: pairs by their product's square root (their "size"), booleans 0/1. */
export function axisNumber(value: SweepValue): number {
  if (Array.isArray(value)) return Math.sqrt(value[0] * value[1]);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  return Number.NaN;
}

/** The layer and input shape of one point. */
export function pointLayer(
  base: SweepBase,
  settings: [SweepArgument, SweepValue][],
): { inputShape: number[]; layer: LayerOptions } {
  const b = { ...base };
  for (const [argument, value] of settings) {
    switch (argument) {
      case 'in-channels':
        b.inChannels = value as number;
        break;
      case 'out-channels':
        b.outChannels = value as number;
        break;
      case 'input-size':
        b.inputSize = Array.isArray(value) ? value : [value as number, value as number];
        break;
      case 'kernel-size':
        b.kernelSize = value as IntPair;
        break;
      case 'stride':
        b.stride = value as IntPair;
        break;
      case 'padding':
        b.padding = value as IntPair | 'same' | 'valid';
        break;
      case 'dilation':
        b.dilation = value as IntPair;
        break;
      case 'groups':
        b.groups = value as number;
        break;
      case 'batch':
        b.batch = value as number;
        break;
      case 'padding-mode':
        b.paddingMode = value as PaddingMode;
        break;
      case 'bias':
        b.bias = value as boolean;
        break;
    }
  }
  return {
    inputShape: [b.batch, b.inChannels, b.inputSize[0], b.inputSize[1]],
    layer: {
      outChannels: b.outChannels,
      kernelSize: b.kernelSize,
      stride: b.stride,
      padding: b.padding,
      dilation: b.dilation,
      groups: b.groups,
      paddingMode: b.paddingMode,
      bias: b.bias,
    },
  };
}

/** convlab on a backend and a thread count, writing into one reused output. */
export function convlabContender(threads = 1, backend: 'auto' | 'reference' | 'wasm' = 'auto'): Contender {
  resolveExecution({ threads, backend });
  if (!['auto', 'reference', 'wasm'].includes(backend))
    throw new Conv2dError('backend', backend, "a sweep times convlab on 'auto', 'reference' or 'wasm'");
  return {
    id: `convlab-${backend}-${threads}t`,
    label: threads === 1 ? 'convlab' : `convlab ${threads}T`,
    backend,
    threads,
    async prepare(inputShape, layer) {
      const info = resolveLayer(inputShape, layer);
      const { x, w, b } = layerTensors(info);
      const out = { data: new Float32Array(elementCount(info.outputShape)), shape: info.outputShape };
      const options = { ...convOptionsOf(layer), backend, threads, out };
      return threads === 1 ? () => conv2d(x, w, b, options) : () => conv2dAsync(x, w, b, options);
    },
  };
}

export interface SweepOptions {
  contenders?: Contender[];
  /** Total time budget, ms. */
  budgetMs?: number;
  /** The clock (tests pass a fake one). */
  now?: () => number;
  signal?: AbortSignal;
  /** After each point: done, total, and an estimate of the time left (ms). */
  onProgress?: (done: number, total: number, remainingMs: number) => void;
}

/** At most this many values on the x axis, and this many series: a chart stays readable, a sweep bounded. */
export const MAX_SWEEP_VALUES = 64;
export const MAX_SWEEP_SERIES = 16;

/** Checks a spec's value lists before anything runs. */
function checkSweepSpec(spec: SweepSpec): void {
  const check = (argument: 'x' | 'vary', values: unknown, max: number) => {
    if (!Array.isArray(values) || values.length === 0 || values.length > max)
      throw new Conv2dError(
        argument,
        Array.isArray(values) ? values.length : values,
        `a sweep's ${argument} takes 1 to ${max} values${Array.isArray(values) ? `, not ${values.length}` : ''}`,
      );
  };
  check('x', spec.x?.values, MAX_SWEEP_VALUES);
  if (spec.vary) check('vary', spec.vary.values, MAX_SWEEP_SERIES);
}

/** Runs the sweep. Points past the budget are kept, unmeasured, with the reason. */
export async function runSweep(spec: SweepSpec, options: SweepOptions = {}): Promise<SweepResult> {
  checkSweepSpec(spec);
  const now = options.now ?? (() => performance.now());
  const contenders = options.contenders ?? [convlabContender()];
  const budgetMs = options.budgetMs ?? 60_000;
  const start = now();
  const seriesValues: (SweepValue | null)[] = spec.vary ? spec.vary.values : [null];
  const jobs: { varyValue: SweepValue | null; xValue: SweepValue }[] = [];
  for (const varyValue of seriesValues) for (const xValue of spec.x.values) jobs.push({ varyValue, xValue });
  const points: MeasuredPoint[] = [];
  const skipped: SweepResult['skipped'] = [];
  /** Each contender's last measured time per MAC: predicts what a point's call will cost. */
  const costPerMac = new Map<string, number>();
  let done = 0;
  for (const { varyValue, xValue } of jobs) {
    if (options.signal?.aborted) throw new ConvlabError('sweep', spec.id, 'the sweep was cancelled');
    const series = spec.vary ? `${spec.vary.argument} ${formatSweepValue(varyValue!)}` : spec.title;
    const settings: [SweepArgument, SweepValue][] = [[spec.x.argument, xValue]];
    if (spec.vary) settings.unshift([spec.vary.argument, varyValue!]);
    const { inputShape, layer } = pointLayer(spec.base, settings);
    let info: Conv2dInfo;
    try {
      info = resolveLayer(inputShape, layer);
      checkLayerMemory(info); // a point past the limits is listed as skipped, never allocated
    } catch (error) {
      if (!(error instanceof ConvlabError)) throw error;
      skipped.push({ series, x: formatSweepValue(xValue), reason: error.message });
      done++;
      continue;
    }
    const described = describeInfo(info);
    for (const contender of contenders) {
      const elapsed = now() - start;
      const remainingJobs = (jobs.length - done) * contenders.length;
      const share = (budgetMs - elapsed) / Math.max(1, remainingJobs);
      const point: MeasuredPoint = {
        figure: spec.id,
        series: contenders.length > 1 ? `${series} · ${contender.label}` : series,
        varyArgument: spec.vary?.argument ?? null,
        varyValue,
        xArgument: spec.x.argument,
        xValue,
        x: axisNumber(xValue),
        inputShape,
        outputShape: described.outputShape,
        parameters: described.parameterCount,
        macs: described.macs,
        flops: described.flops,
        contender: contender.id,
        backend: contender.backend,
        threads: contender.threads,
        medianMs: null,
        q1Ms: null,
        q3Ms: null,
        samples: 0,
        gflops: null,
      };
      // The budget is a ceiling: a point whose one call is predicted (from this contender's earlier
      // points, per MAC) to pass what is left is not started.
      const left = budgetMs - elapsed;
      const msPerMac = costPerMac.get(contender.id);
      const predictedCallMs = msPerMac === undefined ? 0 : msPerMac * described.macs;
      if (share <= 5 || predictedCallMs > left) {
        point.unmeasured =
          share <= 5
            ? 'the time budget was spent'
            : `one call is predicted to take ${Math.round(predictedCallMs)} ms, more than the ${Math.round(left)} ms left of the budget`;
      } else {
        const run = await contender.prepare(inputShape, layer);
        if (typeof run === 'string') point.unmeasured = run;
        else {
          const t = await measure(run, {
            now,
            budgetMs: Math.min(share * 0.6, 3000),
            warmupMs: Math.min(share * 0.2, 200),
            minSamples: 3,
            maxSamples: 21,
            // Never past the whole sweep's budget: a slow point gets the samples that fit.
            deadlineMs: Math.min(left, share * 1.5),
          });
          costPerMac.set(contender.id, t.medianMs / Math.max(1, described.macs));
          Object.assign(point, {
            medianMs: t.medianMs,
            q1Ms: t.q1Ms,
            q3Ms: t.q3Ms,
            samples: t.samples,
            gflops: described.flops / t.medianMs / 1e6,
          });
        }
      }
      points.push(point);
    }
    done++;
    const spent = now() - start;
    options.onProgress?.(
      done,
      jobs.length,
      Math.max(0, Math.min(budgetMs - spent, (spent / done) * (jobs.length - done))),
    );
  }
  return {
    spec,
    meta: {
      date: new Date().toISOString(),
      machine: platform().machine,
      cores: platform().cores,
      node: platform().runtime,
      budgetMs,
      elapsedMs: now() - start,
    },
    points,
    skipped,
  };
}
