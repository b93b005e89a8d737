import type { Tensor } from '../core/tensor.js';
import { WeightsError, formatValue } from '../errors/index.js';
import { readNpz } from './npz.js';
import { readSafetensors } from './safetensors.js';

/**
 * A model's parameters by name — PyTorch's `state_dict` — read from the files it is shared in:
 * `.safetensors` (`safetensors.torch.save_file(model.state_dict(), …)`) or `.npz`
 * (`np.savez(…, **{k: v.numpy() for k, v in model.state_dict().items()})`). The format is told by
 * the bytes (a zip archive is .npz), not by the file name.
 */
export type StateDict = Map<string, Tensor>;

/** Whether bytes start a zip archive (an `.npz`): the local file header's "PK\3\4". */
export function isZipArchive(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export function readStateDict(bytes: Uint8Array, name = 'file'): StateDict {
  if (isZipArchive(bytes)) return readNpz(bytes, name);
  const { tensors } = readSafetensors(bytes, name);
  const dict: StateDict = new Map();
  for (const [key, stored] of tensors) if (stored.tensor) dict.set(key, stored.tensor);
  return dict;
}

/**
 * One convolution's tensors from a model's state_dict, by the layer's name (`features.0` →
 * `features.0.weight`, `features.0.bias`), as a state_dict of its own (`weight`, `bias`).
 *
 * @throws WeightsError naming the layer and, when it is not there, the convolution layers that are
 */
export function layerStateDict(dict: StateDict, layer: string): StateDict {
  const weight = dict.get(`${layer}.weight`);
  if (weight?.shape.length !== 4) {
    const layers = [...dict.entries()]
      .filter(([key, t]) => key.endsWith('.weight') && t.shape.length === 4)
      .map(([key]) => key.slice(0, -'.weight'.length));
    throw new WeightsError(
      'layer',
      layer,
      weight
        ? `${formatValue(`${layer}.weight`)} has shape ${formatValue(weight.shape)}, not a convolution's (O, C/groups, kH, kW)`
        : `no convolution weight ${formatValue(`${layer}.weight`)} in the file; its convolution layers are: ${layers.join(', ') || '(none)'}`,
    );
  }
  const out: StateDict = new Map([['weight', weight]]);
  const bias = dict.get(`${layer}.bias`);
  if (bias) out.set('bias', bias);
  return out;
}
