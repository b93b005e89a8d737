// Sweep: time against out_channels (optionally one line per value of a second argument), run by the
// library's runSweep in a worker so the page stays responsive; charted by the library's chartSpec and
// renderSvg, explained by its explain.
import type { SweepResult, SweepSpec, SweepValue } from '../src/sweep-browser.js';
import { $ } from './dom.js';
import type { View } from './view.js';

interface WorkerMessage {
  progress?: { done: number; total: number; remainingMs: number };
  result?: SweepResult;
  error?: string;
}

/** A new sweep replaces a running one; the worker is the sweep's own state. */
let running: Worker | null = null;

async function runSweep(view: View): Promise<void> {
  const { configuration } = view;
  if (!configuration) return;
  const { sweepBase, describeBase, chartSpec, explain, renderSvg } = await import('../src/sweep-browser.js');
  running?.terminate();
  const worker = new Worker(new URL('./sweep-worker.ts', import.meta.url), { type: 'module' });
  running = worker;
  const base = sweepBase(configuration.inputShape, { ...configuration.layer, groups: 1 });
  const varied = $<HTMLSelectElement>('sweep-vary').value as SweepSpec['x']['argument'] | '';
  const values: Partial<Record<SweepSpec['x']['argument'], SweepValue[]>> = {
    'kernel-size': [1, 3, 5],
    stride: [1, 2],
    dilation: [1, 2],
    'in-channels': [base.inChannels, 2 * base.inChannels],
  };
  const spec: SweepSpec = {
    id: 'playground',
    title: `${varied ? `one line per ${varied}, ` : ''}against out_channels — base layer: ${describeBase(base, ['out-channels', ...(varied ? [varied] : [])])}`,
    base,
    x: { argument: 'out-channels', values: [1, 2, 4, 8, 16, 32, 64] },
    ...(varied ? { vary: { argument: varied, values: values[varied]! } } : {}),
  };
  $('sweep-status').textContent = 'starting…';
  worker.addEventListener('message', async (event: MessageEvent<WorkerMessage>) => {
    const { progress, result, error } = event.data;
    if (progress)
      $('sweep-status').textContent =
        `point ${progress.done}/${progress.total}, about ${Math.ceil(progress.remainingMs / 1000)} s left`;
    if (error) $('sweep-status').textContent = error;
    if (!result) return;
    worker.terminate();
    $('sweep-chart').innerHTML = await renderSvg(
      chartSpec(result, view.configuration?.viz.lang === 'zh-CN' ? 'zh-CN' : 'en'),
    );
    $('sweep-explain').textContent = explain(result).join('\n');
    $('sweep-status').textContent = `${result.points.length} points in ${(result.meta.elapsedMs / 1000).toFixed(1)} s`;
  });
  worker.postMessage({ spec, budgetMs: Number($<HTMLSelectElement>('sweep-budget').value) });
}

export function setUpSweep(view: View): void {
  $('sweep').addEventListener('click', () => void runSweep(view));
}
