import { describe, expect, it } from 'vitest';
import { kernelFor, measure, measureSync, median, pytorchConv2d, quantile, timeLayerSync } from '../src/index.js';

/** The one timing procedure (bench/measure.ts), its two drivers, and the helpers built on it. */

/** A clock that advances `msPerCall` each call of the timed function, and not otherwise. */
function fakeClock(msPerCall: (call: number) => number) {
  let now = 0,
    calls = 0;
  const run = () => {
    now += msPerCall(calls);
    calls++;
  };
  return { now: () => now, run, calls: () => calls };
}

describe('measure and measureSync', () => {
  it('give the same numbers from the same clock: warm-up, calibration to ≥ 2 ms samples, median and quartiles', async () => {
    const times = (call: number) => 0.5 + (call % 3) * 0.1; // 0.5, 0.6, 0.7 ms, repeating
    const a = fakeClock(times),
      b = fakeClock(times);
    const async = await measure(a.run, { now: a.now, budgetMs: 50, warmupMs: 5 });
    const sync = measureSync(b.run, { now: b.now, budgetMs: 50, warmupMs: 5 });
    expect(sync).toEqual(async);
    expect(a.calls()).toBe(b.calls());
    // 0.5–0.7 ms a call: a sample needs 4–5 calls to reach 2 ms; every sample's mean is 0.6 ± 0.05.
    expect([4, 5]).toContain(sync.callsPerSample);
    expect(sync.medianMs).toBeGreaterThan(0.55);
    expect(sync.medianMs).toBeLessThan(0.65);
    expect(sync.samples).toBeGreaterThanOrEqual(5);
    expect(sync.q1Ms).toBeLessThanOrEqual(sync.medianMs);
    expect(sync.q3Ms).toBeGreaterThanOrEqual(sync.medianMs);
  });

  it('stops at its deadline with the samples it has, having timed at least one call', () => {
    const slow = fakeClock(() => 300);
    const t = measureSync(slow.run, { now: slow.now, deadlineMs: 1000 });
    expect(slow.calls()).toBe(4); // 300, 600, 900, 1200: the fourth crosses the deadline
    expect(t.samples).toBeGreaterThanOrEqual(1);
    expect(t.medianMs).toBe(300);
    const one = fakeClock(() => 5000);
    expect(measureSync(one.run, { now: one.now, deadlineMs: 1000 }).medianMs).toBe(5000);
    expect(one.calls()).toBe(1);
  });

  it('quantile interpolates like numpy; median sorts first', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(median([9, 1, 5])).toBe(5);
  });
});

describe('timing a layer', () => {
  it("reports the kernel the table picks here and GFLOP/s from the layer's MACs", () => {
    const layer = { outChannels: 8, kernelSize: 3, padding: 1 };
    const t = timeLayerSync([8, 16, 16], layer, { budgetMs: 5, warmupMs: 1, minSamples: 3 });
    // 147,456 MACs, over the 16,384-MAC small-layer threshold, on a platform with WebAssembly SIMD
    // (Node 20): the table's im2col GEMM (the README's kernel table says when each runs).
    expect(t.kernel).toBe('wasm-im2col-gemm-4x8-simd128');
    // The article's title figure, 486 MACs: the reference loop.
    expect(kernelFor([3, 7, 7], { outChannels: 2, kernelSize: 3, padding: 1, stride: 2, dilation: 2 })).toBe(
      'reference',
    );
    expect(t.gflops).toBeCloseTo((2 * 8 * 8 * 9 * 16 * 16) / t.medianMs / 1e6, 6);
  });
});

describe('PyTorch text', () => {
  it('writes the constructor call the playground shows: defaults left out, square pairs as one number', () => {
    expect(pytorchConv2d(3, { outChannels: 2, kernelSize: 3, stride: 2, padding: 1, dilation: 2 })).toBe(
      'nn.Conv2d(3, 2, kernel_size=3, stride=2, padding=1, dilation=2)',
    );
    expect(
      pytorchConv2d(4, {
        outChannels: 4,
        kernelSize: [5, 2],
        padding: 'same',
        groups: 2,
        bias: false,
        paddingMode: 'reflect',
      }),
    ).toBe("nn.Conv2d(4, 4, kernel_size=(5, 2), padding='same', groups=2, bias=False, padding_mode='reflect')");
    // print(conv): tuples, stride always, strings bare.
    expect(pytorchConv2d(3, { outChannels: 2, kernelSize: 3 }, 'repr')).toBe(
      'Conv2d(3, 2, kernel_size=(3, 3), stride=(1, 1))',
    );
  });
});
