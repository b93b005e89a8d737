// `convlab/sweep` in Node: the Node platform, then the sweeps and their charts (src/analysis/index.ts).
import './platform/install-node.js';

export * from './analysis/index.js';
