import type { SweepResult } from './sweep.js';
import { formatValue } from './sweep.js';

/**
 * One chart specification (Vega-Lite) for a sweep, used by the CLI (rendered to SVG headless, and
 * to PNG) and by the page. The article's layout — parameters over time, x = the swept axis on a log-2
 * scale, one line per series — plus GFLOP/s; the time panel has IQR error bars.
 */

export type VegaLiteSpec = Record<string, unknown>;

const AXIS_TITLES: Record<string, string> = {
  'out-channels': 'out_channels', 'in-channels': 'in_channels', 'input-size': 'input size (H = W)', 'kernel-size': 'kernel size',
  stride: 'stride', padding: 'padding', dilation: 'dilation', groups: 'groups', batch: 'batch', 'padding-mode': 'padding mode', bias: 'bias',
};

export function chartSpec(result: SweepResult): VegaLiteSpec {
  const { spec, meta } = result;
  const rows = result.points.map((p) => ({
    series: p.series, x: p.x, xLabel: formatValue(p.xValue), parameters: p.parameters, macs: p.macs,
    ms: p.medianMs, q1: p.q1Ms, q3: p.q3Ms, gflops: p.gflops,
  }));
  const log2 = spec.x.values.every((v) => typeof v === 'number' && v > 0);
  const x = { field: 'x', type: 'quantitative', title: AXIS_TITLES[spec.x.argument] ?? spec.x.argument,
    scale: log2 ? { type: 'log', base: 2 } : { zero: false }, axis: log2 ? { values: [...new Set(rows.map((r) => r.x))] } : {} };
  const color = { field: 'series', type: 'nominal', title: spec.vary ? AXIS_TITLES[spec.vary.argument] ?? spec.vary.argument : '', sort: null,
    legend: { labelLimit: 400 } };
  const panel = (title: string, field: string, extra: object[] = []) => ({
    width: 520, height: 170, title: { text: title, anchor: 'start', fontSize: 12 },
    layer: [
      { mark: { type: 'line', point: true }, encoding: { x, y: { field, type: 'quantitative', title }, color } },
      ...extra,
    ],
  });
  const subtitle = [
    `${meta.machine}, ${meta.cores} cores, ${meta.node}, ${meta.date.slice(0, 10)}; median of repeated runs after warm-up, bars = IQR`,
    ...(spec.note ? [spec.note] : []),
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: spec.title, subtitle, anchor: 'start' },
    data: { values: rows },
    config: { font: 'DejaVu Sans', background: 'white', view: { stroke: null } },
    vconcat: [
      panel('trainable parameters', 'parameters'),
      panel('forward time (ms)', 'ms', [{ mark: { type: 'rule' }, encoding: { x, y: { field: 'q1', type: 'quantitative' }, y2: { field: 'q3' }, color } }]),
      panel('GFLOP/s', 'gflops'),
    ],
    resolve: { scale: { color: 'shared' } },
  };
}
