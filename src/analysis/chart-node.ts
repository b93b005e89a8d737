import { loadOptional } from '../errors/index.js';
import { fontFiles } from '../viz/fonts.js';

/** Rendering chart specs in Node: SVG with vega's headless view, PNG with resvg. */

const CHARTS = 'charts (convlab sweep)';

/** Fails early, naming what to install, when a chart package is missing (vega, vega-lite, @resvg/resvg-js are optional peers). */
export async function checkChartPackages(feature = CHARTS): Promise<void> {
  await loadOptional(() => import('vega'), ['vega'], feature);
  await loadOptional(() => import('vega-lite'), ['vega-lite'], feature);
  await loadOptional(() => import('@resvg/resvg-js'), ['@resvg/resvg-js'], feature);
}

export { renderSvg } from './chart-svg.js';

/** SVG → PNG with resvg, using the fonts the package ships (no system font assumptions). */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const { Resvg } = await loadOptional(() => import('@resvg/resvg-js'), ['@resvg/resvg-js'], CHARTS);
  const { latin, cjk } = fontFiles();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles: [...latin, ...cjk], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
    background: 'white',
  });
  return new Uint8Array(resvg.render().asPng());
}
