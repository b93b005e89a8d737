import { resolveLayer } from '../core/describe.js';
import { onnxConvModel } from '../bench/onnx-model.js';
import { layerTensors } from '../bench/time-layer.js';
import type { Contender } from './sweep.js';

/** onnxruntime-node (a dev dependency) as a sweep contender: zero padding only, weights as initializers. */
export function onnxruntimeContender(threads = 1): Contender {
  return {
    id: `onnxruntime-node-${threads}t`,
    label: 'onnxruntime-node',
    backend: 'onnxruntime-node',
    threads,
    async prepare(inputShape, layer) {
      const info = resolveLayer(inputShape, layer);
      if (info.paddingMode !== 'zeros') return `onnxruntime's Conv has zero padding only (not ${info.paddingMode})`;
      const ort = (await import('onnxruntime-node')).default;
      const { x, w, b } = layerTensors(info);
      const session = await ort.InferenceSession.create(await onnxConvModel(info, w.data, b?.data ?? null), {
        intraOpNumThreads: threads,
        graphOptimizationLevel: 'all',
      });
      const feeds = { x: new ort.Tensor('float32', x.data, inputShape) };
      return () => session.run(feeds);
    },
  };
}
