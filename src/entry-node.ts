// convlab for Node (the package's `node` export condition): the Node platform, then the whole API.
import './platform/install-node.js';

export * from './index.js';
export { readOnnxNetwork } from './network/onnx-node.js';
