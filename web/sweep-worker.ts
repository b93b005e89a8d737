// The playground's sweeps, off the page's thread: runs the library's runSweep for the current
// configuration and posts progress, then the result. The page stays responsive however long the points take.
import { type SweepSpec, runSweep } from '../src/sweep-browser.js';

self.addEventListener('message', async (event: MessageEvent<{ spec: SweepSpec; budgetMs: number }>) => {
  const { spec, budgetMs } = event.data;
  try {
    const result = await runSweep(spec, {
      budgetMs,
      onProgress: (done, total, remainingMs) => self.postMessage({ progress: { done, total, remainingMs } }),
    });
    self.postMessage({ result });
  } catch (error) {
    self.postMessage({ error: (error as Error).message });
  }
});
