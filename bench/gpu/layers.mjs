// Prints the layer suite (src/bench/layers.ts, built into dist/) as JSON, for bench/gpu/cudnn.py.
import { LAYER_SUITE } from '../../dist/bench/layers.js';
console.log(JSON.stringify(LAYER_SUITE));
