import { median } from '../bench/measure.js';
import type { MeasuredPoint, SweepResult } from './sweep.js';
import { formatSweepValue } from './sweep.js';

/**
 * What the measurements say, in words, so the article's claims are checked against numbers: for
 * each step between series ("time ×3.9 when kernel-size 3×3 → 5×5; MACs ×2.8") and along the x axis
 * (how time scales when x doubles), as medians over the points the two have in common.
 */

const fmt = (r: number) => (r >= 10 ? r.toFixed(0) : r >= 1.995 ? r.toFixed(1) : r.toFixed(2));

export function explain(result: SweepResult): string[] {
  const lines: string[] = [];
  const measured = result.points.filter((p) => p.medianMs !== null);
  const bySeries = new Map<string, MeasuredPoint[]>();
  for (const p of measured) bySeries.set(p.series, [...(bySeries.get(p.series) ?? []), p]);
  const series = [...bySeries.keys()];

  // Between consecutive values of the varied argument, for the same contender: ratios at the x values both measured.
  const steps: [string, string][] = [];
  for (const contender of new Set(measured.map((p) => p.contender))) {
    const own = series.filter((name) => bySeries.get(name)![0]!.contender === contender);
    for (let i = 1; i < own.length; i++) steps.push([own[i - 1]!, own[i]!]);
  }
  for (const [nameA, nameB] of steps) {
    const a = bySeries.get(nameA)!,
      b = bySeries.get(nameB)!;
    const pairs = a
      .map((p) => [p, b.find((q) => q.x === p.x)] as const)
      .filter((pair): pair is [MeasuredPoint, MeasuredPoint] => pair[1] !== undefined);
    if (!pairs.length) continue;
    const time = median(pairs.map(([p, q]) => q.medianMs! / p.medianMs!));
    const macs = median(pairs.map(([p, q]) => q.macs / p.macs));
    const params = median(pairs.map(([p, q]) => q.parameters / p.parameters));
    const from = formatSweepValue(a[0]!.varyValue ?? ''),
      to = formatSweepValue(b[0]!.varyValue ?? '');
    const who = new Set(result.points.map((p) => p.contender)).size > 1 ? ` (${a[0]!.contender})` : '';
    lines.push(
      `${result.spec.vary?.argument ?? 'series'} ${from} → ${to}${who}: time ×${fmt(time)}, MACs ×${fmt(macs)}, parameters ×${fmt(params)} (median over ${pairs.length} x values)`,
    );
  }

  // Along x: the exponent of time against x over the upper half of the axis (small points are overhead).
  for (const [name, points] of bySeries) {
    const sorted = [...points].sort((p, q) => p.x - q.x);
    const upper = sorted.slice(Math.floor(sorted.length / 2));
    if (upper.length < 2 || !(upper[0]!.x > 0)) continue;
    const first = upper[0]!,
      last = upper[upper.length - 1]!;
    if (last.x === first.x) continue;
    const exponent = Math.log(last.medianMs! / first.medianMs!) / Math.log(last.x / first.x);
    const macExponent = Math.log(last.macs / first.macs) / Math.log(last.x / first.x);
    lines.push(
      `${name}: time ∝ ${result.spec.x.argument}^${exponent.toFixed(2)} from ${formatSweepValue(first.xValue)} to ${formatSweepValue(last.xValue)} ` +
        `(MACs ∝ ^${macExponent.toFixed(2)}); ${fmt(last.gflops!)} GFLOP/s at the largest`,
    );
  }
  // Each distinct reason once, with the points it skipped: why matters more than where.
  const byReason = new Map<string, string[]>();
  for (const s of result.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.x]);
  for (const [reason, xs] of byReason)
    lines.push(`skipped (invalid) at ${result.spec.x.argument} ${xs.join(', ')}: ${reason}`);
  const unmeasured = result.points.filter((p) => p.medianMs === null);
  if (unmeasured.length)
    lines.push(
      `not timed: ${unmeasured.length} point(s) — ${[...new Set(unmeasured.map((p) => p.unmeasured))].join('; ')}`,
    );
  return lines;
}
