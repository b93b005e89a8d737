import type { MeasuredPoint, SweepResult } from './sweep.js';
import { formatSweepValue } from './sweep.js';

/** Every measured point as CSV (one row per point and contender) and the whole result as JSON. */

export const CSV_COLUMNS = [
  'figure',
  'series',
  'vary_argument',
  'vary_value',
  'x_argument',
  'x_value',
  'input_shape',
  'output_shape',
  'parameters',
  'macs',
  'flops',
  'contender',
  'backend',
  'threads',
  'median_ms',
  'q1_ms',
  'q3_ms',
  'samples',
  'gflops',
  'unmeasured',
  'date',
  'machine',
] as const;

function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(result: SweepResult): string {
  const rows = result.points.map((p: MeasuredPoint) =>
    [
      p.figure,
      p.series,
      p.varyArgument,
      p.varyValue === null ? null : formatSweepValue(p.varyValue),
      p.xArgument,
      formatSweepValue(p.xValue),
      p.inputShape.join('x'),
      p.outputShape.join('x'),
      p.parameters,
      p.macs,
      p.flops,
      p.contender,
      p.backend,
      p.threads,
      p.medianMs,
      p.q1Ms,
      p.q3Ms,
      p.samples,
      p.gflops,
      p.unmeasured ?? null,
      result.meta.date,
      result.meta.machine,
    ]
      .map(cell)
      .join(','),
  );
  return `${CSV_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}

/** Parses convlab's sweep CSV back into records (for tests and for readers of the data). */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '',
    row: string[] = [],
    quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      records.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  const [header, ...body] = records;
  return body.map((r) => Object.fromEntries(header!.map((name, i) => [name, r[i] ?? ''])));
}

export function toJson(result: SweepResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
