import { type Lang, WORDS } from '../viz/i18n.js';
import type { MeasuredPoint, SweepResult } from './sweep.js';
import { formatSweepValue } from './sweep.js';

/**
 * One chart specification (Vega-Lite) for a sweep, used by the CLI (rendered to SVG headless, and
 * to PNG) and by the page: parameters, time and GFLOP/s against the swept argument, one line per series.
 *
 * Drawn so that the picture tells the truth:
 * - log–log axes when x is a positive number (the article's out_channels 1, 2, 4, …): a straight line
 *   of slope 1 is linear growth, slope 2 quadratic — a log-2 x over a linear y made linear growth
 *   look exponential;
 * - series that coincide (padding does not change the parameter count) are named in the panel's
 *   subtitle instead of hiding under one line;
 * - points that were not measured (past the time budget) are marked ✕ along the panel's floor;
 * - the subtitle says who was timed (convlab, backend, threads), on what machine, and how.
 */

export type VegaLiteSpec = Record<string, unknown>;

type Field = 'parameters' | 'ms' | 'gflops';

/** Groups of series whose `field` is the same at every x (two or more in a group). */
export function coincidingSeries(points: readonly MeasuredPoint[], field: 'parameters' | 'medianMs'): string[][] {
  const bySeries = new Map<string, Map<number, number | null>>();
  for (const p of points) {
    if (!bySeries.has(p.series)) bySeries.set(p.series, new Map());
    bySeries.get(p.series)!.set(p.x, p[field]);
  }
  const signature = (values: Map<number, number | null>) => JSON.stringify([...values].sort((a, b) => a[0] - b[0]));
  const groups = new Map<string, string[]>();
  for (const [series, values] of bySeries) {
    if ([...values.values()].some((v) => v === null)) continue;
    const key = signature(values);
    groups.set(key, [...(groups.get(key) ?? []), series]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/** Who was timed: `convlab (backend auto, 1 thread)`, one entry per contender. */
export function contendersOf(points: readonly MeasuredPoint[]): string {
  const seen = new Map<string, string>();
  for (const p of points) {
    const name = p.contender.startsWith('convlab') ? 'convlab' : p.contender.replace(/-\d+t$/, '');
    seen.set(p.contender, `${name} (backend ${p.backend}, ${p.threads} thread${p.threads === 1 ? '' : 's'})`);
  }
  return [...seen.values()].join(', ');
}

/** Lines of at most `width` characters, broken at spaces: subtitles the width of the panels. */
export function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export function chartSpec(result: SweepResult, lang: Lang = 'en'): VegaLiteSpec {
  const { spec, meta } = result;
  const words = WORDS[lang].chart;
  const rows = result.points.map((p) => ({
    series: p.series,
    x: p.x,
    xLabel: formatSweepValue(p.xValue),
    parameters: p.parameters,
    macs: p.macs,
    ms: p.medianMs,
    q1: p.q1Ms,
    q3: p.q3Ms,
    gflops: p.gflops,
    measured: p.medianMs !== null,
  }));
  const numericX = spec.x.values.every((v) => typeof v === 'number' && v > 0);
  const x = {
    field: 'x',
    type: 'quantitative',
    title: words.axis[spec.x.argument] ?? spec.x.argument,
    scale: numericX ? { type: 'log', base: 2 } : { zero: false },
    axis: numericX ? { values: [...new Set(rows.map((r) => r.x))] } : {},
  };
  const color = {
    field: 'series',
    type: 'nominal',
    title: spec.vary ? (words.axis[spec.vary.argument] ?? spec.vary.argument) : '',
    sort: null,
    legend: { labelLimit: 400 },
  };
  /** Lowest measured value of a field: where the ✕ of unmeasured points sit. */
  const floor = (field: Field) =>
    Math.min(...rows.map((r) => r[field]).filter((v): v is number => typeof v === 'number' && v > 0));
  const panel = (title: string, field: Field, notes: string[], extra: object[] = []) => {
    const values = rows.map((r) => r[field]).filter((v): v is number => typeof v === 'number');
    const logY = numericX && values.length > 0 && values.every((v) => v > 0);
    const y = { field, type: 'quantitative', title, scale: logY ? { type: 'log' } : { zero: true } };
    const unmeasured = field === 'parameters' ? [] : rows.filter((r) => !r.measured);
    return {
      width: 520,
      height: 170,
      title: {
        text: title,
        anchor: 'start',
        fontSize: 12,
        ...(notes.length ? { subtitle: notes.flatMap((n) => wrap(n, 90)), subtitleFontSize: 10 } : {}),
      },
      layer: [
        { mark: { type: 'line', point: true }, encoding: { x, y, color } },
        ...extra,
        ...(unmeasured.length
          ? [
              {
                data: { values: unmeasured.map((r) => ({ ...r, floor: floor(field) })) },
                mark: { type: 'point', shape: 'cross', size: 60, filled: true },
                encoding: {
                  x,
                  y: { field: 'floor', type: 'quantitative', scale: y.scale },
                  color,
                  tooltip: [{ field: 'series' }, { field: 'xLabel', title: x.title }],
                },
              },
            ]
          : []),
      ],
    };
  };
  const noteFor = (field: 'parameters' | 'medianMs', what: string) =>
    coincidingSeries(result.points, field).map((group) => words.coincide(group, what));
  const unmeasuredCount = rows.filter((r) => !r.measured).length;
  const subtitle = [
    `${contendersOf(result.points)} · ${meta.machine}, ${meta.cores} cores, ${meta.node}, ${meta.date.slice(0, 10)}; median of repeated runs after warm-up, bars = IQR`,
    ...(numericX
      ? [
          lang === 'en'
            ? 'log–log axes: a straight line of slope 1 is linear growth, slope 2 quadratic'
            : '双对数坐标：斜率为 1 的直线是线性增长，斜率为 2 是平方增长',
        ]
      : []),
    ...(unmeasuredCount ? [`✕ ${words.notMeasured}: ${unmeasuredCount}`] : []),
    ...(spec.note ? [spec.note] : []),
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: wrap(spec.title, 90), subtitle: subtitle.flatMap((line) => wrap(line)), anchor: 'start' },
    data: { values: rows },
    // The CJK subset is 'Noto Sans SC convlab' on pages (@font-face) and 'Noto Sans SC' in resvg (the file's own name).
    config: {
      font: 'DejaVu Sans, Noto Sans SC convlab, Noto Sans SC, sans-serif',
      background: 'white',
      view: { stroke: null },
    },
    vconcat: [
      panel(words.parameters, 'parameters', noteFor('parameters', words.parameters)),
      panel(
        words.time,
        'ms',
        [],
        [
          {
            mark: { type: 'rule' },
            encoding: { x, y: { field: 'q1', type: 'quantitative' }, y2: { field: 'q3' }, color },
          },
        ],
      ),
      panel(words.gflops, 'gflops', []),
    ],
    resolve: { scale: { color: 'shared' } },
  };
}
