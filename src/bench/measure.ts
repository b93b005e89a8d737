/**
 * Timing one call honestly: warm up, calibrate how many calls make a sample long enough to time
 * (≥ 2 ms, so microsecond layers are not lost in timer resolution), then take samples until enough are
 * in or the time budget is spent; report the median and the interquartile range per call.
 *
 * The procedure is written once, as a plan (a generator that asks for "time n calls" and is told how
 * long they took); `measure` drives it for calls that may return promises, `measureSync` for plain
 * synchronous calls (a page that must answer within one task).
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
  /**
   * A ceiling on the whole measurement, warm-up included, ms: past it no further calls are made and
   * the samples so far are reported (at least one call is always timed). Default: none.
   */
  deadlineMs?: number;
  /** The clock, ms (default performance.now): tests pass a fake one. */
  now?: () => number;
}

/** The q-quantile of sorted values, interpolated linearly between neighbours (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at),
    hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** A time for people: microseconds under 0.1 ms, else milliseconds. */
export function formatTime(ms: number): string {
  return ms < 0.1 ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(3)} ms`;
}

/** The median of values in any order. */
export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** The procedure: yields how many calls to time next, receives how long they took (ms). */
function* timingPlan(options: MeasureOptions): Generator<number, Timing, number> {
  const { minSampleMs = 2, maxSamples = 31, minSamples = 5, budgetMs = 1500, warmupMs = 200 } = options;
  const deadline = options.deadlineMs ?? Number.POSITIVE_INFINITY;
  let total = 0;
  const perCall: number[] = [];
  /** Past the deadline the plan ends with what it has. */
  const late = () => total >= deadline;
  // Warm up (JIT tiers, caches, buffers) for warmupMs and at least two calls.
  let warmCalls = 0,
    warmMs = 0;
  while ((warmCalls < 2 || warmMs < warmupMs) && !(late() && warmCalls > 0)) {
    const elapsed = yield 1;
    total += elapsed;
    warmMs += elapsed;
    warmCalls++;
    if (late()) perCall.push(elapsed); // the only timing there will be
  }
  // Calibrate: enough calls per sample that a sample lasts minSampleMs.
  let calls = 1;
  while (!late()) {
    const elapsed = yield calls;
    total += elapsed;
    if (elapsed >= minSampleMs || calls >= 1 << 20 || late()) {
      if (late()) perCall.push(elapsed / calls);
      break;
    }
    calls = Math.min(1 << 20, Math.max(calls * 2, Math.ceil((calls * minSampleMs * 1.2) / Math.max(elapsed, 1e-3))));
  }
  let sampledMs = 0;
  while (!late() && perCall.length < maxSamples && (perCall.length < minSamples || sampledMs < budgetMs)) {
    const elapsed = yield calls;
    total += elapsed;
    sampledMs += elapsed;
    perCall.push(elapsed / calls);
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

/** Times `run` (which may return a promise: it is awaited). */
export async function measure(run: () => unknown, options: MeasureOptions = {}): Promise<Timing> {
  const now = options.now ?? (() => performance.now());
  const plan = timingPlan(options);
  let step = plan.next();
  while (!step.done) {
    const start = now();
    for (let i = 0; i < step.value; i++) {
      const result = run();
      if (result instanceof Promise) await result;
    }
    step = plan.next(now() - start);
  }
  return step.value;
}

/** Times a synchronous `run` without yielding to the event loop. */
export function measureSync(run: () => unknown, options: MeasureOptions = {}): Timing {
  const now = options.now ?? (() => performance.now());
  const plan = timingPlan(options);
  let step = plan.next();
  while (!step.done) {
    const start = now();
    for (let i = 0; i < step.value; i++) run();
    step = plan.next(now() - start);
  }
  return step.value;
}
