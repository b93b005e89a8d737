// Measure: the layer timed on this browser by the library's timeLayer — on the page's thread, on the
// engine's workers where the page is cross-origin isolated, and on the GPU where there is one.
import {
  ConvlabError,
  type LayerTiming,
  describeConv2d,
  formatTime,
  timeLayer,
  timeLayerSync,
} from '../src/entry-browser.js';
import { $ } from './dom.js';
import type { View } from './view.js';

/** Above this many MACs the page does not time on its own thread (it would freeze): use the CLI or a sweep. */
const MAX_MEASURED_MACS = 2e9;
/** Fifteen samples a measurement, as many as the page has always reported. */
const SAMPLES = { minSamples: 15, maxSamples: 15, warmupMs: 20 };

function measure(view: View): void {
  const { configuration } = view;
  if (!configuration) return;
  const timing = $('timing');
  timing.dataset.done = 'false';
  const { inputShape, layer } = configuration;
  const { macs } = describeConv2d(inputShape, layer);
  if (macs > MAX_MEASURED_MACS) {
    timing.textContent = `${macs.toExponential(1)} MACs is too much to time on the page's thread (limit ${MAX_MEASURED_MACS.toExponential(0)}): use npx convlab bench or sweep`;
    return;
  }
  const one = timeLayerSync(inputShape, layer, SAMPLES);
  timing.textContent = `${formatTime(one.medianMs)} per forward pass (median of ${one.samples}, kernel ${one.kernel}, one thread) — ${one.gflops.toFixed(1)} GFLOP/s`;
  const add = (words: (t: LayerTiming) => string) => (t: LayerTiming) => {
    timing.textContent += `; ${words(t)}`;
  };
  void (async () => {
    // With cross-origin isolation the engine can use its worker threads too.
    if (crossOriginIsolated) {
      const threads = navigator.hardwareConcurrency || 1;
      add((t) => `${formatTime(t.medianMs)} with conv2dAsync on ${threads} threads`)(
        await timeLayer(inputShape, layer, { ...SAMPLES, threads }),
      );
    }
    // And the GPU, where the browser has one (end to end: upload, run, read back).
    if ('gpu' in navigator) {
      try {
        add((t) => `${formatTime(t.medianMs)} on the GPU (WebGPU, with upload and read-back)`)(
          await timeLayer(inputShape, layer, { ...SAMPLES, backend: 'webgpu' }),
        );
      } catch (error) {
        if (!(error instanceof ConvlabError)) throw error;
        timing.textContent += `; no GPU: ${error.rule}`;
      }
    }
    timing.dataset.done = 'true';
  })();
}

export function setUpMeasure(view: View): void {
  $('measure').addEventListener('click', () => measure(view));
}
