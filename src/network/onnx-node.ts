import { loadOptional } from '../errors/index.js';
import { type OnnxNetwork, type OnnxProto, onnxNetwork } from './onnx.js';

/**
 * {@link onnxNetwork} with the `onnx-proto` package loaded here (Node: `convlab/node` and the CLI);
 * a missing package is a MissingPackageError naming it.
 *
 * @example
 * const model = await readOnnxNetwork(readFileSync('model.onnx'));
 */
export async function readOnnxNetwork(bytes: Uint8Array): Promise<OnnxNetwork> {
  const proto = (await loadOptional(() => import('onnx-proto'), ['onnx-proto'], 'reading .onnx models')).default;
  return onnxNetwork(bytes, proto as unknown as OnnxProto);
}
