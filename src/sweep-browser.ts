// `convlab/sweep` for browsers and bundlers: the browser platform, then the sweeps and their charts
// (src/analysis/index.ts). Nothing on this path names a Node module.
import './platform/install-browser.js';

export * from './analysis/index.js';
