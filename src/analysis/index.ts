// `convlab/sweep`: how parameters and time grow with each argument — the sweeps, their charts
// (Vega-Lite specs, and SVG where the optional vega and vega-lite are installed) and what the slopes
// say. A separate entry so that the main one never names the chart packages.
export {
  DEFAULT_BASE,
  MAX_SWEEP_SERIES,
  MAX_SWEEP_VALUES,
  SWEEP_ARGUMENTS,
  convlabContender,
  describeBase,
  formatSweepValue,
  runSweep,
  sweepBase,
} from './sweep.js';
export type {
  Contender,
  MeasuredPoint,
  SweepArgument,
  SweepBase,
  SweepOptions,
  SweepResult,
  SweepSpec,
  SweepValue,
} from './sweep.js';
export { chartSpec } from './chart.js';
export type { VegaLiteSpec } from './chart.js';
export { renderSvg } from './chart-svg.js';
export { explain } from './explain.js';
export { toCsv, toJson } from './data.js';
