import { describe, expect, it } from 'vitest';
import { describeConv2d } from '../src/index.js';
import { chartSpec } from '../src/analysis/chart.js';
import { renderSvg } from '../src/analysis/chart-node.js';
import { parseCsv, toCsv, toJson } from '../src/analysis/data.js';
import { explain } from '../src/analysis/explain.js';
import { articlePresets } from '../src/analysis/presets.js';
import { type Contender, DEFAULT_BASE, type SweepSpec, pointLayer, runSweep } from '../src/analysis/sweep.js';
import { parseAxis, parseValues } from '../src/cli/sweep.js';

/** Closed forms (PyTorch's nn.Conv2d docs) that every sweep point's counts must equal. */
function closedForm(
  inputShape: number[],
  layer: {
    outChannels: number;
    kernelSize: number | [number, number];
    stride?: number | [number, number];
    padding?: number | [number, number];
    dilation?: number | [number, number];
    groups?: number;
    bias?: boolean;
  },
) {
  const pair = (v: number | [number, number] | undefined, d: number): [number, number] =>
    v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v;
  const [n, c, h, w] = inputShape as [number, number, number, number];
  const [kh, kw] = pair(layer.kernelSize, 1),
    [sh, sw] = pair(layer.stride, 1),
    [ph, pw] = pair(layer.padding, 0),
    [dh, dw] = pair(layer.dilation, 1);
  const g = layer.groups ?? 1;
  const ho = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1,
    wo = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  return {
    params: layer.outChannels * (c / g) * kh * kw + (layer.bias === false ? 0 : layer.outChannels),
    macs: n * layer.outChannels * ho * wo * (c / g) * kh * kw,
  };
}

describe('parameter counts and MACs for every swept argument', () => {
  const sweeps: [Parameters<typeof pointLayer>[1][0][0], Parameters<typeof pointLayer>[1][0][1][]][] = [
    ['in-channels', [1, 3, 16]],
    ['out-channels', [1, 7, 64]],
    ['input-size', [8, 33, [16, 40]]],
    ['kernel-size', [1, [3, 1], 5]],
    ['stride', [1, [1, 2], 3]],
    ['padding', [0, [0, 10], 4]],
    ['dilation', [1, [2, 1], 3]],
    ['groups', [1, 2, 4]],
    ['batch', [1, 3]],
    ['bias', [true, false]],
  ];
  for (const [argument, values] of sweeps) {
    it(argument, () => {
      for (const value of values) {
        const { inputShape, layer } = pointLayer({ ...DEFAULT_BASE, inChannels: 16, outChannels: 16 }, [
          [argument, value],
        ]);
        const d = describeConv2d(inputShape, layer);
        const expected = closedForm(inputShape, layer as never);
        expect(d.parameterCount, `${argument}=${JSON.stringify(value)}`).toBe(expected.params);
        expect(d.macs, `${argument}=${JSON.stringify(value)}`).toBe(expected.macs);
      }
    });
  }
});

/** A contender whose "run" advances a fake clock by `msPerCall(macs)` (default 10 GMAC/s + 1 µs a call). */
function fakeSetup(msPerCall = (macs: number) => 0.001 + macs / 1e7) {
  let clock = 0;
  const contender: Contender = {
    id: 'fake',
    label: 'fake',
    backend: 'fake',
    threads: 1,
    async prepare(inputShape, layer) {
      const macs = describeConv2d(inputShape, layer).macs;
      return () => {
        clock += msPerCall(macs);
      };
    },
  };
  return { contender, now: () => clock };
}

const TINY: SweepSpec = {
  id: 'tiny',
  title: 'tiny',
  base: { ...DEFAULT_BASE, inChannels: 4, inputSize: [8, 8] },
  vary: { argument: 'groups', values: [1, 2, 3] },
  x: { argument: 'out-channels', values: [2, 4, 8] },
};

