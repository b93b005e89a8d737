/**
 * Timing one call honestly: warm up, calibrate how many calls make a sample long enough to time
 * (≥ 2 ms, so microsecond layers are not lost in timer resolution), then take samples until enough are
 * in or the time budget is spent; report the median and the interquartile range per call.
 */
export interface Timing {
  /** Median time per call, ms. */
  medianMs: number;
  q1Ms: number;
  q3Ms: number;
  samples: number;
  callsPerSample: number;
}

export interface MeasureOptions {
  minSampleMs?: number;
  maxSamples?: number;
  minSamples?: number;
  budgetMs?: number;
  warmupMs?: number;
  /** The clock, ms (default performance.now): tests pass a fake one. */
  now?: () => number;
}

async function callTimes(run: () => unknown, calls: number, now: () => number): Promise<number> {
  const start = now();
  for (let i = 0; i < calls; i++) {
    const result = run();
    if (result instanceof Promise) await result;
  }
  return now() - start;
}

function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at),
    hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export async function measure(run: () => unknown, options: MeasureOptions = {}): Promise<Timing> {
  const {
    minSampleMs = 2,
    maxSamples = 31,
    minSamples = 5,
    budgetMs = 1500,
    warmupMs = 200,
    now = () => performance.now(),
  } = options;
  // Warm up (JIT tiers, caches, buffers) for warmupMs and at least two calls.
  let warmCalls = 0;
  const warmStart = now();
  while (warmCalls < 2 || now() - warmStart < warmupMs) {
    await callTimes(run, 1, now);
    warmCalls++;
  }
  // Calibrate: enough calls per sample that a sample lasts minSampleMs.
  let calls = 1;
  for (;;) {
    const elapsed = await callTimes(run, calls, now);
    if (elapsed >= minSampleMs || calls >= 1 << 20) break;
    calls = Math.min(1 << 20, Math.max(calls * 2, Math.ceil((calls * minSampleMs * 1.2) / Math.max(elapsed, 1e-3))));
  }
  const perCall: number[] = [];
  const start = now();
  while (perCall.length < maxSamples && (perCall.length < minSamples || now() - start < budgetMs)) {
    perCall.push((await callTimes(run, calls, now)) / calls);
  }
  perCall.sort((a, b) => a - b);
  return {
    medianMs: quantile(perCall, 0.5),
    q1Ms: quantile(perCall, 0.25),
    q3Ms: quantile(perCall, 0.75),
    samples: perCall.length,
    callsPerSample: calls,
  };
}
