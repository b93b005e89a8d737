import { loadOptional } from '../errors/index.js';
import type { VegaLiteSpec } from './chart.js';

/**
 * A Vega-Lite spec to SVG with vega's headless view — the same call in Node (the CLI's charts) and in
 * the page (the sweep panel). vega and vega-lite are optional peers, loaded here when first needed.
 */
export async function renderSvg(spec: VegaLiteSpec, feature = 'charts (convlab sweep)'): Promise<string> {
  const [vega, vegaLite] = await Promise.all([
    loadOptional(() => import('vega'), ['vega'], feature),
    loadOptional(() => import('vega-lite'), ['vega-lite'], feature),
  ]);
  const compiled = vegaLite.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