describe('the sweep runner (fake clock)', () => {
  it('is deterministic, skips invalid points, and times every valid one', async () => {
    const a = fakeSetup(),
      b = fakeSetup();
    const first = await runSweep(TINY, { contenders: [a.contender], now: a.now, budgetMs: 60_000 });
    const second = await runSweep(TINY, { contenders: [b.contender], now: b.now, budgetMs: 60_000 });
    const strip = (r: typeof first) =>
      r.points.map(({ medianMs, macs, parameters, series, x }) => ({ medianMs, macs, parameters, series, x }));
    expect(strip(first)).toEqual(strip(second));
    // groups 3 divides neither 4 input channels nor 2, 4, 8 outputs: skipped and listed.
    expect(first.skipped.map((s) => s.x)).toEqual(['2', '4', '8']);
    expect(first.skipped[0]!.reason).toContain('in_channels must be divisible by groups');
    expect(first.points).toHaveLength(6);
    for (const p of first.points) {
      expect(p.medianMs).toBeCloseTo(0.001 + p.macs / 1e7, 9); // the fake clock's cost, recovered
      expect(p.gflops).toBeCloseTo(p.flops / p.medianMs! / 1e6, 6);
    }
  });

  it('stays within its budget: points past it are kept, unmeasured, with the reason', async () => {
    const { contender, now } = fakeSetup();
    const result = await runSweep(
      { ...TINY, vary: undefined, x: { argument: 'out-channels', values: [1, 2, 4, 8, 16, 32, 64, 128] } },
      { contenders: [contender], now, budgetMs: 40 },
    );
    expect(result.meta.elapsedMs).toBeLessThan(40 * 1.5);
    const unmeasured = result.points.filter((p) => p.medianMs === null);
    expect(unmeasured.length).toBeGreaterThan(0);
    expect(unmeasured[0]!.unmeasured).toBe('the time budget was spent');
  });

  it('treats the budget as a ceiling: slow calls are not repeated past it, and the next point is predicted (issue 14: --budget-s 1 ran 42 s)', async () => {
    // 1 ms a MAC: 324 ms for the first point, doubling with out_channels.
    const { contender: slow, now } = fakeSetup((macs) => macs);
    const base = { ...DEFAULT_BASE, inChannels: 4, inputSize: [5, 5] as [number, number], kernelSize: 3 as const };
    const result = await runSweep(
      { id: 's', title: 's', base, x: { argument: 'out-channels', values: [1, 2, 4, 8, 16, 32] } },
      { contenders: [slow], now, budgetMs: 1000 },
    );
    const first = result.points[0]!;
    expect(first.macs).toBe(324);
    // At most one call past the budget, never the six a full measurement makes.
    expect(result.meta.elapsedMs).toBeLessThanOrEqual(1000 + first.macs);
    expect(first.medianMs).not.toBeNull();
    expect(result.points.at(-1)!.unmeasured).toMatch(
      /predicted to take \d+ ms, more than the \d+ ms left|budget was spent/,
    );
  });

  it('can be cancelled', async () => {
    const { contender, now } = fakeSetup();
    const controller = new AbortController();
    controller.abort();
    await expect(runSweep(TINY, { contenders: [contender], now, signal: controller.signal })).rejects.toThrow(
      /cancelled/,
    );
  });

  it('explains the slopes from the numbers', async () => {
    const { contender, now } = fakeSetup();
    const result = await runSweep(
      { ...TINY, vary: { argument: 'kernel-size', values: [1, 3] } },
      { contenders: [contender], now, budgetMs: 60_000 },
    );
    const lines = explain(result);
    expect(lines[0]).toMatch(/^kernel-size 1 → 3: time ×[\d.]+, MACs ×\d/);
    expect(lines.some((line) => /time ∝ out-channels\^/.test(line))).toBe(true);
  });
});

describe('data and charts', () => {
  it('CSV and JSON round-trip every point', async () => {
    const { contender, now } = fakeSetup();
    const result = await runSweep(TINY, { contenders: [contender], now, budgetMs: 60_000 });
    const rows = parseCsv(toCsv(result));
    expect(rows).toHaveLength(result.points.length);
    rows.forEach((row, i) => {
      const p = result.points[i]!;
      expect(row.series).toBe(p.series);
      expect(Number(row.macs)).toBe(p.macs);
      expect(Number(row.median_ms)).toBe(p.medianMs);
      expect(row.output_shape).toBe(p.outputShape.join('x'));
    });
    expect(JSON.parse(toJson(result))).toEqual(JSON.parse(JSON.stringify(result)));
  });

  it('the chart spec compiles with Vega-Lite and renders to SVG', async () => {
    const { contender, now } = fakeSetup();
    const result = await runSweep(TINY, { contenders: [contender], now, budgetMs: 60_000 });
    const spec = chartSpec(result);
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['trainable parameters', 'forward time (ms)', 'GFLOP/s', 'out_channels'])
      expect(svg).toContain(text);
    expect((spec.vconcat as unknown[]).length).toBe(3);
    // Who was timed, and log–log axes for a numeric x.
    expect(JSON.stringify(spec)).toContain('fake (backend fake, 1 thread)');
    expect(JSON.stringify(spec)).toContain('"scale":{"type":"log"}');
  });

  it('names series that coincide, marks unmeasured points, and speaks Chinese', async () => {
    const { contender, now } = fakeSetup();
    const spec = { ...TINY, vary: { argument: 'padding' as const, values: [0, 1] } };
    const result = await runSweep(spec, { contenders: [contender], now, budgetMs: 60_000 });
    result.points[result.points.length - 1]!.medianMs = null; // as if the budget ran out
    const chart = chartSpec(result);
    const json = JSON.stringify(chart);
    expect(json).toContain('padding 0, padding 1: the same trainable parameters (the lines coincide)');
    expect(json).toContain('"shape":"cross"');
    expect(json).toContain('✕ not measured (time budget): 1');
    const zh = await renderSvg(chartSpec(result, 'zh-CN'));
    for (const words of ['可训练参数', '前向时间 (ms)', '双对数坐标']) expect(zh).toContain(words);
  });

  it("the article's presets: seven figures, scaled to fit a small budget and saying so", () => {
    const full = articlePresets(3_600_000);
    expect(full.map((s) => s.id)).toEqual([
      '1-in-channels',
      '2-input-size',
      '3-kernel-size',
      '4-padding',
      '5-stride',
      '6-dilation',
      '7-groups',
    ]);
    // Each says how it differs from the article's run_tests settings, and only where it does.
    expect(full.find((s) => s.id === '4-padding')!.note).toBe(
      "differs from the article's run_tests: in_channels 8 (article: 1); input (64, 64) (article: (256, 256)); " +
        'the median of repeated runs on this CPU (article: the mean of 10,000 runs, on a GPU when present)',
    );
    expect(full.find((s) => s.id === '3-kernel-size')!.note).not.toMatch(/in_channels|input \(/);
    expect(full.find((s) => s.id === '4-padding')!.title).toBe(
      'padding ∈ {(0, 0), (0, 10), (10, 0), (10, 10), (50, 50)} against out-channels — base layer: input (8, 64, 64), kernel (3, 3)',
    );
    const small = articlePresets(10_000);
    expect(small.find((s) => s.id === '3-kernel-size')!.note).toMatch(
      /^input scaled from \(256, 256\) to \(\d+, \d+\) to fit the time budget · differs from/,
    );
  });

  it('reads sweep values: lists, pairs, ranges, words', () => {
    expect(parseValues('--x', '1..256:pow2')).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    expect(parseValues('--x', '1..9:4')).toEqual([1, 5, 9]);
    expect(parseValues('--vary', '1x1,3x1,5')).toEqual([[1, 1], [3, 1], 5]);
    expect(parseValues('--vary', 'zeros,reflect')).toEqual(['zeros', 'reflect']);
    expect(parseAxis('--vary', 'bias=true,false')).toEqual({ argument: 'bias', values: [true, false] });
    expect(() => parseAxis('--x', 'kernel=3')).toThrow(/ARG one of/);
    expect(() => parseValues('--x', '9..1')).toThrow(/range goes up/);
  });

  it('counts a range before making it (issue 14: 1..9:0 looped forever, 1..100000000 built 2 GB first)', () => {
    expect(() => parseValues('--x', '1..9:0')).toThrow(/steps by at least 1/);
    const started = performance.now();
    expect(() => parseValues('--x', '1..100000000')).toThrow(/at most 64 values; this range has 100000000/);
    expect(() => parseValues('--x', '1..99999999999999999999:pow2')).toThrow(/at most 64 values; this range has 67/);
    expect(() => parseValues('--x', Array.from({ length: 65 }, (_, i) => i + 1).join(','))).toThrow(/this list has 65/);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(parseValues('--x', '3..100:pow2')).toEqual([3, 6, 12, 24, 48, 96]);
    expect(parseValues('--x', '1..64')).toHaveLength(64);
  });

  it('skips a sweep point past the memory limit instead of allocating it, and bounds the value lists', async () => {
    const base = { ...DEFAULT_BASE, inChannels: 16, inputSize: [64, 64] as [number, number] };
    const result = await runSweep(
      { id: 'big', title: 'big', base, x: { argument: 'input-size', values: [8, 16384] } },
      { budgetMs: 2000 },
    );
    expect(result.points.map((p) => p.xValue)).toEqual([8]);
    expect(result.skipped).toEqual([
      expect.objectContaining({ x: '16384', reason: expect.stringMatching(/input, weight and output together/) }),
    ]);
    await expect(
      runSweep({ id: 'x', title: 'x', base, x: { argument: 'out-channels', values: Array(65).fill(1) } }),
    ).rejects.toThrow(/takes 1 to 64 values, not 65/);
  });
});
